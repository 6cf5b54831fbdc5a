package jury_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

var closedAt = time.Date(2025, 6, 20, 16, 30, 0, 0, time.UTC)

// meeting returns a first-sitting meeting of three members, present as
// given, with a quorum of two; the first member presides.
func meeting(present ...bool) jury.Meeting {
	names := []string{"Claire Dubois", "Karim Benali", "Sophie Martin"}
	m := jury.Meeting{
		Sitting: 1, Date: closedAt, Place: "Université de Lille", Quorum: 2,
	}
	for i, p := range present {
		m.Members = append(m.Members, jury.MeetingMember{
			Member:  jury.Member{Name: names[i], Role: "experte", President: i == 0},
			Present: p,
		})
	}
	return m
}

// proposals returns three candidates: a pass, a fail and a justified absence.
func proposals() map[string]jury.Proposal {
	return map[string]jury.Proposal{
		"C01": {Outcome: jury.OutcomePassed, Mark: 14, HasMark: true},
		"C02": {Outcome: jury.OutcomeNotPassed, Mark: 9.5, HasMark: true},
		"C03": {Outcome: jury.OutcomeAbsentJustified},
	}
}

func boolPtr(b bool) *bool { return &b }

// decided returns an open deliberation with every proposal accepted.
func decided(t *testing.T) *jury.Deliberation {
	t.Helper()
	d := jury.NewDeliberation("MC-IA-01", 1, meeting(true, true, false))
	if err := d.AcceptAll(proposals()); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMeetingQuorumAndPresident(t *testing.T) {
	tests := []struct {
		name      string
		m         jury.Meeting
		quorum    bool
		president bool
	}{
		{"all present", meeting(true, true, true), true, true},
		{"quorum without president", meeting(false, true, true), true, false},
		{"one short", meeting(true, false, false), false, true},
		{"nobody, quorum zero", jury.Meeting{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.QuorumMet(); got != tt.quorum {
				t.Errorf("QuorumMet = %t, want %t", got, tt.quorum)
			}
			if err := tt.m.Decide(); (err == nil) != tt.quorum ||
				(err != nil && !errors.Is(err, jury.ErrNoQuorum)) {
				t.Errorf("Decide = %v", err)
			}
			if _, here := tt.m.President(); here != tt.president {
				t.Errorf("president present = %t, want %t", here, tt.president)
			}
		})
	}
}

func TestVoteCarried(t *testing.T) {
	tests := []struct {
		name    string
		v       jury.Vote
		carried bool
		err     error
	}{
		{"majority for", jury.Vote{For: 3, Against: 1, Abstain: 1}, true, nil},
		{"majority against", jury.Vote{For: 1, Against: 2}, false, nil},
		{"abstentions do not count", jury.Vote{For: 1, Abstain: 4}, true, nil},
		{"tie", jury.Vote{For: 2, Against: 2}, false, jury.ErrVoteTie},
		{"tie, casting for", jury.Vote{For: 2, Against: 2, CastingVote: boolPtr(true)},
			true, nil},
		{"tie, casting against", jury.Vote{For: 1, Against: 1, CastingVote: boolPtr(false)},
			false, nil},
		{"casting without tie", jury.Vote{For: 2, Against: 1, CastingVote: boolPtr(true)},
			false, jury.ErrVoteCasting},
		{"more votes than present", jury.Vote{For: 2, Against: 1, Abstain: 1, Present: 3},
			false, jury.ErrVoteTooMany},
		{"as many votes as present", jury.Vote{For: 2, Against: 1, Present: 3}, true, nil},
		{"no vote", jury.Vote{Abstain: 3}, false, jury.ErrVoteEmpty},
		{"negative count", jury.Vote{For: 2, Against: -1}, false, jury.ErrVoteEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.v.Carried()
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.carried {
				t.Fatalf("carried = %t, want %t", got, tt.carried)
			}
		})
	}
}

