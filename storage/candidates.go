package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"certeval/jury"
)

// Errors about candidates.
var (
	ErrNoCandidate     = errors.New("storage: no such candidate")
	ErrCandidateExists = errors.New("storage: candidate identifier already enrolled")
	ErrReasonRequired  = errors.New("storage: reason required")
	ErrNoUniversities  = errors.New("storage: credential has no participating university")
	ErrNothingToImport = errors.New("storage: nothing to import")
)

// metaAnonKey names the workspace's secret key for anonymous codes.
const metaAnonKey = "anon_key"

// CandidateEntity names a candidate in the audit trail. Events about one
// candidate use it (or it followed by "/" and more), so that the export of
// their personal data and the purge find them.
func CandidateEntity(code, id string) string { return "candidate/" + code + "/" + id }

// candidateData is what candidates.data holds.
type candidateData struct {
	IdentityChecks []jury.IdentityCheck `json:",omitempty"`
	Consent        jury.Consent
	Milestones     []jury.Milestone `json:",omitempty"`
}

// AnonKey returns the workspace's secret key for anonymous codes,
// creating it on first use.
func (s *Store) AnonKey(ctx context.Context) ([]byte, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read anonymous key: %w", err)
	}
	defer tx.Rollback()

	key, err := anonKey(ctx, tx)
	if err != nil {
		return nil, err
	}
	return key, tx.Commit()
}

func anonKey(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("create anonymous key: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, metaAnonKey, hex.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("create anonymous key: %w", err)
	}
	var v string
	err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaAnonKey).Scan(&v)
	if err != nil {
		return nil, fmt.Errorf("read anonymous key: %w", err)
	}
	return hex.DecodeString(v)
}

// ImportCandidates enrols cands into the credential code, all or nothing,
// in one transaction recorded by one audit event naming the file. A draw,
// when given, sets the participating university of the candidates it
// assigned, and its seed is recorded. Accommodations of cands are stored
// apart, and never in the audit trail.
func (s *Store) ImportCandidates(ctx context.Context, code, file string,
	cands []jury.Candidate, draw *jury.Draw) error {
	if len(cands) == 0 {
		return fmt.Errorf("import candidates: %w", ErrNothingToImport)
	}
	cands = append([]jury.Candidate(nil), cands...)
	if draw != nil {
		draw.Apply(cands)
	}
	for _, c := range cands {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("import candidate %s: %w", c.ID, err)
		}
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import candidates: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, code)
	if err != nil {
		return err
	}
	key, err := anonKey(ctx, tx)
	if err != nil {
		return err
	}
	if err := jury.AssignAnonCodes(cands, key, code); err != nil {
		return fmt.Errorf("import candidates: %w", err)
	}
	if err := insertCandidates(ctx, tx, credID, cands, s.now()); err != nil {
		return err
	}

	after := map[string]any{"count": len(cands), "file": file}
	if draw != nil {
		after["draw_seed"] = draw.Seed
		after["draw_universities"] = draw.Universities
		after["draw_assigned"] = len(draw.Assignments)
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.import",
		Entity: credentialEntity(code), After: JSON(after)}); err != nil {
		return err
	}
	return tx.Commit()
}

// insertCandidates writes candidates and their accommodations.
func insertCandidates(ctx context.Context, tx *sql.Tx, credID int64,
	cands []jury.Candidate, now time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO candidates
		(credential_id, ext_id, family_name, given_names, birth_date, email,
		 university, anon_code, withdrawn, data, enrolled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert candidates: %w", err)
	}
	defer stmt.Close()

	at := formatTime(now)
	for _, c := range cands {
		res, err := stmt.ExecContext(ctx, credID, c.ID, c.FamilyName, c.GivenNames,
			dateString(c.BirthDate), c.Email, c.University, c.AnonCode, c.Withdrawn,
			dataJSON(c), at)
		if err != nil {
			return fmt.Errorf("insert candidate %s: %w", c.ID, uniqueErr(err))
		}
		if len(c.Accommodations) == 0 {
			continue
		}
		rowID, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("insert candidate %s: %w", c.ID, err)
		}
		if err := writeAccommodations(ctx, tx, rowID, c.Accommodations); err != nil {
			return err
		}
	}
	return nil
}

