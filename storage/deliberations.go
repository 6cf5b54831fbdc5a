package storage

import (
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"time"

	"certeval/jury"
	"certeval/seal"
)

// Errors of the deliberation's storage. The application turns them into
// sentences.
var (
	ErrNoDeliberation = errors.New("storage: no deliberation for this sitting")
	ErrNoIdentity     = errors.New("storage: a signing identity is required")
	ErrNotSigned      = errors.New("storage: deliberation is not signed")
)

// JuryView is what the jury's screen shows of one sitting.
type JuryView struct {
	Credential   jury.Credential
	Meeting      jury.Meeting       // the meeting saved for the sitting
	Deliberation *jury.Deliberation // the latest version; nil before the start
	Rows         []jury.Row         // one per candidate, in identifier order
	Revealed     bool               // the president revealed the names
}

// FinalResult is what counts for a candidate once both sittings are
// combined under the assessment rules.
type FinalResult struct {
	First, Resit, Final jury.SittingResult
	Reason              string // a sentence saying why, in the current language
}

// deliberationEntity names a sitting's deliberation in the audit trail.
func deliberationEntity(credential string, sitting int) string {
	return "deliberation/" + credential + "/" + strconv.Itoa(sitting)
}

// JuryView reads the meeting, the latest deliberation and the table rows
// of one sitting.
func (s *Store) JuryView(ctx context.Context, credential string, sitting int) (JuryView, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return JuryView{}, fmt.Errorf("read deliberation: %w", err)
	}
	defer tx.Rollback()

	jd, err := loadJuryData(ctx, tx, credential, sitting)
	if err != nil {
		return JuryView{}, err
	}
	v := JuryView{Credential: jd.credential}
	if v.Meeting, err = findMeeting(ctx, tx, jd.credID, sitting); err != nil {
		return JuryView{}, err
	}
	v.Deliberation, _, err = findDeliberation(ctx, tx, jd.credID, sitting, 0)
	if err != nil && !errors.Is(err, ErrNoDeliberation) {
		return JuryView{}, err
	}
	if v.Revealed, err = findReveal(ctx, tx, jd.credID, sitting); err != nil {
		return JuryView{}, err
	}
	v.Rows = jd.rows(jd.proposals(), v.Deliberation, v.Revealed)
	return v, nil
}

// SaveMeeting records the meeting of the jury for m.Sitting, and gives it
// to the open deliberation of that sitting, if any.
func (s *Store) SaveMeeting(ctx context.Context, credential string, m jury.Meeting) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save meeting: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return err
	}
	before, err := findMeeting(ctx, tx, credID, m.Sitting)
	if err != nil {
		return err
	}
	if err := upsertMeeting(ctx, tx, credID, m, s.now()); err != nil {
		return err
	}

	// The open deliberation takes the new meeting; a closed one keeps its own.
	d, rowID, err := findDeliberation(ctx, tx, credID, m.Sitting, 0)
	if err != nil && !errors.Is(err, ErrNoDeliberation) {
		return err
	}
	if d != nil && d.State == jury.Open {
		if err := d.SetMeeting(m); err != nil {
			return err
		}
		if err := updateDeliberation(ctx, tx, rowID, d); err != nil {
			return err
		}
	}

	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.meeting", Entity: deliberationEntity(credential, m.Sitting),
		Before: JSON(before), After: JSON(m),
	})
	if err != nil {
		return err
	}
	return delibCommit(tx, "save meeting")
}

// StartDeliberation opens version 1 of a sitting's deliberation with the
// proposals computed now and the meeting saved. On an open deliberation it
// loads the proposals again (a changed proposal loses its decision); a
// closed one is returned as it is.
func (s *Store) StartDeliberation(ctx context.Context, credential string,
	sitting int) (*jury.Deliberation, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("start deliberation: %w", err)
	}
	defer tx.Rollback()

	jd, err := loadJuryData(ctx, tx, credential, sitting)
	if err != nil {
		return nil, err
	}
	d, rowID, err := findDeliberation(ctx, tx, jd.credID, sitting, 0)
	switch {
	case errors.Is(err, ErrNoDeliberation):
		return s.createDeliberation(ctx, tx, jd, sitting)
	case err != nil:
		return nil, err
	case d.State == jury.Closed:
		return d, nil
	}

	before := string(JSON(d.Decisions))
	if err := d.Prepare(jd.proposals()); err != nil {
		return nil, err
	}
	if string(JSON(d.Decisions)) == before {
		return d, nil
	}
	if err := updateDeliberation(ctx, tx, rowID, d); err != nil {
		return nil, err
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.prepare", Entity: deliberationEntity(credential, sitting),
		After: JSON(decisionSummary(d)),
	})
	if err != nil {
		return nil, err
	}
	return d, delibCommit(tx, "start deliberation")
}

