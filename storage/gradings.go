package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"certeval/grading"
	"certeval/jury"
	"certeval/rubric"
)

// Errors about gradings.
var (
	// ErrNoGrading is returned for a submission not allotted to the expert.
	ErrNoGrading = errors.New("storage: submission not allotted to this expert")
	// ErrNoSubmission is returned when a submission id names none.
	ErrNoSubmission = errors.New("storage: no such submission")
	// ErrSubmitted is returned when a submitted grading is changed
	// without a reason: the change goes through Amend.
	ErrSubmitted = errors.New("storage: grading already submitted")
	// ErrIncomplete is returned by Submit and Amend when a criterion has
	// no level or lacks its required feedback; the error is a
	// *SubmitError.
	ErrIncomplete = errors.New("storage: grading incomplete")
	// ErrNotSubmitted is returned by Amend for a grading not submitted yet.
	ErrNotSubmitted = errors.New("storage: grading not submitted")
	// ErrLevel is returned for a criterion or level the grid does not have.
	ErrLevel = errors.New("storage: no such criterion or level")
)

// GradingKey names one expert's grading of one submission: the
// submission's row id and the key identifier of the expert.
type GradingKey struct {
	Submission int64
	Expert     string
}

// SubmitError says why a grading cannot be submitted: the criteria (by
// index) without a level, and those whose required feedback is empty.
type SubmitError struct {
	Missing  []int
	Feedback []int
}

func (e *SubmitError) Error() string {
	return fmt.Sprintf("storage: grading incomplete: %d criteria without a level, "+
		"%d without their required comment", len(e.Missing), len(e.Feedback))
}

// Is makes a *SubmitError match ErrIncomplete.
func (e *SubmitError) Is(target error) bool { return target == ErrIncomplete }

// DeskItem is one submission on an expert's grading desk. Label is the
// anonymous code when grading is blind, unless the jury president
// revealed the name.
type DeskItem struct {
	Key           GradingKey
	Credential    string
	SubmissionKey string // stable key across workspaces, "CODE/sitting"
	Label         string
	Revealed      bool // Label is the candidate's name
	Sitting       int
	Status        grading.Status
	Chosen        int // criteria with a level chosen
	Scored        int // criteria that take a level
	NeedsRegrade  bool
}

// SubmissionFile is one file of a candidate's work.
type SubmissionFile struct {
	ID          int64
	Name        string
	SHA256      string
	Size        int64
	SubmittedAt time.Time
	HasContent  bool // the workspace holds the bytes, not only their hash
}

// Sheet is everything the grading desk shows of one grading.
type Sheet struct {
	Item    DeskItem
	Grid    *rubric.Grid
	GridID  int64
	Grading grading.Grading
	Files   []SubmissionFile
}

// Draft is the editable part of a grading.
type Draft struct {
	Choices  []int
	Comments map[string]string // criterion key → comment
	Feedback string
}

// gradingRow is a row of gradings with what saving it needs.
type gradingRow struct {
	id         int64
	gridID     int64
	frozen     bool
	fp         string
	gridData   string
	credential string
	candidate  string // enrolment identifier
	g          grading.Grading
	needsRe    bool
}

// gridCache keeps parsed grids by fingerprint: a fingerprint names one
// content, so a cached grid is never stale.
var gridCache sync.Map // fingerprint → *rubric.Grid

// parsedGrid returns the grid of data, whose fingerprint column is fp.
func parsedGrid(fp, data string) (*rubric.Grid, error) {
	if g, ok := gridCache.Load(fp); ok && fp != "" {
		return g.(*rubric.Grid), nil
	}
	g, err := rubric.ParseJSONDraft([]byte(data))
	if err != nil {
		return nil, fmt.Errorf("read grid: %w", err)
	}
	if fp != "" && g.Fingerprint() == fp {
		gridCache.Store(fp, g)
	}
	return g, nil
}

// levelCounts returns the number of levels of each criterion of g.
func levelCounts(g *rubric.Grid) []int {
	out := make([]int, len(g.Criteria))
	for i, c := range g.Criteria {
		out[i] = len(c.Levels)
	}
	return out
}

// SubmissionKey is the key that names a submission in packages: the
// candidate's anonymous code and the sitting.
func SubmissionKey(anonCode string, sitting int) string {
	return anonCode + "/" + strconv.Itoa(sitting)
}

// parseSubmissionKey splits a key made by SubmissionKey.
func parseSubmissionKey(key string) (code string, sitting int, ok bool) {
	code, s, ok := strings.Cut(key, "/")
	if !ok || code == "" {
		return "", 0, false
	}
	sitting, err := strconv.Atoi(s)
	return code, sitting, err == nil && sitting >= 1 && sitting <= 2
}

// gradingEntity names a grading in the audit trail, under its candidate
// so that the export and purge of personal data find it.
func gradingEntity(credential, candidate, expert string) string {
	return CandidateEntity(credential, candidate) + "/grading/" + expert
}