// uniqueErr turns a broken uniqueness of identifiers into ErrCandidateExists.
func uniqueErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: candidates.") {
		return fmt.Errorf("%w (%v)", ErrCandidateExists, err)
	}
	return err
}

// AddCandidate enrols one candidate entered by hand.
func (s *Store) AddCandidate(ctx context.Context, code string, c jury.Candidate) error {
	if err := c.Validate(); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add candidate: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, code)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM candidates
		WHERE credential_id = ? AND lower(ext_id) = lower(?)`, credID, c.ID).Scan(&n); err != nil {
		return fmt.Errorf("add candidate: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("add candidate %s: %w", c.ID, ErrCandidateExists)
	}
	key, err := anonKey(ctx, tx)
	if err != nil {
		return err
	}
	c.AnonCode = jury.AnonCode(key, code, c.ID)
	if err := insertCandidates(ctx, tx, credID, []jury.Candidate{c}, s.now()); err != nil {
		return err
	}

	_, after := changeMaps(jury.Candidate{}.Diff(public(c)))
	if len(c.Accommodations) > 0 {
		after["accommodation"] = "yes"
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.add",
		Entity: CandidateEntity(code, c.ID), After: JSON(after)}); err != nil {
		return err
	}
	return tx.Commit()
}

// CorrectCandidate replaces the record of candidate id with c, for the
// given reason. The audit trail records the fields changed, before and
// after (jury.Candidate.Diff). The anonymous code and the accommodations
// are kept: accommodations change through SetAccommodations only.
func (s *Store) CorrectCandidate(ctx context.Context, code, id string, c jury.Candidate,
	reason string) error {
	if blankText(reason) {
		return fmt.Errorf("correct candidate %s: %w", id, ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("correct candidate: %w", err)
	}
	defer tx.Rollback()

	rowID, old, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return err
	}
	c.AnonCode, c.Accommodations = old.AnonCode, nil
	if err := c.Validate(); err != nil {
		return err
	}
	changes := old.Diff(c)
	if len(changes) == 0 {
		return nil
	}
	if err := updateCandidate(ctx, tx, rowID, c); err != nil {
		return err
	}
	before, after := changeMaps(changes)
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.correct",
		Entity: CandidateEntity(code, id), Before: JSON(before), After: JSON(after),
		Reason: reason}); err != nil {
		return err
	}
	return tx.Commit()
}

// WithdrawCandidate records that candidate id withdrew, for the given
// reason. The candidate stays on record.
func (s *Store) WithdrawCandidate(ctx context.Context, code, id, reason string) error {
	if blankText(reason) {
		return fmt.Errorf("withdraw candidate %s: %w", id, ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("withdraw candidate: %w", err)
	}
	defer tx.Rollback()

	rowID, old, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return err
	}
	if old.Withdrawn {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE candidates SET withdrawn = 1 WHERE id = ?`,
		rowID); err != nil {
		return fmt.Errorf("withdraw candidate: %w", err)
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.withdraw",
		Entity: CandidateEntity(code, id), Before: JSON(map[string]bool{"withdrawn": false}),
		After: JSON(map[string]bool{"withdrawn": true}), Reason: reason}); err != nil {
		return err
	}
	return tx.Commit()
}

// Candidates lists the candidates of the credential by family name, then
// given names. Accommodations are left out: the jury's screens read them
// with Accommodations.
func (s *Store) Candidates(ctx context.Context, code string) ([]jury.Candidate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+candidateColumns+`
		FROM candidates c JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ?
		ORDER BY c.family_name COLLATE NOCASE, c.given_names COLLATE NOCASE, c.ext_id`, code)
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	return collectCandidates(rows, "list candidates")
}