// createDeliberation inserts version 1 with the proposals of jd.
func (s *Store) createDeliberation(ctx context.Context, tx *sql.Tx, jd *juryData,
	sitting int) (*jury.Deliberation, error) {
	m, err := findMeeting(ctx, tx, jd.credID, sitting)
	if err != nil {
		return nil, err
	}
	d := jury.NewDeliberation(jd.credential.Code, sitting, m)
	if err := d.Prepare(jd.proposals()); err != nil {
		return nil, err
	}
	if _, err := insertDeliberation(ctx, tx, jd.credID, d, s.now(), nil, nil); err != nil {
		return nil, err
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.start", Entity: deliberationEntity(d.Credential, sitting),
		After: JSON(decisionSummary(d)),
	})
	if err != nil {
		return nil, err
	}
	return d, delibCommit(tx, "start deliberation")
}

// AcceptProposals accepts the proposals of the candidates ids as they are,
// each decision recorded in the audit trail.
func (s *Store) AcceptProposals(ctx context.Context, credential string, sitting int,
	ids ...string) error {
	return s.changeDeliberation(ctx, credential, sitting, "accept proposals",
		func(d *jury.Deliberation) ([]Event, error) {
			var evs []Event
			for _, id := range ids {
				before := d.Decisions[id].Outcome
				if err := d.Accept(id); err != nil {
					return nil, err
				}
				evs = append(evs, Event{
					Action: "deliberation.accept",
					Before: JSON(decisionState(id, before, d.Version)),
					After:  JSON(decisionState(id, d.Decisions[id].Outcome, d.Version)),
				})
			}
			return evs, nil
		})
}

// AcceptAllProposals accepts every proposal that is not pending; the
// candidates already decided keep their decision.
func (s *Store) AcceptAllProposals(ctx context.Context, credential string, sitting int) error {
	return s.changeDeliberation(ctx, credential, sitting, "accept all proposals",
		func(d *jury.Deliberation) ([]Event, error) {
			before := decisionSummary(d)
			props := make(map[string]jury.Proposal, len(d.Decisions))
			for id, dec := range d.Decisions {
				props[id] = dec.Proposed
			}
			if err := d.AcceptAll(props); err != nil {
				return nil, err
			}
			return []Event{{Action: "deliberation.accept_all",
				Before: JSON(before), After: JSON(decisionSummary(d))}}, nil
		})
}

// OverrideDecision departs from the proposal of one candidate, with the
// jury's written reason and the vote that carried it.
func (s *Store) OverrideDecision(ctx context.Context, credential string, sitting int,
	id string, o jury.Outcome, reason string, v *jury.Vote) error {
	return s.changeDeliberation(ctx, credential, sitting, "override decision",
		func(d *jury.Deliberation) ([]Event, error) {
			old := d.Decisions[id]
			if err := d.Override(id, o, reason, v); err != nil {
				return nil, err
			}
			dec := d.Decisions[id]
			after := decisionState(id, dec.Outcome, d.Version)
			after["proposed"], after["vote"] = string(dec.Proposed.Outcome), dec.Vote
			return []Event{{Action: "deliberation.override",
				Before: JSON(decisionState(id, old.Outcome, d.Version)),
				After:  JSON(after), Reason: dec.Reason}}, nil
		})
}

// changeDeliberation applies change to the open latest version of a
// sitting's deliberation and records its events, in one transaction.
func (s *Store) changeDeliberation(ctx context.Context, credential string, sitting int,
	op string, change func(*jury.Deliberation) ([]Event, error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return err
	}
	d, rowID, err := findDeliberation(ctx, tx, credID, sitting, 0)
	if err != nil {
		return err
	}
	evs, err := change(d)
	if err != nil {
		return err
	}
	if err := updateDeliberation(ctx, tx, rowID, d); err != nil {
		return err
	}
	for _, e := range evs {
		e.Entity = deliberationEntity(credential, sitting)
		if _, err := s.appendEvent(ctx, tx, e); err != nil {
			return err
		}
	}
	return delibCommit(tx, op)
}

