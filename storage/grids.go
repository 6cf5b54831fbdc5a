package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"certeval/jury"
	"certeval/rubric"
)

// Errors about grids.
var (
	// ErrNoGrid is returned when a credential has no grid yet, or a grid
	// id names none.
	ErrNoGrid = errors.New("storage: no grid")
	// ErrGridFrozen is returned by SaveGrid when the current version is
	// used by a grading and no carry-over choice was given: the caller
	// must ask whether gradings carry over or are marked for regrading.
	ErrGridFrozen = fmt.Errorf("storage: %w", rubric.ErrFrozen)
	// ErrGridIncompatible is returned when gradings cannot carry over to
	// the new version; the error also wraps the rubric.Problem saying why.
	ErrGridIncompatible = errors.New("storage: grades do not carry over")
	// ErrGridDraft is returned when a grading would start on, or freeze,
	// a grid saved as a draft: the grid must be completed first.
	ErrGridDraft = errors.New("storage: grid is a draft, complete it before grading")
)

// Carry says what becomes of the gradings of a frozen grid when a new
// version replaces it.
type Carry int

const (
	// CarryUnset is no choice: saving a frozen grid is refused.
	CarryUnset Carry = iota
	// CarryOver moves the gradings to the new version, keeping their
	// state under the old one in the grading history. It is only allowed
	// when rubric.Compatible accepts the two versions.
	CarryOver
	// MarkForRegrade leaves the gradings on the old version and flags
	// them as needing a new grading.
	MarkForRegrade
)

// String returns the choice as the audit trail records it.
func (c Carry) String() string {
	switch c {
	case CarryOver:
		return "carry_over"
	case MarkForRegrade:
		return "regrade"
	}
	return "unset"
}

// GridSave holds the choices that go with saving a grid: what happens to
// gradings when the current version is frozen, and why; and whether a grid
// that does not validate yet may be kept as a draft.
type GridSave struct {
	Carry  Carry
	Reason string
	// Draft allows saving a grid that fails validation as a draft of the
	// current version, when that version is not frozen. A valid grid is
	// saved as usual, and clears the draft.
	Draft bool
}

// GridVersion describes one stored version of a credential's grid.
type GridVersion struct {
	ID          int64
	Credential  string
	Version     int
	Fingerprint string
	// Frozen is set once a grading uses the version: it is never edited
	// in place again.
	Frozen    bool
	Gradings  int // gradings that point at this version
	CreatedAt time.Time
	// Draft is set while the version does not validate: it is never
	// frozen nor graded, and the credential does not refer to it.
	Draft bool
	// Problems are the sentences saying why a draft does not validate,
	// in the current language.
	Problems []string
}

// gridAudit is what the audit trail keeps of a grid version.
type gridAudit struct {
	Version     int    `json:"version"`
	Fingerprint string `json:"fingerprint"`
	Carry       string `json:"carry,omitempty"`
	Gradings    int    `json:"gradings,omitempty"`
	Draft       bool   `json:"draft,omitempty"`
	Problems    int    `json:"problems,omitempty"`
}

func gridEntity(code string) string { return "grid/" + code }

// SaveGrid stores g as the grid of the credential of the given code. The
// grid must validate against the credential's competencies, else the error
// is rubric.Problems; with opt.Draft it is kept as a draft of the current
// version instead, unless that version is frozen. The first save creates version 1; later saves
// update the current version in place while no grading uses it. Once it is
// frozen, saving creates the next version and opt says what becomes of the
// gradings (ErrGridFrozen when it says nothing). The credential's
// assessment rules are updated to refer to the saved version, or to no
// version when it is a draft.
func (s *Store) SaveGrid(ctx context.Context, code string, g *rubric.Grid,
	opt GridSave) (GridVersion, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	defer tx.Rollback()

	v, err := s.saveGrid(ctx, tx, code, g, opt)
	if err != nil {
		return GridVersion{}, err
	}
	if err := tx.Commit(); err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	return v, nil
}

