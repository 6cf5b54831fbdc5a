package jury

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"certeval/i18n"
)

// Errors of the deliberation. Their Error text is a sentence in the current
// language, saying what to do; errors.Is matches the sentinels.
var (
	ErrNoQuorum          = errors.New("jury: quorum not met")
	ErrClosed            = errors.New("jury: deliberation is closed")
	ErrNotClosed         = errors.New("jury: deliberation is not closed")
	ErrUndecided         = errors.New("jury: candidates undecided")
	ErrUnknownCandidate  = errors.New("jury: candidate not in deliberation")
	ErrPendingOutcome    = errors.New("jury: outcome is pending")
	ErrReasonRequired    = errors.New("jury: reason required")
	ErrVoteRequired      = errors.New("jury: vote required")
	ErrVoteNotCarried    = errors.New("jury: vote not carried")
	ErrVoteTie           = errors.New("jury: tie without casting vote")
	ErrVoteCasting       = errors.New("jury: casting vote without a tie")
	ErrVoteTooMany       = errors.New("jury: more votes than members present")
	ErrVoteEmpty         = errors.New("jury: no vote cast")
	ErrNoPresident       = errors.New("jury: no president present")
	ErrFingerprint       = errors.New("jury: fingerprint does not match")
	ErrInvalidOutcome    = errors.New("jury: invalid outcome")
	ErrSameOutcome       = errors.New("jury: override keeps the proposed outcome")
	ErrClosedByRequired  = errors.New("jury: closing person required")
	ErrDeliberationEmpty = errors.New("jury: no candidate in deliberation")
)

// sentenceError is an error a user sees: a translated sentence over a sentinel.
type sentenceError struct {
	sentinel error
	key      string
	args     []any
}

// Error returns the sentence in the current language.
func (e *sentenceError) Error() string { return i18n.T(e.key, e.args...) }

// Unwrap returns the sentinel, for errors.Is.
func (e *sentenceError) Unwrap() error { return e.sentinel }

// sentenceErr returns a user-facing error for sentinel, worded by key.
func sentenceErr(sentinel error, key string, args ...any) error {
	return &sentenceError{sentinel: sentinel, key: key, args: args}
}

// UndecidedError lists the candidates without a decision (or with a pending
// one) when a deliberation cannot be closed. It matches ErrUndecided.
type UndecidedError struct {
	Candidates []string
}

// Error returns a sentence naming the undecided candidates.
func (e *UndecidedError) Error() string {
	return i18n.T("jury.error.undecided", strings.Join(e.Candidates, ", "))
}

// Unwrap returns ErrUndecided.
func (e *UndecidedError) Unwrap() error { return ErrUndecided }

// MeetingMember is a jury member and whether they attend the meeting.
type MeetingMember struct {
	Member
	Present bool
}

// Meeting is one session of the jury: when, where, who.
type Meeting struct {
	Sitting int // 1 for the first sitting, 2 for the resit
	Date    time.Time
	Place   string
	Remote  bool
	Members []MeetingMember
	Quorum  int // members present needed to decide; at least 1 is needed
}

// PresentCount returns the number of members present.
func (m Meeting) PresentCount() int {
	n := 0
	for _, mm := range m.Members {
		if mm.Present {
			n++
		}
	}
	return n
}

// QuorumMet reports whether enough members are present to decide.
func (m Meeting) QuorumMet() bool {
	return m.PresentCount() >= max(m.Quorum, 1)
}

// President returns the president of the jury, and whether they are
// present.
func (m Meeting) President() (Member, bool) {
	for _, mm := range m.Members {
		if mm.President {
			return mm.Member, mm.Present
		}
	}
	return Member{}, false
}

// Decide returns ErrNoQuorum when the meeting cannot take decisions: it may
// still prepare them (look at proposals, draft reasons).
func (m Meeting) Decide() error {
	if !m.QuorumMet() {
		return sentenceErr(ErrNoQuorum, "jury.error.no_quorum", m.PresentCount(), max(m.Quorum, 1))
	}
	return nil
}