// EnsureSubmission returns the row id of the submission of a candidate
// for a sitting, creating it when there is none.
func (s *Store) EnsureSubmission(ctx context.Context, credential, candidate string,
	sitting int) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("record submission: %w", err)
	}
	defer tx.Rollback()

	candID, err := findCandidateID(ctx, tx, credential, candidate)
	if err != nil {
		return 0, err
	}
	id, err := ensureSubmission(ctx, tx, candID, sitting)
	if err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

func ensureSubmission(ctx context.Context, tx *sql.Tx, candID int64, sitting int) (int64,
	error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO submissions (candidate_id, sitting)
		VALUES (?, ?) ON CONFLICT DO NOTHING`, candID, sitting)
	if err != nil {
		return 0, fmt.Errorf("record submission: %w", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM submissions
		WHERE candidate_id = ? AND sitting = ?`, candID, sitting).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record submission: %w", err)
	}
	return id, nil
}

// Allot gives a submission to an expert, named by the key identifier of
// their signing key. Allotting it to a second expert is double marking.
// Allotting it again to the same expert changes nothing.
func (s *Store) Allot(ctx context.Context, submission int64, expert string) error {
	if strings.TrimSpace(expert) == "" {
		return fmt.Errorf("allot submission: %w", ErrNoGrading)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("allot submission: %w", err)
	}
	defer tx.Rollback()

	credential, candidate, err := submissionOwner(ctx, tx, submission)
	if err != nil {
		return err
	}
	n, err := allot(ctx, tx, submission, expert, s.now())
	if err != nil || n == 0 {
		return err
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "grading.allot",
		Entity: gradingEntity(credential, candidate, expert)})
	if err != nil {
		return err
	}
	return tx.Commit()
}

func allot(ctx context.Context, tx *sql.Tx, submission int64, expert string,
	at time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO allotments (submission_id, expert,
		allotted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		submission, expert, formatTime(at))
	if err != nil {
		return 0, fmt.Errorf("allot submission: %w", err)
	}
	return res.RowsAffected()
}

// submissionOwner returns the credential code and candidate identifier of
// a submission.
func submissionOwner(ctx context.Context, tx *sql.Tx, submission int64) (string, string,
	error) {
	var code, cand string
	err := tx.QueryRowContext(ctx, `SELECT k.code, c.ext_id FROM submissions s
		JOIN candidates c ON c.id = s.candidate_id
		JOIN credentials k ON k.id = c.credential_id WHERE s.id = ?`, submission).
		Scan(&code, &cand)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("find submission %d: %w", submission, ErrNoSubmission)
	}
	if err != nil {
		return "", "", fmt.Errorf("find submission %d: %w", submission, err)
	}
	return code, cand, nil
}