func TestOverrideNeedsReasonAndCarriedVote(t *testing.T) {
	carried := &jury.Vote{For: 2}
	tests := []struct {
		name    string
		id      string
		outcome jury.Outcome
		reason  string
		vote    *jury.Vote
		err     error
		want    jury.Outcome
	}{
		{"pass against the grid becomes ADJ", "C02", jury.OutcomePassed,
			"Erreur de saisie du critère 3 constatée.", carried, nil, jury.OutcomePassedByJury},
		{"ADJ directly", "C02", jury.OutcomePassedByJury, "Motif.", carried, nil,
			jury.OutcomePassedByJury},
		{"fail against the grid", "C01", jury.OutcomeNotPassed, "Plagiat avéré.", carried,
			nil, jury.OutcomeNotPassed},
		{"no reason", "C02", jury.OutcomePassed, "  ", carried, jury.ErrReasonRequired, ""},
		{"no vote", "C02", jury.OutcomePassed, "Motif.", nil, jury.ErrVoteRequired, ""},
		{"vote lost", "C02", jury.OutcomePassed, "Motif.", &jury.Vote{For: 1, Against: 1,
			CastingVote: boolPtr(false)}, jury.ErrVoteNotCarried, ""},
		{"more votes than present", "C02", jury.OutcomePassed, "Motif.",
			&jury.Vote{For: 2, Against: 1}, jury.ErrVoteTooMany, ""},
		{"same as proposed", "C01", jury.OutcomePassed, "Motif.", carried,
			jury.ErrSameOutcome, ""},
		{"ADJ over ADM", "C01", jury.OutcomePassedByJury, "Motif.", carried,
			jury.ErrSameOutcome, ""},
		{"pending is no decision", "C01", jury.OutcomePending, "Motif.", carried,
			jury.ErrInvalidOutcome, ""},
		{"unknown code", "C01", jury.Outcome("XX"), "Motif.", carried,
			jury.ErrInvalidOutcome, ""},
		{"unknown candidate", "C99", jury.OutcomePassed, "Motif.", carried,
			jury.ErrUnknownCandidate, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := jury.NewDeliberation("MC-IA-01", 1, meeting(true, true, false))
			if err := d.Prepare(proposals()); err != nil {
				t.Fatal(err)
			}
			err := d.Override(tt.id, tt.outcome, tt.reason, tt.vote)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				if d.Decisions[tt.id].Decided() {
					t.Fatal("a refused override left a decision")
				}
				return
			}
			dec := d.Decisions[tt.id]
			if dec.Outcome != tt.want || dec.Accepted || dec.Reason != tt.reason {
				t.Fatalf("decision = %+v", dec)
			}
			if dec.Vote == nil || dec.Vote.Present != 2 {
				t.Fatalf("vote not recorded with members present: %+v", dec.Vote)
			}
		})
	}
}

func TestCastingVoteNeedsPresident(t *testing.T) {
	d := jury.NewDeliberation("MC-IA-01", 1, meeting(false, true, true))
	if err := d.Prepare(proposals()); err != nil {
		t.Fatal(err)
	}
	v := &jury.Vote{For: 1, Against: 1, CastingVote: boolPtr(true)}
	err := d.Override("C02", jury.OutcomePassed, "Motif.", v)
	if !errors.Is(err, jury.ErrNoPresident) {
		t.Fatalf("err = %v, want ErrNoPresident", err)
	}
}

func TestWithoutQuorumPrepareOnly(t *testing.T) {
	d := jury.NewDeliberation("MC-IA-01", 1, meeting(true, false, false))
	if err := d.Prepare(proposals()); err != nil {
		t.Fatalf("prepare without quorum: %v", err)
	}
	steps := map[string]func() error{
		"AcceptAll": func() error { return d.AcceptAll(proposals()) },
		"Accept":    func() error { return d.Accept("C01") },
		"Override": func() error {
			return d.Override("C02", jury.OutcomePassed, "Motif.", &jury.Vote{For: 1})
		},
		"Close": func() error { return d.Close("Claire Dubois", closedAt) },
	}
	for name, step := range steps {
		if err := step(); !errors.Is(err, jury.ErrNoQuorum) {
			t.Errorf("%s = %v, want ErrNoQuorum", name, err)
		}
	}
	if got := d.Undecided(); len(got) != 3 {
		t.Fatalf("undecided = %v, want all three", got)
	}
	if err := d.SetMeeting(meeting(true, true, false)); err != nil {
		t.Fatal(err)
	}
	if err := d.Accept("C01"); err != nil {
		t.Fatalf("accept with quorum: %v", err)
	}
}