// Vote is the count of a jury vote on a departure from a proposed outcome.
// A simple majority of the votes cast carries; abstentions do not count.
type Vote struct {
	For, Against, Abstain int
	// CastingVote is the president's, only valid on a tie: true carries.
	CastingVote *bool
	// Present is the number of members present when the vote was taken;
	// 0 means not stated. A deliberation fills it in from its meeting.
	Present int
}

// Carried reports whether the vote carries. A tie needs the president's
// casting vote; a casting vote without a tie, no vote at all, or more
// votes than members present are errors.
func (v Vote) Carried() (bool, error) {
	total := v.For + v.Against + v.Abstain
	switch {
	case v.For < 0 || v.Against < 0 || v.Abstain < 0 || v.For+v.Against == 0:
		return false, sentenceErr(ErrVoteEmpty, "jury.error.vote_empty")
	case v.Present > 0 && total > v.Present:
		return false, sentenceErr(ErrVoteTooMany, "jury.error.vote_too_many", total, v.Present)
	case v.For != v.Against && v.CastingVote != nil:
		return false, sentenceErr(ErrVoteCasting, "jury.error.vote_casting")
	case v.For == v.Against && v.CastingVote == nil:
		return false, sentenceErr(ErrVoteTie, "jury.error.vote_tie")
	case v.For == v.Against:
		return *v.CastingVote, nil
	}
	return v.For > v.Against, nil
}

// Decision is what the jury decided for one candidate.
type Decision struct {
	Candidate string
	Proposed  Proposal
	Outcome   Outcome // "" until decided
	Reason    string  // the jury's written reason for a departure
	Vote      *Vote   // the vote that carried a departure
	Accepted  bool    // the proposal was accepted as is
	ByAppeal  bool    // the outcome was revised by an upheld appeal
}

// Decided reports whether the jury has decided for this candidate.
func (d Decision) Decided() bool { return d.Outcome != "" }

// State is where a deliberation stands.
type State int

const (
	// Open deliberations take decisions.
	Open State = iota
	// Closed deliberations are final; only reopening changes them.
	Closed
)

// Deliberation is one version of the jury's deliberation on one sitting of
// a credential. A closed deliberation is never altered: reopening it makes
// a new version that replaces it, and both stay on record.
type Deliberation struct {
	Credential string
	Sitting    int
	Version    int // 1 for the first
	Replaces   int // the version this one replaces, 0 for the first
	Meeting    Meeting
	Decisions  map[string]Decision // by candidate ID
	State      State

	ClosedBy    string
	ClosedAt    time.Time
	Fingerprint string // SHA-256 of what was decided, set on closing

	ReopenReason string // why the replaced version was reopened
	ReopenedBy   string
	ReopenedAt   time.Time
}

// NewDeliberation starts version 1 of the deliberation of a sitting.
func NewDeliberation(credential string, sitting int, m Meeting) *Deliberation {
	return &Deliberation{
		Credential: credential,
		Sitting:    sitting,
		Version:    1,
		Meeting:    m,
		Decisions:  make(map[string]Decision),
	}
}