// GradingExperts lists the experts to whom submissions of a credential
// are allotted, by key identifier, sorted.
func (s *Store) GradingExperts(ctx context.Context, credential string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT a.expert FROM allotments a
		JOIN submissions s ON s.id = a.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? ORDER BY a.expert`, credential)
	if err != nil {
		return nil, fmt.Errorf("list experts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("list experts: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// deskColumns are the columns of a desk item, in scanDesk's order.
const deskColumns = `a.submission_id, a.expert, k.code, c.anon_code,
	c.family_name || ' ' || c.given_names, s.sitting,
	(k.data LIKE '%"BlindGrading":true%') AND NOT EXISTS
		(SELECT 1 FROM grading_reveals r WHERE r.submission_id = s.id),
	COALESCE(g.status, 0), COALESCE(g.choices, '[]'), COALESCE(g.needs_regrade, 0),
	COALESCE(gr.fingerprint, cur.fingerprint, ''), COALESCE(gr.data, cur.data, '')`

// deskFrom joins an allotment with its submission, candidate, credential,
// grading and grid (the grading's, else the credential's current one).
const deskFrom = ` FROM allotments a
	JOIN submissions s ON s.id = a.submission_id
	JOIN candidates c ON c.id = s.candidate_id
	JOIN credentials k ON k.id = c.credential_id
	LEFT JOIN gradings g ON g.submission_id = a.submission_id AND g.expert = a.expert
	LEFT JOIN grids gr ON gr.id = g.grid_id
	LEFT JOIN grids cur ON cur.id = (SELECT id FROM grids WHERE credential_id = k.id
		ORDER BY version DESC LIMIT 1)`

// scanDesk reads one desk item.
func scanDesk(row scanner) (DeskItem, *rubric.Grid, error) {
	var it DeskItem
	var code, name, choices, fp, data string
	var blind bool
	var status int
	err := row.Scan(&it.Key.Submission, &it.Key.Expert, &it.Credential, &code, &name,
		&it.Sitting, &blind, &status, &choices, &it.NeedsRegrade, &fp, &data)
	if err != nil {
		return it, nil, err
	}
	it.SubmissionKey = SubmissionKey(code, it.Sitting)
	it.Label, it.Revealed = code, !blind && strings.TrimSpace(name) != ""
	if it.Revealed {
		it.Label = strings.TrimSpace(name)
	}
	it.Status = grading.Status(status)
	if data == "" {
		return it, nil, nil
	}
	grid, err := parsedGrid(fp, data)
	if err != nil {
		return it, nil, err
	}
	var cs []int
	if err := json.Unmarshal([]byte(choices), &cs); err != nil {
		return it, nil, fmt.Errorf("read grading choices: %w", err)
	}
	for i, c := range grid.Criteria {
		if c.Scored() {
			it.Scored++
			if i < len(cs) && cs[i] >= 0 {
				it.Chosen++
			}
		}
	}
	return it, grid, nil
}

// Desk lists the submissions of a credential allotted to an expert, with
// where each grading stands, by anonymous code then sitting. An empty
// credential lists those of every credential.
func (s *Store) Desk(ctx context.Context, expert, credential string) ([]DeskItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deskColumns+deskFrom+`
		WHERE a.expert = ? AND (? = '' OR k.code = ?)
		ORDER BY k.code, c.anon_code, s.sitting`, expert, credential, credential)
	if err != nil {
		return nil, fmt.Errorf("list desk: %w", err)
	}
	defer rows.Close()
	var out []DeskItem
	for rows.Next() {
		it, _, err := scanDesk(rows)
		if err != nil {
			return nil, fmt.Errorf("list desk: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// GradingSheet returns what the desk shows of one grading: the item, the
// grid, the grading (empty when not started) and the files.
func (s *Store) GradingSheet(ctx context.Context, key GradingKey) (*Sheet, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read grading: %w", err)
	}
	defer tx.Rollback()

	it, grid, err := scanDesk(tx.QueryRowContext(ctx, `SELECT `+deskColumns+deskFrom+`
		WHERE a.submission_id = ? AND a.expert = ?`, key.Submission, key.Expert))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read grading: %w", ErrNoGrading)
	} else if err != nil {
		return nil, fmt.Errorf("read grading: %w", err)
	}
	if grid == nil {
		return nil, fmt.Errorf("read grading of %s: %w", it.Credential, ErrNoGrid)
	}
	sh := &Sheet{Item: it, Grid: grid}
	row, err := findGrading(ctx, tx, key)
	switch {
	case errors.Is(err, ErrNoGrading):
		sh.Grading = blankGrading(it.SubmissionKey, key.Expert, grid)
		err = tx.QueryRowContext(ctx, `SELECT id FROM grids WHERE credential_id =
			(SELECT id FROM credentials WHERE code = ?) ORDER BY version DESC LIMIT 1`,
			it.Credential).Scan(&sh.GridID)
	case err == nil:
		sh.Grading, sh.GridID = row.g, row.gridID
		sh.Grading.Submission = it.SubmissionKey
	}
	if err != nil {
		return nil, fmt.Errorf("read grading: %w", err)
	}
	if sh.Files, err = submissionFiles(ctx, tx, key.Submission); err != nil {
		return nil, err
	}
	return sh, nil
}

// blankGrading is a grading not started of grid.
func blankGrading(sub, expert string, grid *rubric.Grid) grading.Grading {
	cs := make([]int, len(grid.Criteria))
	for i := range cs {
		cs[i] = grading.None
	}
	return grading.Grading{Submission: sub, Expert: expert,
		GridFingerprint: grid.Fingerprint(), Choices: cs, Comments: map[string]string{}}
}

// findGrading reads the grading of key inside tx, or ErrNoGrading.
func findGrading(ctx context.Context, tx *sql.Tx, key GradingKey) (*gradingRow, error) {
	r := &gradingRow{}
	var status int
	var cs, cm, updated, submitted string
	err := tx.QueryRowContext(ctx, `SELECT g.id, g.grid_id, gr.frozen, gr.fingerprint,
			gr.data, k.code, c.ext_id, g.choices, g.comments, g.feedback, g.status,
			g.needs_regrade, g.updated_at, g.submitted_at, g.revision
		FROM gradings g JOIN grids gr ON gr.id = g.grid_id
		JOIN submissions s ON s.id = g.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		JOIN credentials k ON k.id = c.credential_id
		WHERE g.submission_id = ? AND g.expert = ?`, key.Submission, key.Expert).Scan(
		&r.id, &r.gridID, &r.frozen, &r.fp, &r.gridData, &r.credential, &r.candidate,
		&cs, &cm, &r.g.Feedback, &status, &r.needsRe, &updated, &submitted, &r.g.Revision)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoGrading
	}
	if err != nil {
		return nil, fmt.Errorf("read grading: %w", err)
	}
	r.g.Expert, r.g.GridFingerprint, r.g.Status = key.Expert, r.fp, grading.Status(status)
	if err := decodeGrading(&r.g, cs, cm, updated, submitted); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeGrading fills g's JSON and time columns.
func decodeGrading(g *grading.Grading, choices, comments, updated, submitted string) error {
	if err := json.Unmarshal([]byte(choices), &g.Choices); err != nil {
		return fmt.Errorf("read grading choices: %w", err)
	}
	if err := json.Unmarshal([]byte(comments), &g.Comments); err != nil {
		return fmt.Errorf("read grading comments: %w", err)
	}
	var err error
	if g.UpdatedAt, err = parseTime(updated); err != nil {
		return fmt.Errorf("read grading time: %w", err)
	}
	if submitted != "" {
		if g.SubmittedAt, err = parseTime(submitted); err != nil {
			return fmt.Errorf("read grading time: %w", err)
		}
	}
	return nil
}

// startGrading creates the grading row of an allotted submission on the
// credential's current grid.
func startGrading(ctx context.Context, tx *sql.Tx, key GradingKey, at time.Time) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM allotments
		WHERE submission_id = ? AND expert = ?`, key.Submission, key.Expert).Scan(&n)
	if err != nil {
		return fmt.Errorf("start grading: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("start grading: %w", ErrNoGrading)
	}
	var gridID int64
	var fp, data string
	var draft bool
	err = tx.QueryRowContext(ctx, `SELECT g.id, g.fingerprint, g.data, g.draft FROM grids g
		JOIN candidates c ON c.credential_id = g.credential_id
		JOIN submissions s ON s.candidate_id = c.id
		WHERE s.id = ? ORDER BY g.version DESC LIMIT 1`, key.Submission).Scan(&gridID, &fp,
		&data, &draft)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("start grading: %w", ErrNoGrid)
	} else if err != nil {
		return fmt.Errorf("start grading: %w", err)
	}
	if draft {
		return fmt.Errorf("start grading on grid %d: %w", gridID, ErrGridDraft)
	}
	grid, err := parsedGrid(fp, data)
	if err != nil {
		return err
	}
	b := blankGrading("", key.Expert, grid)
	_, err = tx.ExecContext(ctx, `INSERT INTO gradings (submission_id, grid_id, expert,
		choices, updated_at) VALUES (?, ?, ?, ?, ?)`,
		key.Submission, gridID, key.Expert, string(JSON(b.Choices)), formatTime(at))
	if err != nil {
		return fmt.Errorf("start grading: %w", err)
	}
	return nil
}