func TestCloseListsUndecided(t *testing.T) {
	i18n.SetLanguage("fr")
	d := jury.NewDeliberation("MC-IA-01", 1, meeting(true, true, true))
	props := proposals()
	props["C04"] = jury.Proposal{Outcome: jury.OutcomePending, Reasons: []string{"x"}}
	if err := d.AcceptAll(props); err != nil {
		t.Fatal(err)
	}
	d.Decisions["C05"] = jury.Decision{Candidate: "C05", Proposed: props["C01"]}

	err := d.Close("Claire Dubois", closedAt)
	var undecided *jury.UndecidedError
	if !errors.As(err, &undecided) || !errors.Is(err, jury.ErrUndecided) {
		t.Fatalf("err = %v, want an UndecidedError", err)
	}
	if want := []string{"C04", "C05"}; !slices.Equal(undecided.Candidates, want) {
		t.Fatalf("undecided = %v, want %v", undecided.Candidates, want)
	}
	if !strings.Contains(err.Error(), "C04, C05") || !strings.HasPrefix(err.Error(), "Le jury") {
		t.Fatalf("message = %q", err.Error())
	}
	if err := d.Accept("C04"); !errors.Is(err, jury.ErrPendingOutcome) {
		t.Fatalf("accept pending = %v, want ErrPendingOutcome", err)
	}
	if d.State != jury.Open {
		t.Fatal("deliberation closed with undecided candidates")
	}
}

func TestCloseNeedsWhoAndCandidates(t *testing.T) {
	d := decided(t)
	if err := d.Close(" ", closedAt); !errors.Is(err, jury.ErrClosedByRequired) {
		t.Fatalf("err = %v", err)
	}
	empty := jury.NewDeliberation("MC-IA-01", 1, meeting(true, true, true))
	if err := empty.Close("Claire", closedAt); !errors.Is(err, jury.ErrDeliberationEmpty) {
		t.Fatalf("err = %v", err)
	}
}