// saveGrid is SaveGrid inside tx.
func (s *Store) saveGrid(ctx context.Context, tx *sql.Tx, code string, g *rubric.Grid,
	opt GridSave) (GridVersion, error) {
	credID, err := findCredentialID(ctx, tx, code)
	if err != nil {
		return GridVersion{}, err
	}
	cred, err := findCredential(ctx, tx, code)
	if err != nil {
		return GridVersion{}, err
	}
	g = g.Clone()
	g.Credential = code

	cur, err := currentGrid(ctx, tx, credID)
	switch {
	case errors.Is(err, ErrNoGrid):
		g.Version = 1
		return s.insertGrid(ctx, tx, credID, cred, g, "grid.create", nil, opt)
	case err != nil:
		return GridVersion{}, err
	}
	g.Version = cur.info.Version
	switch {
	case !cur.info.Frozen:
		return s.updateGrid(ctx, tx, cred, g, cur.info, opt)
	case g.Fingerprint() == cur.info.Fingerprint:
		return cur.info, nil // unchanged: no new version
	}
	opt.Draft = false // a frozen version has no draft: the new one must validate
	return s.newVersion(ctx, tx, credID, cred, g, cur, opt)
}

// competencyCodes are the codes of the credential's competencies, nil when
// it lists none (then the criteria are not checked against them).
func competencyCodes(cred *jury.Credential) []string {
	var codes []string
	for _, c := range cred.Competencies {
		codes = append(codes, c.Code)
	}
	return codes
}

// checkGrid validates g against the credential's competencies and says
// whether it is to be saved as a draft: the error is rubric.Problems when
// it does not validate and opt allows no draft.
func checkGrid(g *rubric.Grid, cred *jury.Credential, opt GridSave) ([]string, error) {
	ps := g.Validate(competencyCodes(cred))
	if len(ps) == 0 {
		return nil, nil
	}
	if !opt.Draft {
		return nil, rubric.Problems(ps)
	}
	return problemSentences(ps), nil
}

// problemSentences are the problems as sentences; never nil.
func problemSentences(ps []rubric.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Error()
	}
	return out
}

// insertGrid writes g as a new version and records action.
func (s *Store) insertGrid(ctx context.Context, tx *sql.Tx, credID int64,
	cred *jury.Credential, g *rubric.Grid, action string, before *gridAudit,
	opt GridSave) (GridVersion, error) {
	problems, err := checkGrid(g, cred, opt)
	if err != nil {
		return GridVersion{}, err
	}
	data, err := g.JSON()
	if err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	now := s.now()
	v := GridVersion{Credential: cred.Code, Version: g.Version,
		Fingerprint: g.Fingerprint(), CreatedAt: now, Draft: problems != nil,
		Problems: problems}
	res, err := tx.ExecContext(ctx, `INSERT INTO grids
		(credential_id, version, fingerprint, data, frozen, created_at, draft)
		VALUES (?, ?, ?, ?, 0, ?, ?)`,
		credID, v.Version, v.Fingerprint, string(data), formatTime(now), v.Draft)
	if err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}

	after := v.audit()
	if before != nil {
		after.Carry = opt.Carry.String()
		after.Gradings = before.Gradings
	}
	if err := s.gridEvent(ctx, tx, cred.Code, action, before, &after, opt.Reason); err != nil {
		return GridVersion{}, err
	}
	return v, s.setGridRef(ctx, tx, cred, v)
}

// audit is what the audit trail keeps of v.
func (v GridVersion) audit() gridAudit {
	return gridAudit{Version: v.Version, Fingerprint: v.Fingerprint, Draft: v.Draft,
		Problems: len(v.Problems)}
}

// updateGrid replaces the unfrozen current version in place.
func (s *Store) updateGrid(ctx context.Context, tx *sql.Tx, cred *jury.Credential,
	g *rubric.Grid, cur GridVersion, opt GridSave) (GridVersion, error) {
	problems, err := checkGrid(g, cred, opt)
	if err != nil {
		return GridVersion{}, err
	}
	data, err := g.JSON()
	if err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	v := cur
	v.Fingerprint, v.Draft, v.Problems = g.Fingerprint(), problems != nil, problems
	if v.Fingerprint == cur.Fingerprint && v.Draft == cur.Draft {
		return v, nil // nothing changed: no event
	}
	_, err = tx.ExecContext(ctx, `UPDATE grids SET fingerprint = ?, data = ?, draft = ?
		WHERE id = ?`, v.Fingerprint, string(data), v.Draft, v.ID)
	if err != nil {
		return GridVersion{}, fmt.Errorf("save grid: %w", err)
	}
	before, after := cur.audit(), v.audit()
	if err := s.gridEvent(ctx, tx, cred.Code, "grid.update", &before, &after,
		opt.Reason); err != nil {
		return GridVersion{}, err
	}
	return v, s.setGridRef(ctx, tx, cred, v)
}