// loadForChange reads the grading of key inside tx, creating it when the
// submission is allotted but not started.
func loadForChange(ctx context.Context, tx *sql.Tx, key GradingKey, at time.Time) (
	*gradingRow, *rubric.Grid, error) {
	r, err := findGrading(ctx, tx, key)
	if errors.Is(err, ErrNoGrading) {
		if err = startGrading(ctx, tx, key, at); err != nil {
			return nil, nil, err
		}
		r, err = findGrading(ctx, tx, key)
	}
	if err != nil {
		return nil, nil, err
	}
	grid, err := parsedGrid(r.fp, r.gridData)
	if err != nil {
		return nil, nil, err
	}
	for len(r.g.Choices) < len(grid.Criteria) {
		r.g.Choices = append(r.g.Choices, grading.None)
	}
	if r.g.Comments == nil {
		r.g.Comments = map[string]string{}
	}
	return r, grid, nil
}

// writeGrading stores r's grading, one revision more, and freezes its
// grid on the first save.
func (s *Store) writeGrading(ctx context.Context, tx *sql.Tx, r *gradingRow) error {
	r.g.Revision++
	r.g.UpdatedAt = s.now()
	submitted := ""
	if !r.g.SubmittedAt.IsZero() {
		submitted = formatTime(r.g.SubmittedAt)
	}
	_, err := tx.ExecContext(ctx, `UPDATE gradings SET choices = ?, comments = ?,
		feedback = ?, status = ?, updated_at = ?, submitted_at = ?, revision = ?
		WHERE id = ?`, string(JSON(r.g.Choices)), string(JSON(r.g.Comments)),
		r.g.Feedback, int(r.g.Status), formatTime(r.g.UpdatedAt), submitted,
		r.g.Revision, r.id)
	if err != nil {
		return fmt.Errorf("save grading: %w", err)
	}
	if r.frozen {
		return nil
	}
	return s.freezeUsedGrid(ctx, tx, r.gridID)
}

// freezeUsedGrid freezes a grid version on its first grading, recording it.
func (s *Store) freezeUsedGrid(ctx context.Context, tx *sql.Tx, gridID int64) error {
	info, err := gridInfo(ctx, tx, gridID)
	if err != nil {
		return err
	}
	if err := freezeGrid(ctx, tx, gridID); err != nil {
		return err
	}
	a := gridAudit{Version: info.Version, Fingerprint: info.Fingerprint}
	return s.gridEvent(ctx, tx, info.Credential, "grid.freeze", nil, &a, "")
}

// changeDraft applies edit to the grading of key, not yet submitted, in
// one transaction: each change is saved at once and durably.
func (s *Store) changeDraft(ctx context.Context, key GradingKey,
	edit func(r *gradingRow, grid *rubric.Grid) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save grading: %w", err)
	}
	defer tx.Rollback()

	r, grid, err := loadForChange(ctx, tx, key, s.now())
	if err != nil {
		return err
	}
	if r.g.Status == grading.Submitted {
		return ErrSubmitted
	}
	if err := edit(r, grid); err != nil {
		return err
	}
	r.g.Status = grading.InProgress
	if err := s.writeGrading(ctx, tx, r); err != nil {
		return err
	}
	return tx.Commit()
}