// Candidates returns the candidate IDs in order.
func (d *Deliberation) Candidates() []string {
	ids := make([]string, 0, len(d.Decisions))
	for id := range d.Decisions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SetMeeting records the meeting of an open deliberation.
func (d *Deliberation) SetMeeting(m Meeting) error {
	if err := d.checkOpen(); err != nil {
		return err
	}
	d.Meeting = m
	return nil
}

// Prepare loads the proposals, which needs no quorum. A candidate whose
// proposal changed loses the decision taken on the old one.
func (d *Deliberation) Prepare(proposals map[string]Proposal) error {
	if err := d.checkOpen(); err != nil {
		return err
	}
	if d.Decisions == nil {
		d.Decisions = make(map[string]Decision)
	}
	for id, p := range proposals {
		old, ok := d.Decisions[id]
		if ok && sameProposal(old.Proposed, p) {
			continue
		}
		d.Decisions[id] = Decision{Candidate: id, Proposed: p}
	}
	return nil
}

// AcceptAll loads the proposals and accepts every one that is not pending.
// Candidates already decided keep their decision.
func (d *Deliberation) AcceptAll(proposals map[string]Proposal) error {
	if err := d.checkDecide(); err != nil {
		return err
	}
	if err := d.Prepare(proposals); err != nil {
		return err
	}
	for id, dec := range d.Decisions {
		if !dec.Decided() && !dec.Proposed.Outcome.Pending() {
			d.Decisions[id] = acceptedDecision(dec)
		}
	}
	return nil
}

// Accept accepts the proposal of one candidate as is.
func (d *Deliberation) Accept(id string) error {
	dec, err := d.decisionToChange(id)
	if err != nil {
		return err
	}
	d.Decisions[id] = acceptedDecision(dec)
	return nil
}

// Override departs from the proposal of one candidate. It needs a written
// reason and a vote of the members present that carries. A pass given
// against the computation is recorded as ADJ ("admis·e par décision du
// jury"). Choosing the proposed outcome is Accept, not Override.
func (d *Deliberation) Override(id string, o Outcome, reason string, v *Vote) error {
	dec, err := d.decisionToChange(id)
	if err != nil {
		return err
	}
	o, err = overrideOutcome(dec.Proposed.Outcome, o)
	if err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return sentenceErr(ErrReasonRequired, "jury.error.reason_required", id)
	}
	vote, err := d.checkVote(id, v)
	if err != nil {
		return err
	}
	d.Decisions[id] = Decision{
		Candidate: id, Proposed: dec.Proposed, Outcome: o,
		Reason: strings.TrimSpace(reason), Vote: vote,
	}
	return nil
}

// Decide records the outcome the jury chose for one candidate: Accept when
// it is the proposed one, Override otherwise.
func (d *Deliberation) Decide(id string, o Outcome, reason string, v *Vote) error {
	if dec, ok := d.Decisions[id]; ok && dec.Proposed.Outcome == o {
		return d.Accept(id)
	}
	return d.Override(id, o, reason, v)
}

// Close ends the deliberation: quorum met, every candidate decided, none
// pending. It records who closed it and when, and the fingerprint of what
// was decided.
func (d *Deliberation) Close(by string, at time.Time) error {
	if err := d.checkDecide(); err != nil {
		return err
	}
	if strings.TrimSpace(by) == "" {
		return sentenceErr(ErrClosedByRequired, "jury.error.closed_by_required")
	}
	if len(d.Decisions) == 0 {
		return sentenceErr(ErrDeliberationEmpty, "jury.error.empty")
	}
	if undecided := d.Undecided(); len(undecided) > 0 {
		return &UndecidedError{Candidates: undecided}
	}

	d.State, d.ClosedBy, d.ClosedAt = Closed, by, at.UTC()
	d.Fingerprint = d.ComputeFingerprint()
	return nil
}

// Undecided returns, in order, the candidates without a final decision.
func (d *Deliberation) Undecided() []string {
	var ids []string
	for _, id := range d.Candidates() {
		dec := d.Decisions[id]
		if !dec.Decided() || dec.Outcome.Pending() {
			ids = append(ids, id)
		}
	}
	return ids
}

// Reopen returns a new open version of a closed deliberation, with its
// decisions copied. The closed version is not altered.
func (d *Deliberation) Reopen(reason, by string, at time.Time) (*Deliberation, error) {
	if d.State != Closed {
		return nil, sentenceErr(ErrNotClosed, "jury.error.not_closed")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, sentenceErr(ErrReasonRequired, "jury.error.reopen_reason_required")
	}
	if strings.TrimSpace(by) == "" {
		return nil, sentenceErr(ErrClosedByRequired, "jury.error.reopened_by_required")
	}

	nd := &Deliberation{
		Credential: d.Credential, Sitting: d.Sitting,
		Version: d.Version + 1, Replaces: d.Version,
		Meeting:      copyMeeting(d.Meeting),
		Decisions:    make(map[string]Decision, len(d.Decisions)),
		ReopenReason: strings.TrimSpace(reason), ReopenedBy: by, ReopenedAt: at.UTC(),
	}
	for id, dec := range d.Decisions {
		nd.Decisions[id] = copyDecision(dec)
	}
	return nd, nil
}