// CloseDeliberation closes the open latest version of a sitting's
// deliberation in the name of by: it computes the fingerprint of what was
// decided and signs it with id, whose certificate is kept beside the
// signature.
func (s *Store) CloseDeliberation(ctx context.Context, credential string, sitting int,
	by string, id *seal.Identity) (*jury.Deliberation, error) {
	if id == nil {
		return nil, ErrNoIdentity
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("close deliberation: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	d, rowID, err := findDeliberation(ctx, tx, credID, sitting, 0)
	if err != nil {
		return nil, err
	}
	if err := s.closeAndSign(ctx, tx, rowID, d, by, id); err != nil {
		return nil, err
	}
	return d, delibCommit(tx, "close deliberation")
}

// closeAndSign closes d, signs its fingerprint, stores it in row rowID and
// records the closing.
func (s *Store) closeAndSign(ctx context.Context, tx *sql.Tx, rowID int64,
	d *jury.Deliberation, by string, id *seal.Identity) error {
	if err := d.Close(by, s.now()); err != nil {
		return err
	}
	sig, err := seal.Sign(id, []byte(d.Fingerprint))
	if err != nil {
		return fmt.Errorf("sign deliberation: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE deliberations SET state = ?, data = ?,
			fingerprint = ?, closed_by = ?, closed_at = ?, signer_cert = ?, signature = ?
		WHERE id = ? AND state = 0`,
		int(d.State), string(JSON(d)), d.Fingerprint, d.ClosedBy, formatTime(d.ClosedAt),
		string(id.CertificatePEM()), sig, rowID)
	if err != nil {
		return fmt.Errorf("close deliberation: %w", err)
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.close", Entity: deliberationEntity(d.Credential, d.Sitting),
		After: JSON(map[string]any{
			"version": d.Version, "fingerprint": d.Fingerprint, "closedBy": d.ClosedBy,
			"key": seal.KeyID(id.Certificate), "decisions": decisionSummary(d),
		}),
	})
	return err
}

// ReopenDeliberation makes a new open version of a sitting's closed
// deliberation, with the reason the jury gives. The closed version stays
// as it was.
func (s *Store) ReopenDeliberation(ctx context.Context, credential string, sitting int,
	reason string) (*jury.Deliberation, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("reopen deliberation: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	d, _, err := findDeliberation(ctx, tx, credID, sitting, 0)
	if err != nil {
		return nil, err
	}
	nd, err := d.Reopen(reason, s.Actor, s.now())
	if err != nil {
		return nil, err
	}
	if _, err := insertDeliberation(ctx, tx, credID, nd, s.now(), nil, nil); err != nil {
		return nil, err
	}
	if err := s.recordReopen(ctx, tx, d, nd); err != nil {
		return nil, err
	}
	return nd, delibCommit(tx, "reopen deliberation")
}

// recordReopen records that nd replaces the closed version d.
func (s *Store) recordReopen(ctx context.Context, tx *sql.Tx, d, nd *jury.Deliberation) error {
	_, err := s.appendEvent(ctx, tx, Event{
		Action: "deliberation.reopen", Entity: deliberationEntity(d.Credential, d.Sitting),
		Before: JSON(map[string]any{"version": d.Version, "fingerprint": d.Fingerprint}),
		After:  JSON(map[string]any{"version": nd.Version, "replaces": nd.Replaces}),
		Reason: nd.ReopenReason,
	})
	return err
}

// RevealNames shows the candidates' names instead of their anonymous
// codes for a sitting, at the president's request. It is recorded once.
func (s *Store) RevealNames(ctx context.Context, credential string, sitting int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reveal names: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO jury_reveals
		(credential_id, sitting, revealed_by, revealed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, credID, sitting, s.Actor, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("reveal names: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.reveal", Entity: deliberationEntity(credential, sitting),
	})
	if err != nil {
		return err
	}
	return delibCommit(tx, "reveal names")
}

// Deliberations returns every version of a sitting's deliberation, the
// first first.
func (s *Store) Deliberations(ctx context.Context, credential string,
	sitting int) ([]*jury.Deliberation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.data FROM deliberations d
		JOIN credentials c ON c.id = d.credential_id
		WHERE c.code = ? AND d.sitting = ? ORDER BY d.version`, credential, sitting)
	if err != nil {
		return nil, fmt.Errorf("list deliberations: %w", err)
	}
	defer rows.Close()
	var out []*jury.Deliberation
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("list deliberations: %w", err)
		}
		d, err := parseDeliberation(data)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// VerifyDeliberation checks that a closed version still matches its
// fingerprint and that the stored signature over the fingerprint is
// valid. It returns the certificate of who signed.
func (s *Store) VerifyDeliberation(ctx context.Context, credential string,
	sitting, version int) (*x509.Certificate, error) {
	var data, certPEM string
	var sig []byte
	err := s.db.QueryRowContext(ctx, `SELECT d.data, d.signer_cert, d.signature
		FROM deliberations d JOIN credentials c ON c.id = d.credential_id
		WHERE c.code = ? AND d.sitting = ? AND d.version = ?`,
		credential, sitting, version).Scan(&data, &certPEM, &sig)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoDeliberation
	}
	if err != nil {
		return nil, fmt.Errorf("verify deliberation: %w", err)
	}
	d, err := parseDeliberation(data)
	if err != nil {
		return nil, err
	}
	if err := d.Verify(); err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || len(sig) == 0 {
		return nil, ErrNotSigned
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("verify deliberation: %w", err)
	}
	return cert, seal.Verify(cert, []byte(d.Fingerprint), sig)
}

// EnrolResit enrols in the resit (sitting 2) the candidates the closed
// first sitting sends there, and returns them. Those already enrolled
// stay as they are.
func (s *Store) EnrolResit(ctx context.Context, credential string) ([]string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("enrol resit: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	d, _, err := findDeliberation(ctx, tx, credID, 1, 0)
	if err != nil {
		return nil, err
	}
	if d.State != jury.Closed {
		return nil, jury.ErrNotClosed
	}
	ids := jury.ResitCandidates(d.Decisions)
	for _, id := range ids {
		_, err := tx.ExecContext(ctx, `INSERT INTO submissions (candidate_id, sitting)
			SELECT id, 2 FROM candidates WHERE credential_id = ? AND ext_id = ?
			ON CONFLICT DO NOTHING`, credID, id)
		if err != nil {
			return nil, fmt.Errorf("enrol resit: %w", err)
		}
	}
	_, err = s.appendEvent(ctx, tx, Event{
		Action: "deliberation.resit", Entity: deliberationEntity(credential, 2),
		After: JSON(map[string]any{"version": d.Version, "candidates": ids}),
	})
	if err != nil {
		return nil, err
	}
	return ids, delibCommit(tx, "enrol resit")
}

// FinalOutcomes combines, for every candidate of the closed first sitting,
// its result with the closed resit's under the assessment rules.
func (s *Store) FinalOutcomes(ctx context.Context,
	credential string) (map[string]FinalResult, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("final outcomes: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	var cred jury.Credential
	if err := delibCredential(ctx, tx, credID, &cred); err != nil {
		return nil, err
	}
	first, err := findClosed(ctx, tx, credID, 1)
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, ErrNoDeliberation
	}
	resit, err := findClosed(ctx, tx, credID, 2)
	if err != nil {
		return nil, err
	}

	out := make(map[string]FinalResult, len(first.Decisions))
	for id, dec := range first.Decisions {
		fr := FinalResult{First: dec.Result()}
		if resit != nil {
			if rdec, ok := resit.Decisions[id]; ok {
				fr.Resit = rdec.Result()
			}
		}
		fr.Final, fr.Reason = jury.FinalOutcome(fr.First, fr.Resit, cred.MCC.Resit)
		out[id] = fr
	}
	return out, nil
}

// decisionState is one candidate's decision as the audit trail records it.
func decisionState(id string, o jury.Outcome, version int) map[string]any {
	return map[string]any{"candidate": id, "outcome": string(o), "version": version}
}

// decisionSummary maps every candidate to its decided outcome ("" when
// undecided) and the version, for the audit trail.
func decisionSummary(d *jury.Deliberation) map[string]any {
	outcomes := make(map[string]string, len(d.Decisions))
	for id, dec := range d.Decisions {
		outcomes[id] = string(dec.Outcome)
	}
	return map[string]any{"version": d.Version, "outcomes": outcomes}
}

// delibCredential reads the credential of row credID into c.
func delibCredential(ctx context.Context, tx *sql.Tx, credID int64,
	c *jury.Credential) error {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM credentials WHERE id = ?`,
		credID).Scan(&data)
	if err != nil {
		return fmt.Errorf("read credential: %w", err)
	}
	if err := json.Unmarshal([]byte(data), c); err != nil {
		return fmt.Errorf("read credential: %w", err)
	}
	return nil
}

// findMeeting returns the meeting saved for a sitting, or an empty one.
func findMeeting(ctx context.Context, tx *sql.Tx, credID int64,
	sitting int) (jury.Meeting, error) {
	m := jury.Meeting{Sitting: sitting}
	var date, members string
	err := tx.QueryRowContext(ctx, `SELECT date, place, remote, quorum, members
		FROM meetings WHERE credential_id = ? AND sitting = ?`, credID, sitting).Scan(
		&date, &m.Place, &m.Remote, &m.Quorum, &members)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("read meeting: %w", err)
	}
	if m.Date, err = parseTime(date); err != nil {
		return m, fmt.Errorf("read meeting: %w", err)
	}
	if err := json.Unmarshal([]byte(members), &m.Members); err != nil {
		return m, fmt.Errorf("read meeting: %w", err)
	}
	return m, nil
}

// upsertMeeting writes the meeting of m.Sitting.
func upsertMeeting(ctx context.Context, tx *sql.Tx, credID int64, m jury.Meeting,
	now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meetings
			(credential_id, sitting, date, place, remote, quorum, members, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (credential_id, sitting) DO UPDATE SET date = excluded.date,
			place = excluded.place, remote = excluded.remote, quorum = excluded.quorum,
			members = excluded.members, updated_at = excluded.updated_at`,
		credID, m.Sitting, formatTime(m.Date), m.Place, m.Remote, m.Quorum,
		string(JSON(m.Members)), formatTime(now))
	if err != nil {
		return fmt.Errorf("save meeting: %w", err)
	}
	return nil
}

// findDeliberation returns a version of a sitting's deliberation and its
// row id; version 0 asks for the latest.
func findDeliberation(ctx context.Context, tx *sql.Tx, credID int64,
	sitting, version int) (*jury.Deliberation, int64, error) {
	q := `SELECT id, data FROM deliberations WHERE credential_id = ? AND sitting = ?`
	args := []any{credID, sitting}
	if version > 0 {
		q += ` AND version = ?`
		args = append(args, version)
	}
	var rowID int64
	var data string
	err := tx.QueryRowContext(ctx, q+` ORDER BY version DESC LIMIT 1`, args...).Scan(
		&rowID, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrNoDeliberation
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read deliberation: %w", err)
	}
	d, err := parseDeliberation(data)
	return d, rowID, err
}

// findClosed returns the latest closed version of a sitting's
// deliberation, nil when none is closed.
func findClosed(ctx context.Context, tx *sql.Tx, credID int64,
	sitting int) (*jury.Deliberation, error) {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM deliberations
		WHERE credential_id = ? AND sitting = ? AND state = 1
		ORDER BY version DESC LIMIT 1`, credID, sitting).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read deliberation: %w", err)
	}
	return parseDeliberation(data)
}

// findReveal reports whether the names of a sitting were revealed.
func findReveal(ctx context.Context, tx *sql.Tx, credID int64, sitting int) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM jury_reveals
		WHERE credential_id = ? AND sitting = ?`, credID, sitting).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read reveal: %w", err)
	}
	return n > 0, nil
}