// SaveChoice records the level chosen on one criterion (grading.None to
// clear it) of a grading not yet submitted, at once and durably. A
// submitted grading is changed with Amend.
func (s *Store) SaveChoice(ctx context.Context, key GradingKey, criterion, level int) error {
	return s.changeDraft(ctx, key, func(r *gradingRow, grid *rubric.Grid) error {
		if criterion < 0 || criterion >= len(grid.Criteria) || level < grading.None ||
			level >= len(grid.Criteria[criterion].Levels) {
			return fmt.Errorf("save choice %d on criterion %d: %w", level, criterion, ErrLevel)
		}
		r.g.Choices[criterion] = level
		return nil
	})
}

// SaveComment records the comment on the criterion of key criterionKey of
// a grading not yet submitted.
func (s *Store) SaveComment(ctx context.Context, key GradingKey, criterionKey,
	text string) error {
	return s.changeDraft(ctx, key, func(r *gradingRow, grid *rubric.Grid) error {
		if !hasCriterion(grid, criterionKey) {
			return fmt.Errorf("save comment on %q: %w", criterionKey, ErrLevel)
		}
		setComment(r.g.Comments, criterionKey, text)
		return nil
	})
}

func hasCriterion(grid *rubric.Grid, key string) bool {
	for _, c := range grid.Criteria {
		if c.Key == key {
			return true
		}
	}
	return false
}

func setComment(m map[string]string, key, text string) {
	if strings.TrimSpace(text) == "" {
		delete(m, key)
		return
	}
	m[key] = text
}

// SaveFeedback records the overall feedback of a grading not yet submitted.
func (s *Store) SaveFeedback(ctx context.Context, key GradingKey, text string) error {
	return s.changeDraft(ctx, key, func(r *gradingRow, _ *rubric.Grid) error {
		r.g.Feedback = text
		return nil
	})
}

// SaveDraft replaces the choices, comments and feedback of a grading not
// yet submitted, as undo does.
func (s *Store) SaveDraft(ctx context.Context, key GradingKey, d Draft) error {
	return s.changeDraft(ctx, key, func(r *gradingRow, grid *rubric.Grid) error {
		return applyDraft(r, grid, d)
	})
}

// applyDraft puts d in r after checking it against grid.
func applyDraft(r *gradingRow, grid *rubric.Grid, d Draft) error {
	g := grading.Grading{Choices: d.Choices}
	if err := g.Validate(levelCounts(grid)); err != nil {
		return fmt.Errorf("save grading: %w: %w", ErrLevel, err)
	}
	r.g.Choices = append([]int(nil), d.Choices...)
	r.g.Comments = map[string]string{}
	for k, v := range d.Comments {
		if !hasCriterion(grid, k) {
			return fmt.Errorf("save comment on %q: %w", k, ErrLevel)
		}
		setComment(r.g.Comments, k, v)
	}
	r.g.Feedback = d.Feedback
	return nil
}

// checkComplete returns a *SubmitError when g lacks a level or a
// required comment under grid.
func checkComplete(g grading.Grading, grid *rubric.Grid) error {
	var e SubmitError
	fb := make([]string, len(grid.Criteria))
	for i, c := range grid.Criteria {
		fb[i] = g.Comments[c.Key]
		if c.Scored() && (i >= len(g.Choices) || g.Choices[i] < 0) {
			e.Missing = append(e.Missing, i)
		}
	}
	e.Feedback = grid.MissingFeedback(fb)
	if len(e.Missing) > 0 || len(e.Feedback) > 0 {
		return &e
	}
	return nil
}

// gradingState is what the audit trail keeps of a grading.
type gradingState struct {
	Choices  []int             `json:"choices"`
	Comments map[string]string `json:"comments,omitempty"`
	Feedback string            `json:"feedback,omitempty"`
	Status   string            `json:"status"`
	Revision int               `json:"revision"`
}

func stateOf(g grading.Grading) gradingState {
	return gradingState{Choices: g.Choices, Comments: g.Comments, Feedback: g.Feedback,
		Status: g.Status.String(), Revision: g.Revision}
}

// Submit hands a grading in. Every scored criterion needs a level and
// every criterion whose comment the grid requires needs one; otherwise
// the error is a *SubmitError. Submitting is recorded in the audit trail.
func (s *Store) Submit(ctx context.Context, key GradingKey) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("submit grading: %w", err)
	}
	defer tx.Rollback()

	r, grid, err := loadForChange(ctx, tx, key, s.now())
	if err != nil {
		return err
	}
	if r.g.Status == grading.Submitted {
		return nil
	}
	if err := checkComplete(r.g, grid); err != nil {
		return err
	}
	r.g.Status, r.g.SubmittedAt = grading.Submitted, s.now()
	if err := s.writeGrading(ctx, tx, r); err != nil {
		return err
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "grading.submit",
		Entity: gradingEntity(r.credential, r.candidate, key.Expert),
		After:  JSON(stateOf(r.g))})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// Amend changes a submitted grading: the reason is required, the grading