// collectCandidates reads every candidate of rows, then closes them.
func collectCandidates(rows *sql.Rows, op string) ([]jury.Candidate, error) {
	defer rows.Close()
	var out []jury.Candidate
	for rows.Next() {
		var rowID int64
		c, err := scanCandidate(rows, &rowID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Candidate returns one candidate, without accommodations.
func (s *Store) Candidate(ctx context.Context, code, id string) (jury.Candidate, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return jury.Candidate{}, fmt.Errorf("read candidate: %w", err)
	}
	defer tx.Rollback()
	_, c, err := findCandidate(ctx, tx, code, id)
	return c, err
}

// DrawUniversities draws, at random but balanced, a participating
// university for every candidate of the credential still without one
// (withdrawn candidates aside), and records the draw with its seed.
func (s *Store) DrawUniversities(ctx context.Context, code string, seed int64) (jury.Draw,
	error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return jury.Draw{}, fmt.Errorf("draw universities: %w", err)
	}
	defer tx.Rollback()

	cred, err := findCredential(ctx, tx, code)
	if err != nil {
		return jury.Draw{}, err
	}
	var univs []string
	for _, u := range cred.Participants {
		univs = append(univs, u.Code)
	}
	if len(univs) == 0 {
		return jury.Draw{}, fmt.Errorf("draw universities: %w", ErrNoUniversities)
	}
	cands, err := activeCandidates(ctx, tx, code)
	if err != nil {
		return jury.Draw{}, err
	}
	draw := jury.AssignUniversities(cands, univs, seed)
	if err := applyDraw(ctx, tx, code, draw); err != nil {
		return jury.Draw{}, err
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.draw",
		Entity: credentialEntity(code), After: JSON(draw)}); err != nil {
		return jury.Draw{}, err
	}
	return draw, tx.Commit()
}

func activeCandidates(ctx context.Context, tx *sql.Tx, code string) ([]jury.Candidate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+candidateColumns+`
		FROM candidates c JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND c.withdrawn = 0 ORDER BY c.ext_id`, code)
	if err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	return collectCandidates(rows, "read candidates")
}

func applyDraw(ctx context.Context, tx *sql.Tx, code string, d jury.Draw) error {
	for _, a := range d.Assignments {
		_, err := tx.ExecContext(ctx, `UPDATE candidates SET university = ?
			WHERE ext_id = ? AND credential_id = (SELECT id FROM credentials WHERE code = ?)`,
			a.University, a.CandidateID, code)
		if err != nil {
			return fmt.Errorf("apply draw: %w", err)
		}
	}
	return nil
}

// candidateColumns are the columns scanCandidate reads, table alias c.
const candidateColumns = `c.id, c.ext_id, c.family_name, c.given_names, c.birth_date,
	c.email, c.university, c.anon_code, c.withdrawn, c.data`

type scanner interface{ Scan(dest ...any) error }

func scanCandidate(row scanner, rowID *int64) (jury.Candidate, error) {
	var c jury.Candidate
	var birth, data string
	if err := row.Scan(rowID, &c.ID, &c.FamilyName, &c.GivenNames, &birth, &c.Email,
		&c.University, &c.AnonCode, &c.Withdrawn, &data); err != nil {
		return c, err
	}
	if birth != "" {
		c.BirthDate, _ = time.Parse(time.DateOnly, birth)
	}
	var d candidateData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return c, fmt.Errorf("read candidate %s: %w", c.ID, err)
	}
	c.IdentityChecks, c.Consent, c.Milestones = d.IdentityChecks, d.Consent, d.Milestones
	return c, nil
}

// findCandidateID returns the row id of candidate id of credential code.
func findCandidateID(ctx context.Context, tx *sql.Tx, code, id string) (int64, error) {
	var rowID int64
	err := tx.QueryRowContext(ctx, `SELECT c.id FROM candidates c
		JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND c.ext_id = ?`, code, id).Scan(&rowID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find candidate %s in %s: %w", id, code, ErrNoCandidate)
	}
	if err != nil {
		return 0, fmt.Errorf("find candidate %s: %w", id, err)
	}
	return rowID, nil
}