func TestClosedCannotChangeExceptByReopening(t *testing.T) {
	d := decided(t)
	if err := d.Override("C02", jury.OutcomePassed, "Erreur de report.",
		&jury.Vote{For: 2}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close("Claire Dubois", closedAt); err != nil {
		t.Fatal(err)
	}
	if len(d.Fingerprint) != 64 {
		t.Fatalf("fingerprint = %q", d.Fingerprint)
	}
	before := snapshot(t, d)

	// Every change is refused and leaves the deliberation as it was.
	changes := map[string]func() error{
		"Prepare":    func() error { return d.Prepare(proposals()) },
		"AcceptAll":  func() error { return d.AcceptAll(proposals()) },
		"Accept":     func() error { return d.Accept("C01") },
		"Decide":     func() error { return d.Decide("C03", jury.OutcomeNotPassed, "M.", nil) },
		"SetMeeting": func() error { return d.SetMeeting(meeting(true, true, true)) },
		"Close":      func() error { return d.Close("Karim Benali", closedAt.Add(time.Hour)) },
		"Override": func() error {
			return d.Override("C03", jury.OutcomeNotPassed, "Motif.", &jury.Vote{For: 2})
		},
	}
	for name, change := range changes {
		if err := change(); !errors.Is(err, jury.ErrClosed) {
			t.Errorf("%s on a closed deliberation = %v, want ErrClosed", name, err)
		}
	}
	if after := snapshot(t, d); !reflect.DeepEqual(before, after) {
		t.Fatal("a closed deliberation changed")
	}
	if err := d.Verify(); err != nil {
		t.Fatal(err)
	}

	// Reopening gives a new version that can change; the old one stays.
	if _, err := d.Reopen("", "Claire Dubois", closedAt); !errors.Is(err, jury.ErrReasonRequired) {
		t.Fatalf("reopen without reason = %v", err)
	}
	nd, err := d.Reopen("Erreur matérielle sur C03.", "Claire Dubois", closedAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if nd.Version != 2 || nd.Replaces != 1 || nd.State != jury.Open || nd.Fingerprint != "" {
		t.Fatalf("new version = %d replaces %d state %v", nd.Version, nd.Replaces, nd.State)
	}
	if !reflect.DeepEqual(nd.Decisions, d.Decisions) {
		t.Fatal("decisions not copied")
	}
	if err := nd.Override("C03", jury.OutcomeNotPassed, "Justificatif refusé.",
		&jury.Vote{For: 2}); err != nil {
		t.Fatal(err)
	}
	*nd.Decisions["C02"].Vote = jury.Vote{For: 9}
	if err := nd.Close("Claire Dubois", closedAt.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, d); !reflect.DeepEqual(before, after) {
		t.Fatal("the replaced deliberation changed when its new version did")
	}
	if nd.Fingerprint == d.Fingerprint {
		t.Fatal("two different deliberations share a fingerprint")
	}
	if _, err := nd.Reopen("x", "y", closedAt); err != nil {
		t.Fatalf("a second reopening: %v", err)
	}
}

func TestReopenNeedsClosed(t *testing.T) {
	d := decided(t)
	if _, err := d.Reopen("Motif.", "Claire", closedAt); !errors.Is(err, jury.ErrNotClosed) {
		t.Fatalf("err = %v, want ErrNotClosed", err)
	}
}

func TestFingerprint(t *testing.T) {
	build := func(lang string) *jury.Deliberation {
		i18n.SetLanguage(lang)
		d := decided(t)
		if err := d.Close("Claire Dubois", closedAt); err != nil {
			t.Fatal(err)
		}
		return d
	}
	fr, en := build("fr"), build("en")
	i18n.SetLanguage("fr")
	if fr.Fingerprint != en.Fingerprint {
		t.Fatal("the fingerprint depends on the language or on map order")
	}

	tamper := map[string]func(d *jury.Deliberation){
		"outcome": func(d *jury.Deliberation) {
			dec := d.Decisions["C02"]
			dec.Outcome = jury.OutcomePassed
			d.Decisions["C02"] = dec
		},
		"mark": func(d *jury.Deliberation) {
			dec := d.Decisions["C01"]
			dec.Proposed.Mark = 15
			d.Decisions["C01"] = dec
		},
		"member": func(d *jury.Deliberation) { d.Meeting.Members[2].Present = true },
		"closer": func(d *jury.Deliberation) { d.ClosedBy = "Karim Benali" },
		"date":   func(d *jury.Deliberation) { d.ClosedAt = d.ClosedAt.Add(time.Second) },
		"added": func(d *jury.Deliberation) {
			d.Decisions["C09"] = jury.Decision{Candidate: "C09", Outcome: jury.OutcomePassed}
		},
	}
	for name, change := range tamper {
		t.Run(name, func(t *testing.T) {
			d := build("fr")
			change(d)
			if err := d.Verify(); !errors.Is(err, jury.ErrFingerprint) {
				t.Fatalf("Verify after changing %s = %v, want ErrFingerprint", name, err)
			}
		})
	}
}

// snapshot returns a deep copy of what a deliberation holds.
func snapshot(t *testing.T, d *jury.Deliberation) jury.Deliberation {
	t.Helper()
	c := *d
	c.Meeting.Members = slices.Clone(d.Meeting.Members)
	c.Decisions = make(map[string]jury.Decision)
	for id, dec := range d.Decisions {
		if dec.Vote != nil {
			v := *dec.Vote
			dec.Vote = &v
		}
		c.Decisions[id] = dec
	}
	return c
}

func TestDecideAndPrepare(t *testing.T) {
	d := jury.NewDeliberation("MC-IA-01", 1, meeting(true, true, true))
	if err := d.Prepare(proposals()); err != nil {
		t.Fatal(err)
	}

	// Choosing the proposed outcome accepts it; another one overrides it.
	if err := d.Decide("C01", jury.OutcomePassed, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Decide("C03", jury.OutcomeAbsentUnjustified, "", nil); !errors.Is(err,
		jury.ErrReasonRequired) {
		t.Fatalf("override without reason = %v", err)
	}
	if err := d.Decide("C03", jury.OutcomeAbsentUnjustified, "Justificatif faux.",
		&jury.Vote{For: 2, Against: 1}); err != nil {
		t.Fatal(err)
	}
	if !d.Decisions["C01"].Accepted || d.Decisions["C03"].Accepted {
		t.Fatalf("decisions = %+v", d.Decisions)
	}

	// AcceptAll keeps decisions taken; a changed proposal loses its own.
	props := proposals()
	props["C01"] = jury.Proposal{Outcome: jury.OutcomeNotPassed, Mark: 9, HasMark: true}
	if err := d.AcceptAll(props); err != nil {
		t.Fatal(err)
	}
	if got := d.Decisions["C03"].Outcome; got != jury.OutcomeAbsentUnjustified {
		t.Fatalf("C03 = %s, want the override kept", got)
	}
	if got := d.Decisions["C01"]; got.Outcome != jury.OutcomeNotPassed || !got.Accepted {
		t.Fatalf("C01 = %+v, want the new proposal accepted", got)
	}
	if got := jury.ResitCandidates(d.Decisions); !slices.Equal(got, []string{"C01", "C02"}) {
		t.Fatalf("resit = %v", got)
	}
}