// Verify checks that a closed deliberation still matches its fingerprint.
func (d *Deliberation) Verify() error {
	if d.State != Closed {
		return sentenceErr(ErrNotClosed, "jury.error.not_closed")
	}
	if d.ComputeFingerprint() != d.Fingerprint {
		return sentenceErr(ErrFingerprint, "jury.error.fingerprint")
	}
	return nil
}

// ComputeFingerprint returns the hex SHA-256 of the canonical form of the
// deliberation: credential, sitting, version, meeting, who closed it and
// when, and each decision in candidate order. Translated texts (proposal
// reasons, measures) are left out so the fingerprint does not depend on
// the language; the jury's own reasons are in.
func (d *Deliberation) ComputeFingerprint() string {
	b, err := json.Marshal(d.canonical())
	if err != nil {
		panic("jury: canonical form: " + err.Error()) // plain types only
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// checkOpen returns ErrClosed for a closed deliberation.
func (d *Deliberation) checkOpen() error {
	if d.State == Closed {
		return sentenceErr(ErrClosed, "jury.error.closed", d.Version)
	}
	return nil
}

// checkDecide returns an error unless the deliberation is open and the
// meeting has its quorum.
func (d *Deliberation) checkDecide() error {
	if err := d.checkOpen(); err != nil {
		return err
	}
	return d.Meeting.Decide()
}

// decisionToChange returns the decision of id if the jury may change it.
func (d *Deliberation) decisionToChange(id string) (Decision, error) {
	if err := d.checkDecide(); err != nil {
		return Decision{}, err
	}
	dec, ok := d.Decisions[id]
	if !ok {
		return Decision{}, sentenceErr(ErrUnknownCandidate, "jury.error.unknown_candidate", id)
	}
	if dec.Proposed.Outcome.Pending() {
		return Decision{}, sentenceErr(ErrPendingOutcome, "jury.error.pending", id)
	}
	return dec, nil
}

// checkVote checks that a vote was taken among the members present and
// carried, and returns a copy that records how many were present.
func (d *Deliberation) checkVote(id string, v *Vote) (*Vote, error) {
	if v == nil {
		return nil, sentenceErr(ErrVoteRequired, "jury.error.vote_required", id)
	}
	vote := copyVote(v)
	vote.Present = d.Meeting.PresentCount()
	if _, here := d.Meeting.President(); vote.CastingVote != nil && !here {
		return nil, sentenceErr(ErrNoPresident, "jury.error.no_president")
	}
	carried, err := vote.Carried()
	if err != nil {
		return nil, err
	}
	if !carried {
		return nil, sentenceErr(ErrVoteNotCarried, "jury.error.vote_not_carried", id)
	}
	return vote, nil
}

// overrideOutcome checks the outcome chosen against the proposed one and
// turns a pass against the computation into ADJ.
func overrideOutcome(proposed, o Outcome) (Outcome, error) {
	if !o.Valid() || o.Pending() {
		return "", sentenceErr(ErrInvalidOutcome, "jury.error.invalid_outcome", string(o))
	}
	if o.Passing() && !proposed.Passing() {
		o = OutcomePassedByJury
	}
	if o == proposed || (o.Passing() && proposed.Passing()) {
		return "", sentenceErr(ErrSameOutcome, "jury.error.same_outcome")
	}
	return o, nil
}

// acceptedDecision returns dec with its proposal accepted as is.
func acceptedDecision(dec Decision) Decision {
	return Decision{
		Candidate: dec.Candidate, Proposed: dec.Proposed,
		Outcome: dec.Proposed.Outcome, Accepted: true,
	}
}

// sameProposal reports whether two proposals say the same thing.
func sameProposal(a, b Proposal) bool {
	return a.Outcome == b.Outcome && a.Mark == b.Mark && a.HasMark == b.HasMark &&
		a.Measure == b.Measure && slices.Equal(a.Reasons, b.Reasons)
}

// copyVote returns a copy of v that shares nothing with it.
func copyVote(v *Vote) *Vote {
	if v == nil {
		return nil
	}
	c := *v
	if v.CastingVote != nil {
		cv := *v.CastingVote
		c.CastingVote = &cv
	}
	return &c
}

// copyDecision returns a copy of dec that shares nothing with it.
func copyDecision(dec Decision) Decision {
	dec.Vote = copyVote(dec.Vote)
	dec.Proposed.Reasons = slices.Clone(dec.Proposed.Reasons)
	return dec
}

// copyMeeting returns a copy of m that shares nothing with it.
func copyMeeting(m Meeting) Meeting {
	m.Members = slices.Clone(m.Members)
	return m
}

// canonicalDeliberation is the form hashed by ComputeFingerprint. Its field
// order and content are part of the fingerprint: change them only with a
// new Format.
type canonicalDeliberation struct {
	Format     string              `json:"format"`
	Credential string              `json:"credential"`
	Sitting    int                 `json:"sitting"`
	Version    int                 `json:"version"`
	Replaces   int                 `json:"replaces"`
	Reopen     string              `json:"reopen"`
	ReopenedBy string              `json:"reopenedBy"`
	ReopenedAt string              `json:"reopenedAt"`
	Date       string              `json:"date"`
	Place      string              `json:"place"`
	Remote     bool                `json:"remote"`
	Quorum     int                 `json:"quorum"`
	Members    []canonicalMember   `json:"members"`
	ClosedBy   string              `json:"closedBy"`
	ClosedAt   string              `json:"closedAt"`
	Decisions  []canonicalDecision `json:"decisions"`
}

// canonicalMember is a jury member in the canonical form.
type canonicalMember struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	Institution string `json:"institution"`
	President   bool   `json:"president"`
	Present     bool   `json:"present"`
}

// canonicalDecision is a decision in the canonical form; marks are
// written with four decimals so that float printing cannot vary.
type canonicalDecision struct {
	Candidate string `json:"candidate"`
	Proposed  string `json:"proposed"`
	Mark      string `json:"mark"`
	Outcome   string `json:"outcome"`
	Accepted  bool   `json:"accepted"`
	ByAppeal  bool   `json:"byAppeal"`
	Reason    string `json:"reason"`
	Vote      string `json:"vote"`
}

// canonical returns the canonical form of d.
func (d *Deliberation) canonical() canonicalDeliberation {
	c := canonicalDeliberation{
		Format: "certeval-deliberation/1", Credential: d.Credential,
		Sitting: d.Sitting, Version: d.Version, Replaces: d.Replaces,
		Reopen: d.ReopenReason, ReopenedBy: d.ReopenedBy,
		ReopenedAt: d.ReopenedAt.UTC().Format(time.RFC3339Nano),
		Date:       d.Meeting.Date.UTC().Format(time.RFC3339),
		Place:      d.Meeting.Place, Remote: d.Meeting.Remote, Quorum: d.Meeting.Quorum,
		ClosedBy: d.ClosedBy, ClosedAt: d.ClosedAt.UTC().Format(time.RFC3339Nano),
	}
	for _, m := range d.Meeting.Members {
		c.Members = append(c.Members, canonicalMember{
			Name: m.Name, Role: m.Role, Institution: m.Institution,
			President: m.President, Present: m.Present,
		})
	}
	for _, id := range d.Candidates() {
		c.Decisions = append(c.Decisions, canonicalDecisionOf(d.Decisions[id]))
	}
	return c
}

// canonicalDecisionOf returns the canonical form of dec.
func canonicalDecisionOf(dec Decision) canonicalDecision {
	c := canonicalDecision{
		Candidate: dec.Candidate, Proposed: string(dec.Proposed.Outcome),
		Outcome: string(dec.Outcome), Accepted: dec.Accepted,
		ByAppeal: dec.ByAppeal, Reason: dec.Reason,
	}
	if dec.Proposed.HasMark {
		c.Mark = fmt.Sprintf("%.4f", dec.Proposed.Mark)
	}
	if v := dec.Vote; v != nil {
		c.Vote = fmt.Sprintf("%d/%d/%d of %d", v.For, v.Against, v.Abstain, v.Present)
		if v.CastingVote != nil {
			c.Vote += fmt.Sprintf(" casting=%t", *v.CastingVote)
		}
	}
	return c
}