// parseDeliberation reads a deliberation stored as JSON.
func parseDeliberation(data string) (*jury.Deliberation, error) {
	var d jury.Deliberation
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("read deliberation: %w", err)
	}
	return &d, nil
}

// insertDeliberation inserts a new version of a deliberation and returns
// its row id.
func insertDeliberation(ctx context.Context, tx *sql.Tx, credID int64,
	d *jury.Deliberation, now time.Time, certPEM, sig []byte) (int64, error) {
	closedAt := ""
	if d.State == jury.Closed {
		closedAt = formatTime(d.ClosedAt)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO deliberations (credential_id, sitting,
			version, replaces, state, data, fingerprint, closed_by, closed_at,
			signer_cert, signature, reopen_reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		credID, d.Sitting, d.Version, d.Replaces, int(d.State), string(JSON(d)),
		d.Fingerprint, d.ClosedBy, closedAt, string(certPEM), sig, d.ReopenReason,
		formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("save deliberation: %w", err)
	}
	return res.LastInsertId()
}

// updateDeliberation saves an open version; the schema refuses to change
// a closed one.
func updateDeliberation(ctx context.Context, tx *sql.Tx, rowID int64,
	d *jury.Deliberation) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliberations SET data = ? WHERE id = ?`,
		string(JSON(d)), rowID)
	if err != nil {
		return fmt.Errorf("save deliberation: %w", err)
	}
	return nil
}

// delibCommit commits tx, wrapping the error with op.
func delibCommit(tx *sql.Tx, op string) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