// findCandidate returns the row id and record of a candidate.
func findCandidate(ctx context.Context, tx *sql.Tx, code, id string) (int64, jury.Candidate,
	error) {
	row := tx.QueryRowContext(ctx, `SELECT `+candidateColumns+`
		FROM candidates c JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND c.ext_id = ?`, code, id)
	var rowID int64
	c, err := scanCandidate(row, &rowID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, c, fmt.Errorf("find candidate %s in %s: %w", id, code, ErrNoCandidate)
	}
	if err != nil {
		return 0, c, fmt.Errorf("find candidate %s: %w", id, err)
	}
	return rowID, c, nil
}

func updateCandidate(ctx context.Context, tx *sql.Tx, rowID int64, c jury.Candidate) error {
	_, err := tx.ExecContext(ctx, `UPDATE candidates SET ext_id = ?, family_name = ?,
		given_names = ?, birth_date = ?, email = ?, university = ?, withdrawn = ?, data = ?
		WHERE id = ?`, c.ID, c.FamilyName, c.GivenNames, dateString(c.BirthDate), c.Email,
		c.University, c.Withdrawn, dataJSON(c), rowID)
	if err != nil {
		return fmt.Errorf("update candidate %s: %w", c.ID, uniqueErr(err))
	}
	return nil
}

// Accommodations returns the accommodations of one candidate. Health
// data: only the jury's screens call it.
func (s *Store) Accommodations(ctx context.Context, code, id string) ([]jury.Accommodation,
	error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read accommodations: %w", err)
	}
	defer tx.Rollback()

	rowID, _, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return nil, err
	}
	return readAccommodations(ctx, tx, rowID)
}