// newVersion saves g as the version after the frozen cur and carries the
// gradings over, or marks them for regrading, as opt says.
func (s *Store) newVersion(ctx context.Context, tx *sql.Tx, credID int64,
	cred *jury.Credential, g *rubric.Grid, cur storedGrid,
	opt GridSave) (GridVersion, error) {
	switch opt.Carry {
	case CarryOver:
		if err := rubric.Compatible(cur.grid, g); err != nil {
			return GridVersion{}, fmt.Errorf("%w: %w", ErrGridIncompatible, err)
		}
	case MarkForRegrade:
	default:
		return GridVersion{}, fmt.Errorf("save grid %s v%d: %w",
			cred.Code, cur.info.Version, ErrGridFrozen)
	}

	g.Version = cur.info.Version + 1
	before := gridAudit{Version: cur.info.Version, Fingerprint: cur.info.Fingerprint,
		Gradings: cur.info.Gradings}
	v, err := s.insertGrid(ctx, tx, credID, cred, g, "grid.version", &before, opt)
	if err != nil {
		return GridVersion{}, err
	}

	if err := freezeGrid(ctx, tx, cur.info.ID); err != nil {
		return GridVersion{}, err
	}
	if opt.Carry == MarkForRegrade {
		return v, markRegrade(ctx, tx, cur.info.ID)
	}
	if err := s.carryGradings(ctx, tx, cur.info.ID, v.ID); err != nil {
		return GridVersion{}, err
	}
	v.Gradings = cur.info.Gradings
	v.Frozen = v.Gradings > 0
	if v.Frozen {
		return v, freezeGrid(ctx, tx, v.ID)
	}
	return v, nil
}

// markRegrade flags every grading of a grid version as needing a new
// grading.
func markRegrade(ctx context.Context, tx *sql.Tx, gridID int64) error {
	_, err := tx.ExecContext(ctx,
		`UPDATE gradings SET needs_regrade = 1 WHERE grid_id = ?`, gridID)
	if err != nil {
		return fmt.Errorf("mark gradings for regrading: %w", err)
	}
	return nil
}

// carryGradings keeps the gradings of grid from in the grading history,
// then points them at grid to.
func (s *Store) carryGradings(ctx context.Context, tx *sql.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO grading_history
		(grading_id, grid_id, expert, choices, comments, feedback, status,
		 needs_regrade, updated_at, submitted_at, archived_at, cause)
		SELECT id, grid_id, expert, choices, comments, feedback, status,
		 needs_regrade, updated_at, submitted_at, ?, 'grid.version'
		FROM gradings WHERE grid_id = ?`, formatTime(s.now()), from)
	if err != nil {
		return fmt.Errorf("carry gradings over: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE gradings SET grid_id = ? WHERE grid_id = ?`, to, from)
	if err != nil {
		return fmt.Errorf("carry gradings over: %w", err)
	}
	return nil
}