// must stay complete, and the states before and after are recorded in
// the audit trail ("grading.change").
func (s *Store) Amend(ctx context.Context, key GradingKey, d Draft, reason string) error {
	if blankText(reason) {
		return fmt.Errorf("change grading: %w", ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("change grading: %w", err)
	}
	defer tx.Rollback()

	r, grid, err := loadForChange(ctx, tx, key, s.now())
	if err != nil {
		return err
	}
	if r.g.Status != grading.Submitted {
		return fmt.Errorf("change grading: %w", ErrNotSubmitted)
	}
	before := stateOf(r.g.Clone())
	if err := applyDraft(r, grid, d); err != nil {
		return err
	}
	if err := checkComplete(r.g, grid); err != nil {
		return err
	}
	if err := s.writeGrading(ctx, tx, r); err != nil {
		return err
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "grading.change",
		Entity: gradingEntity(r.credential, r.candidate, key.Expert),
		Before: JSON(before), After: JSON(stateOf(r.g)), Reason: reason})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// RevealCandidate shows the candidate's name instead of the anonymous
// code on the grading desk for one submission, at the jury president's
// request, with a reason recorded in the audit trail ("candidate.reveal").
func (s *Store) RevealCandidate(ctx context.Context, submission int64, reason string) error {
	if blankText(reason) {
		return fmt.Errorf("reveal candidate: %w", ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reveal candidate: %w", err)
	}
	defer tx.Rollback()

	credential, candidate, err := submissionOwner(ctx, tx, submission)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO grading_reveals (submission_id,
		revealed_by, revealed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		submission, s.Actor, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("reveal candidate: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "candidate.reveal",
		Entity: CandidateEntity(credential, candidate), Reason: reason})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// AddSubmissionFile stores one file of a submission with its SHA-256,
// size and the time it was handed in.
func (s *Store) AddSubmissionFile(ctx context.Context, submission int64, name string,
	content []byte, at time.Time) (SubmissionFile, error) {
	sum := sha256.Sum256(content)
	f := SubmissionFile{Name: name, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(content)), SubmittedAt: at.UTC(), HasContent: true}
	res, err := s.db.ExecContext(ctx, `INSERT INTO submission_files (submission_id, name,
		sha256, size, submitted_at, content) VALUES (?, ?, ?, ?, ?, ?)`,
		submission, name, f.SHA256, f.Size, formatTime(f.SubmittedAt), content)
	if err != nil {
		return f, fmt.Errorf("add submission file: %w", err)
	}
	f.ID, _ = res.LastInsertId()
	return f, nil
}

// SubmissionFileContent returns the bytes of one file, nil when the
// workspace holds only its hash.
func (s *Store) SubmissionFileContent(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT content FROM submission_files WHERE id = ?`,
		id).Scan(&b)
	if err != nil {
		return nil, fmt.Errorf("read submission file: %w", err)
	}
	return b, nil
}

func submissionFiles(ctx context.Context, tx *sql.Tx, submission int64) ([]SubmissionFile,
	error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, sha256, size, submitted_at,
		content IS NOT NULL FROM submission_files WHERE submission_id = ? ORDER BY name, id`,
		submission)
	if err != nil {
		return nil, fmt.Errorf("list submission files: %w", err)
	}
	defer rows.Close()
	var out []SubmissionFile
	for rows.Next() {
		var f SubmissionFile
		var at string
		if err := rows.Scan(&f.ID, &f.Name, &f.SHA256, &f.Size, &at, &f.HasContent); err != nil {
			return nil, fmt.Errorf("list submission files: %w", err)
		}
		f.SubmittedAt, _ = parseTime(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// AddBankComment adds a reusable comment to the bank of one criterion of
// a credential's grid. Adding the same text again changes nothing.
func (s *Store) AddBankComment(ctx context.Context, credential, criterion,
	text string) error {
	if blankText(text) {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO comment_bank (credential_id, criterion,
		text) SELECT id, ?, ? FROM credentials WHERE code = ? ON CONFLICT DO NOTHING`,
		criterion, strings.TrimSpace(text), credential)
	if err != nil {
		return fmt.Errorf("add comment to bank: %w", err)
	}
	return nil
}

// BankComments lists the reusable comments of one criterion, in the order
// they were added.
func (s *Store) BankComments(ctx context.Context, credential, criterion string) ([]string,
	error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.text FROM comment_bank b
		JOIN credentials k ON k.id = b.credential_id
		WHERE k.code = ? AND b.criterion = ? ORDER BY b.id`, credential, criterion)
	if err != nil {
		return nil, fmt.Errorf("list comment bank: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list comment bank: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// credentialOf reads a credential's row id and content.
func credentialOf(ctx context.Context, tx *sql.Tx, code string) (int64, *jury.Credential,
	error) {
	id, err := findCredentialID(ctx, tx, code)
	if err != nil {
		return 0, nil, err
	}
	c, err := findCredential(ctx, tx, code)
	return id, c, err
}

// Discrepancy is a double-marked submission whose gradings need the
// experts: they differ beyond the credential's thresholds, or the rule
// asks for an agreed grading.
type Discrepancy struct {
	Submission    int64
	SubmissionKey string
	Label         string // anonymous code, or the name when shown
	Gradings      []grading.Grading
	Marks         []float64 // out of 20, one per grading
	Resolution    grading.Resolution
	GridID        int64
	ThirdAsked    bool // a third grading was requested
}

// Thresholds returns the double-marking thresholds and rule of a
// credential in the terms of package grading. The credential's gaps are
// those "from which" the gradings must be reconciled, so a gap equal to
// them is a discrepancy, whereas grading tolerates a gap equal to its
// thresholds.
func Thresholds(c *jury.Credential) (grading.Thresholds, grading.Rule) {
	d := c.DoubleMarking
	th := grading.Thresholds{}
	if d.LevelGap > 0 {
		th.Levels = d.LevelGap - 1
	}
	if d.PointGap > 0 {
		th.Points = d.PointGap - 1e-9
	}
	rule := grading.Mean
	if d.Rule == jury.MarkingAgreed {
		rule = grading.AgreedRequired
	}
	return th, rule
}

// reconRow is one grading read for reconciliation.
type reconRow struct {
	sub    int64
	label  string
	gridID int64
	g      grading.Grading
	mark   float64
}

// Discrepancies lists the submissions of a credential whose submitted
// gradings need an agreement or an arbitration under its double-marking
// settings and have no agreed grading yet, with each expert's grading and
// mark side by side.
func (s *Store) Discrepancies(ctx context.Context, credential string) ([]Discrepancy,
	error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list discrepancies: %w", err)
	}
	defer tx.Rollback()

	_, cred, err := credentialOf(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	th, rule := Thresholds(cred)
	rows, err := reconRows(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	var out []Discrepancy
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].sub == rows[i].sub {
			j++
		}
		if d, ok := discrepancy(rows[i:j], th, rule); ok {
			out = append(out, d)
		}
		i = j
	}
	return out, markThirdAsked(ctx, tx, out)
}

// discrepancy reconciles the gradings of one submission.
func discrepancy(rs []reconRow, th grading.Thresholds, rule grading.Rule) (Discrepancy,
	bool) {
	d := Discrepancy{Submission: rs[0].sub, SubmissionKey: rs[0].g.Submission,
		Label: rs[0].label, GridID: rs[0].gridID}
	for _, r := range rs {
		d.Gradings = append(d.Gradings, r.g)
		d.Marks = append(d.Marks, r.mark)
	}
	if len(rs) < 2 {
		return d, false
	}
	res, err := grading.Reconcile(d.Gradings, d.Marks, th, rule)
	if err != nil {
		return d, false
	}
	d.Resolution = res
	return d, res.Need == grading.NeedAgreement || res.Need == grading.NeedArbitration
}

// reconRows reads the submitted gradings of a credential's submissions
// that have no agreed grading, by submission.
func reconRows(ctx context.Context, tx *sql.Tx, credential string) ([]reconRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT g.submission_id, c.anon_code,
			c.family_name || ' ' || c.given_names,
			(k.data LIKE '%"BlindGrading":true%') AND NOT EXISTS
				(SELECT 1 FROM grading_reveals r WHERE r.submission_id = s.id),
			s.sitting, g.grid_id, gr.fingerprint, gr.data, g.expert, g.choices,
			g.comments, g.feedback, g.updated_at, g.submitted_at, g.revision
		FROM gradings g JOIN grids gr ON gr.id = g.grid_id
		JOIN submissions s ON s.id = g.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND g.status = 2 AND NOT EXISTS
			(SELECT 1 FROM agreements a WHERE a.submission_id = g.submission_id)
		ORDER BY c.anon_code, s.sitting, g.submission_id, g.expert`, credential)
	if err != nil {
		return nil, fmt.Errorf("list discrepancies: %w", err)
	}
	defer rows.Close()
	var out []reconRow
	for rows.Next() {
		r, err := scanRecon(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanRecon(rows *sql.Rows) (reconRow, error) {
	var r reconRow
	var code, name, fp, data, cs, cm, upd, sub string
	var blind bool
	var sitting int
	err := rows.Scan(&r.sub, &code, &name, &blind, &sitting, &r.gridID, &fp, &data,
		&r.g.Expert, &cs, &cm, &r.g.Feedback, &upd, &sub, &r.g.Revision)
	if err != nil {
		return r, fmt.Errorf("list discrepancies: %w", err)
	}
	r.g.Submission, r.g.GridFingerprint = SubmissionKey(code, sitting), fp
	r.g.Status, r.label = grading.Submitted, code
	if !blind && strings.TrimSpace(name) != "" {
		r.label = strings.TrimSpace(name)
	}
	if err := decodeGrading(&r.g, cs, cm, upd, sub); err != nil {
		return r, err
	}
	grid, err := parsedGrid(fp, data)
	if err != nil {
		return r, err
	}
	r.mark = markOutOf20(grid, r.g.Choices)
	return r, nil
}

// markOutOf20 is the mark of choices under grid, on a scale of 20.
func markOutOf20(grid *rubric.Grid, choices []int) float64 {
	return grid.Score(choices).Mark * 20 / grid.Rules.Scale.Max()
}

func markThirdAsked(ctx context.Context, tx *sql.Tx, ds []Discrepancy) error {
	for i := range ds {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM third_gradings
			WHERE submission_id = ?`, ds[i].Submission).Scan(&n)
		if err != nil {
			return fmt.Errorf("list discrepancies: %w", err)
		}
		ds[i].ThirdAsked = n > 0
	}
	return nil
}

// RecordAgreement records the grading the experts agreed on for a
// submission, with its reason, in the audit trail ("grading.agree"). It
// replaces an earlier agreement, whose state is kept in the trail.
func (s *Store) RecordAgreement(ctx context.Context, submission int64,
	a grading.Agreement) error {
	if a.By == "" {
		a.By = s.Actor
	}
	if a.At.IsZero() {
		a.At = s.now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record agreement: %w", err)
	}
	defer tx.Rollback()

	credential, candidate, err := submissionOwner(ctx, tx, submission)
	if err != nil {
		return err
	}
	gridID, grid, err := submissionGrid(ctx, tx, submission)
	if err != nil {
		return err
	}
	if err := a.Validate(levelCounts(grid)); err != nil {
		return fmt.Errorf("record agreement: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO agreements (submission_id, grid_id, choices,
		reason, agreed_by, agreed_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (submission_id) DO UPDATE SET grid_id = excluded.grid_id,
		choices = excluded.choices, reason = excluded.reason,
		agreed_by = excluded.agreed_by, agreed_at = excluded.agreed_at`,
		submission, gridID, string(JSON(a.Choices)), a.Reason, a.By, formatTime(a.At))
	if err != nil {
		return fmt.Errorf("record agreement: %w", err)
	}
	after := map[string]any{"choices": a.Choices, "mark": markOutOf20(grid, a.Choices)}
	_, err = s.appendEvent(ctx, tx, Event{Action: "grading.agree",
		Entity: CandidateEntity(credential, candidate) + "/agreement",
		After:  JSON(after), Reason: a.Reason})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// submissionGrid returns the grid the submission's gradings used, else
// its credential's current grid.
func submissionGrid(ctx context.Context, tx *sql.Tx, submission int64) (int64,
	*rubric.Grid, error) {
	var id int64
	var fp, data string
	err := tx.QueryRowContext(ctx, `SELECT g.id, g.fingerprint, g.data FROM grids g
		WHERE g.id = COALESCE(
			(SELECT grid_id FROM gradings WHERE submission_id = ? ORDER BY id LIMIT 1),
			(SELECT gr.id FROM grids gr JOIN candidates c ON c.credential_id = gr.credential_id
			 JOIN submissions s ON s.candidate_id = c.id WHERE s.id = ?
			 ORDER BY gr.version DESC LIMIT 1))`, submission, submission).Scan(&id, &fp, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fmt.Errorf("find grid of submission %d: %w", submission, ErrNoGrid)
	} else if err != nil {
		return 0, nil, fmt.Errorf("find grid of submission %d: %w", submission, err)
	}
	grid, err := parsedGrid(fp, data)
	return id, grid, err
}

// Agreement returns the agreed grading of a submission; false when none.
func (s *Store) Agreement(ctx context.Context, submission int64) (grading.Agreement, bool,
	error) {
	var a grading.Agreement
	var cs, at string
	err := s.db.QueryRowContext(ctx, `SELECT choices, reason, agreed_by, agreed_at
		FROM agreements WHERE submission_id = ?`, submission).Scan(&cs, &a.Reason, &a.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	} else if err != nil {
		return a, false, fmt.Errorf("read agreement: %w", err)
	}
	if err := json.Unmarshal([]byte(cs), &a.Choices); err != nil {
		return a, false, fmt.Errorf("read agreement: %w", err)
	}
	a.At, _ = parseTime(at)
	return a, true, nil
}

// RequestThirdGrading asks a third expert (by key identifier, or "" when
// not chosen yet) to grade a submission whose gradings differ, with a
// reason recorded in the audit trail ("grading.third"). When an expert is
// named, the submission is allotted to them.
func (s *Store) RequestThirdGrading(ctx context.Context, submission int64, expert,
	reason string) error {
	if blankText(reason) {
		return fmt.Errorf("request third grading: %w", ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("request third grading: %w", err)
	}
	defer tx.Rollback()

	credential, candidate, err := submissionOwner(ctx, tx, submission)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO third_gradings (submission_id, expert, reason,
		requested_by, requested_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (submission_id) DO UPDATE SET expert = excluded.expert,
		reason = excluded.reason`, submission, expert, reason, s.Actor, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("request third grading: %w", err)
	}
	if expert != "" {
		if _, err := allot(ctx, tx, submission, expert, s.now()); err != nil {
			return err
		}
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "grading.third",
		Entity: CandidateEntity(credential, candidate) + "/agreement",
		After:  JSON(map[string]string{"expert": expert}), Reason: reason})
	if err != nil {
		return err
	}
	return tx.Commit()
}