func readAccommodations(ctx context.Context, tx *sql.Tx, rowID int64) ([]jury.Accommodation,
	error) {
	rows, err := tx.QueryContext(ctx, `SELECT data FROM accommodations
		WHERE candidate_id = ? ORDER BY id`, rowID)
	if err != nil {
		return nil, fmt.Errorf("read accommodations: %w", err)
	}
	defer rows.Close()
	var out []jury.Accommodation
	for rows.Next() {
		var data string
		var a jury.Accommodation
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("read accommodations: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &a); err != nil {
			return nil, fmt.Errorf("read accommodations: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccommodationCounts returns, by candidate identifier, how many
// accommodations each candidate of the credential has (none: absent).
func (s *Store) AccommodationCounts(ctx context.Context, code string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.ext_id, COUNT(*)
		FROM accommodations a JOIN candidates c ON c.id = a.candidate_id
		JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? GROUP BY c.ext_id`, code)
	if err != nil {
		return nil, fmt.Errorf("count accommodations: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count accommodations: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// SetAccommodations replaces the accommodations of one candidate. The
// audit trail records only whether the candidate has any.
func (s *Store) SetAccommodations(ctx context.Context, code, id string,
	accs []jury.Accommodation, reason string) error {
	for _, a := range accs {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save accommodations: %w", err)
	}
	defer tx.Rollback()

	rowID, _, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return err
	}
	old, err := readAccommodations(ctx, tx, rowID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM accommodations WHERE candidate_id = ?`,
		rowID); err != nil {
		return fmt.Errorf("save accommodations: %w", err)
	}
	if err := writeAccommodations(ctx, tx, rowID, accs); err != nil {
		return err
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.accommodations",
		Entity: CandidateEntity(code, id), Before: yesNo(len(old) > 0),
		After: yesNo(len(accs) > 0), Reason: reason}); err != nil {
		return err
	}
	return tx.Commit()
}

func yesNo(has bool) json.RawMessage {
	if has {
		return JSON(map[string]string{"accommodation": "yes"})
	}
	return JSON(map[string]string{"accommodation": "no"})
}

func writeAccommodations(ctx context.Context, tx *sql.Tx, rowID int64,
	accs []jury.Accommodation) error {
	for _, a := range accs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO accommodations (candidate_id, data)
			VALUES (?, ?)`, rowID, string(JSON(a))); err != nil {
			return fmt.Errorf("save accommodations: %w", err)
		}
	}
	return nil
}

// AddIdentityCheck records the verification of a candidate's identity.
func (s *Store) AddIdentityCheck(ctx context.Context, code, id string,
	ic jury.IdentityCheck) error {
	return s.editCandidate(ctx, code, id, "candidate.identity", "",
		func(c *jury.Candidate) { c.IdentityChecks = append(c.IdentityChecks, ic) })
}

// SetConsent records a candidate's answer about remote proctoring.
func (s *Store) SetConsent(ctx context.Context, code, id string, consent jury.Consent) error {
	return s.editCandidate(ctx, code, id, "candidate.consent", "",
		func(c *jury.Candidate) { c.Consent = consent })
}

// SetMilestones replaces the attendance milestones of one candidate.
func (s *Store) SetMilestones(ctx context.Context, code, id string, ms []jury.Milestone,
	reason string) error {
	return s.editCandidate(ctx, code, id, "candidate.milestones", reason,
		func(c *jury.Candidate) { c.Milestones = ms })
}

// editCandidate changes one candidate's record with edit and audits the
// fields changed.
func (s *Store) editCandidate(ctx context.Context, code, id, action, reason string,
	edit func(*jury.Candidate)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	defer tx.Rollback()

	rowID, old, err := findCandidate(ctx, tx, code, id)
	if err != nil {
		return err
	}
	c := old
	edit(&c)
	if err := c.Validate(); err != nil {
		return err
	}
	changes := old.Diff(c)
	if len(changes) == 0 {
		return nil
	}
	if err := updateCandidate(ctx, tx, rowID, c); err != nil {
		return err
	}
	before, after := changeMaps(changes)
	if _, err := s.appendEvent(ctx, tx, Event{Action: action,
		Entity: CandidateEntity(code, id), Before: JSON(before), After: JSON(after),
		Reason: reason}); err != nil {
		return err
	}
	return tx.Commit()
}

// ImportMilestones replaces the milestones of the candidates named in
// byID, all or nothing, with one audit event naming the file.
func (s *Store) ImportMilestones(ctx context.Context, code, file string,
	byID map[string][]jury.Milestone) error {
	if len(byID) == 0 {
		return fmt.Errorf("import milestones: %w", ErrNothingToImport)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import milestones: %w", err)
	}
	defer tx.Rollback()

	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n := 0
	for _, id := range ids {
		rowID, c, err := findCandidate(ctx, tx, code, id)
		if err != nil {
			return err
		}
		c.Milestones = byID[id]
		if err := updateCandidate(ctx, tx, rowID, c); err != nil {
			return err
		}
		n += len(byID[id])
	}
	if _, err := s.appendEvent(ctx, tx, Event{Action: "candidate.milestones.import",
		Entity: credentialEntity(code), After: JSON(map[string]any{
			"candidates": len(ids), "milestones": n, "file": file})}); err != nil {
		return err
	}
	return tx.Commit()
}

// public returns c without its accommodations, for the audit trail.
func public(c jury.Candidate) jury.Candidate {
	c.Accommodations = nil
	return c
}

// changeMaps splits changes into the fields' values before and after.
// Confidential changes keep only the fact that the field changed.
func changeMaps(changes []jury.FieldChange) (before, after map[string]string) {
	before, after = make(map[string]string), make(map[string]string)
	for _, ch := range changes {
		if ch.Confidential {
			after[ch.Field] = "changed"
			continue
		}
		before[ch.Field], after[ch.Field] = ch.Before, ch.After
	}
	return before, after
}

func dataJSON(c jury.Candidate) string {
	return string(JSON(candidateData{IdentityChecks: c.IdentityChecks, Consent: c.Consent,
		Milestones: c.Milestones}))
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func blankText(s string) bool { return strings.TrimSpace(s) == "" }