// freezeGrid marks a grid version as used by a grading. The grading code
// calls it in the transaction that saves a grading's first row. A draft is
// never frozen: the error then wraps ErrGridDraft.
func freezeGrid(ctx context.Context, tx *sql.Tx, gridID int64) error {
	var draft bool
	err := tx.QueryRowContext(ctx, `SELECT draft FROM grids WHERE id = ?`, gridID).Scan(&draft)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("freeze grid %d: %w", gridID, ErrNoGrid)
	case err != nil:
		return fmt.Errorf("freeze grid: %w", err)
	case draft:
		return fmt.Errorf("freeze grid %d: %w", gridID, ErrGridDraft)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE grids SET frozen = 1 WHERE id = ?`,
		gridID); err != nil {
		return fmt.Errorf("freeze grid: %w", err)
	}
	return nil
}

// MarkGridUsed freezes a grid version: from now on saving the grid creates
// a new version. Recording a grading does it too; this is for gradings
// brought in by other means.
func (s *Store) MarkGridUsed(ctx context.Context, gridID int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("freeze grid: %w", err)
	}
	defer tx.Rollback()

	info, err := gridInfo(ctx, tx, gridID)
	if err != nil {
		return err
	}
	if info.Frozen {
		return nil
	}
	if err := freezeGrid(ctx, tx, gridID); err != nil {
		return err
	}
	a := gridAudit{Version: info.Version, Fingerprint: info.Fingerprint}
	if err := s.gridEvent(ctx, tx, info.Credential, "grid.freeze", nil, &a, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// gridEvent appends a grid's audit event.
func (s *Store) gridEvent(ctx context.Context, tx *sql.Tx, code, action string,
	before, after *gridAudit, reason string) error {
	e := Event{Action: action, Entity: gridEntity(code), Reason: reason}
	if before != nil {
		e.Before = JSON(before)
	}
	if after != nil {
		e.After = JSON(after)
	}
	_, err := s.appendEvent(ctx, tx, e)
	return err
}

// setGridRef makes the credential's assessment rules refer to version v of
// its grid, so that its completeness check sees the grid. A draft is not
// referred to: a reference to its version, left by an earlier valid save,
// is removed, so that the check still finds the grid missing.
func (s *Store) setGridRef(ctx context.Context, tx *sql.Tx, cred *jury.Credential,
	v GridVersion) error {
	ref := &cred.MCC.Criteria
	switch {
	case !v.Draft:
		ref.Fingerprint, ref.Version = v.Fingerprint, strconv.Itoa(v.Version)
	case ref.Version == strconv.Itoa(v.Version):
		ref.Fingerprint, ref.Version = "", ""
	default:
		return nil // the draft leaves the reference as it is
	}
	_, err := tx.ExecContext(ctx, `UPDATE credentials SET data = ?, updated_at = ?
		WHERE code = ?`, string(JSON(cred)), formatTime(s.now()), cred.Code)
	if err != nil {
		return fmt.Errorf("refer credential to grid: %w", err)
	}
	return nil
}

// storedGrid is a grid version read back with its description.
type storedGrid struct {
	info GridVersion
	grid *rubric.Grid
}

// gridColumns are the columns read for a GridVersion, in scanGrid's order.
const gridColumns = `g.id, c.code, g.version, g.fingerprint, g.data, g.created_at,
	(SELECT COUNT(*) FROM gradings r WHERE r.grid_id = g.id),
	g.frozen, g.draft`

type gridScanner interface{ Scan(dest ...any) error }

// scanGrid reads one row of gridColumns.
func scanGrid(row gridScanner) (storedGrid, error) {
	var sg storedGrid
	var data, created string
	var frozen bool
	err := row.Scan(&sg.info.ID, &sg.info.Credential, &sg.info.Version,
		&sg.info.Fingerprint, &data, &created, &sg.info.Gradings, &frozen, &sg.info.Draft)
	if errors.Is(err, sql.ErrNoRows) {
		return sg, ErrNoGrid
	}
	if err != nil {
		return sg, fmt.Errorf("read grid: %w", err)
	}
	sg.info.Frozen = frozen || sg.info.Gradings > 0
	if sg.info.CreatedAt, err = parseTime(created); err != nil {
		return sg, fmt.Errorf("read grid %d: %w", sg.info.ID, err)
	}
	if sg.grid, err = rubric.ParseJSONDraft([]byte(data)); err != nil {
		return sg, fmt.Errorf("read grid %d: %w", sg.info.ID, err)
	}
	return sg, nil
}

type gridQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// currentGrid reads the latest version of a credential's grid.
func currentGrid(ctx context.Context, q gridQuerier, credID int64) (storedGrid, error) {
	return scanGrid(q.QueryRowContext(ctx, `SELECT `+gridColumns+`
		FROM grids g JOIN credentials c ON c.id = g.credential_id
		WHERE g.credential_id = ? ORDER BY g.version DESC LIMIT 1`, credID))
}

// gridByID reads one grid version.
func gridByID(ctx context.Context, q gridQuerier, id int64) (storedGrid, error) {
	return scanGrid(q.QueryRowContext(ctx, `SELECT `+gridColumns+`
		FROM grids g JOIN credentials c ON c.id = g.credential_id
		WHERE g.id = ?`, id))
}

// gridInfo describes one grid version.
func gridInfo(ctx context.Context, q gridQuerier, id int64) (GridVersion, error) {
	sg, err := gridByID(ctx, q, id)
	if errors.Is(err, ErrNoGrid) {
		return GridVersion{}, fmt.Errorf("read grid %d: %w", id, ErrNoGrid)
	}
	return sg.info, err
}

// Grid returns the current version of the grid of the credential of the
// given code, or an error wrapping ErrNoGrid or ErrNoCredential.
func (s *Store) Grid(ctx context.Context, code string) (*rubric.Grid, GridVersion, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, GridVersion{}, fmt.Errorf("read grid: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, code)
	if err != nil {
		return nil, GridVersion{}, err
	}
	sg, err := currentGrid(ctx, tx, credID)
	if errors.Is(err, ErrNoGrid) {
		return nil, GridVersion{}, fmt.Errorf("read grid of %s: %w", code, ErrNoGrid)
	} else if err != nil {
		return nil, GridVersion{}, err
	}
	if err := sg.fillProblems(ctx, tx, nil); err != nil {
		return nil, GridVersion{}, err
	}
	return sg.grid, sg.info, nil
}

// fillProblems lists why a draft does not validate against the
// competencies of its credential, read unless cred is given.
func (sg *storedGrid) fillProblems(ctx context.Context, tx *sql.Tx,
	cred *jury.Credential) error {
	if !sg.info.Draft {
		return nil
	}
	if cred == nil {
		var err error
		if cred, err = findCredential(ctx, tx, sg.info.Credential); err != nil {
			return err
		}
	}
	sg.info.Problems = problemSentences(sg.grid.Validate(competencyCodes(cred)))
	return nil
}

// GridByID returns one grid version by its id, as gradings refer to it.
func (s *Store) GridByID(ctx context.Context, id int64) (*rubric.Grid, GridVersion, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, GridVersion{}, fmt.Errorf("read grid: %w", err)
	}
	defer tx.Rollback()

	sg, err := gridByID(ctx, tx, id)
	if errors.Is(err, ErrNoGrid) {
		return nil, GridVersion{}, fmt.Errorf("read grid %d: %w", id, ErrNoGrid)
	} else if err != nil {
		return nil, GridVersion{}, err
	}
	if err := sg.fillProblems(ctx, tx, nil); err != nil {
		return nil, GridVersion{}, err
	}
	return sg.grid, sg.info, nil
}

// GridVersions lists every version of a credential's grid, the first
// first; an empty list when it has none.
func (s *Store) GridVersions(ctx context.Context, code string) ([]GridVersion, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list grid versions: %w", err)
	}
	defer tx.Rollback()

	cred, err := findCredential(ctx, tx, code)
	if errors.Is(err, ErrNoCredential) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+gridColumns+`
		FROM grids g JOIN credentials c ON c.id = g.credential_id
		WHERE c.code = ? ORDER BY g.version`, code)
	if err != nil {
		return nil, fmt.Errorf("list grid versions: %w", err)
	}
	defer rows.Close()

	var out []GridVersion
	for rows.Next() {
		sg, err := scanGrid(rows)
		if err != nil {
			return nil, err
		}
		if err := sg.fillProblems(ctx, tx, cred); err != nil {
			return nil, err
		}
		out = append(out, sg.info)
	}
	return out, rows.Err()
}

// CopyGridFrom saves the current grid of credential from as the grid of
// credential to, as a template to edit afterwards. opt applies as in
// SaveGrid when to's grid is frozen.
func (s *Store) CopyGridFrom(ctx context.Context, from, to string,
	opt GridSave) (GridVersion, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return GridVersion{}, fmt.Errorf("copy grid: %w", err)
	}
	defer tx.Rollback()

	fromID, err := findCredentialID(ctx, tx, from)
	if err != nil {
		return GridVersion{}, err
	}
	src, err := currentGrid(ctx, tx, fromID)
	if errors.Is(err, ErrNoGrid) {
		return GridVersion{}, fmt.Errorf("copy grid of %s: %w", from, ErrNoGrid)
	} else if err != nil {
		return GridVersion{}, err
	}
	if opt.Reason == "" {
		opt.Reason = "copy of grid/" + from
	}
	v, err := s.saveGrid(ctx, tx, to, src.grid, opt)
	if err != nil {
		return GridVersion{}, err
	}
	if err := tx.Commit(); err != nil {
		return GridVersion{}, fmt.Errorf("copy grid: %w", err)
	}
	return v, nil
}
