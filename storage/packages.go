package storage

import (
	"bytes"
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"certeval/grading"
	"certeval/jury"
	"certeval/parcel"
	"certeval/rubric"
	"certeval/seal"
)

// Grading packages (package parcel) carry work between the jury
// president's workspace and the experts' ones.
//
// Trust. A workspace accepts a package only from a key it knows, kept in
// package_keys:
//
//   - results: the expert's certificate must have been registered by the
//     jury president (RegisterKey with RoleExpert), and the package must
//     be signed by the very expert it names. There is no trust on first
//     use for results: a grade never comes from an unknown key.
//   - assignments: the president's certificate is trusted if registered
//     (RolePresident); otherwise the first assignment imported for a
//     credential records its signer's key as that credential's president
//     ("first-use", shown by PackageKeys and in the audit trail), and
//     later assignments for the credential must come from that key.
//
// An import is one transaction: a package refused for any reason writes
// nothing. Differing gradings are never written over: they are kept as
// conflicts for the jury president to resolve.

// Errors about packages. Refusals wrap parcel's sentinels, so that
// parcel.Explain gives the user's sentence.
var (
	// ErrUnknownSubmission is returned when results name a submission the
	// workspace does not hold.
	ErrUnknownSubmission = fmt.Errorf("storage: package names an unknown submission: %w",
		parcel.ErrMalformed)
	// ErrNothingToExport is returned when no submission is allotted to
	// the expert, or the expert has no grading, in the credential.
	ErrNothingToExport = errors.New("storage: nothing to export")
	// ErrNoConflict is returned when a conflict id names none still open.
	ErrNoConflict = errors.New("storage: no such open conflict")
)

// Roles of the keys a workspace knows.
const (
	RoleExpert    = "expert"
	RolePresident = "president"
)

// Origins of a known key.
const (
	OriginRegistered = "registered"
	OriginFirstUse   = "first-use"
)

// PackageKey is a key whose packages the workspace accepts.
type PackageKey struct {
	KeyID      string
	Credential string // "" for every credential
	Role       string // RoleExpert or RolePresident
	Name       string // the certificate's common name
	Origin     string // OriginRegistered or OriginFirstUse
	AddedAt    time.Time
	Cert       *x509.Certificate
}

// ImportReport says what importing a package did.
type ImportReport struct {
	Kind       parcel.Kind
	Credential string
	Expert     string
	Merged     int  // gradings added, or submissions allotted (assignment)
	Unchanged  int  // gradings or submissions already held
	Conflicts  int  // incoming gradings kept apart as conflicts
	FirstUse   bool // the president's key was trusted on first use
}

// Conflict is an imported grading that differs from the one held for the
// same submission and expert.
type Conflict struct {
	ID            int64
	Submission    int64
	SubmissionKey string
	Expert        string
	Held          grading.Grading
	Incoming      grading.Grading
	PackageID     string
	CreatedAt     time.Time
	Resolution    string // "", "held" or "incoming"
}

// identitySigner adapts a seal identity to parcel.Signer.
type identitySigner struct{ id *seal.Identity }

func (s identitySigner) Sign(data []byte) ([]byte, error) { return seal.Sign(s.id, data) }
func (s identitySigner) Certificate() *x509.Certificate   { return s.id.Certificate }

// RegisterKey records cert as a key whose packages the workspace accepts
// in role, for one credential or every one (""). It is recorded in the
// audit trail ("package.key").
func (s *Store) RegisterKey(ctx context.Context, cert *x509.Certificate, role,
	credential string) error {
	if role != RoleExpert && role != RolePresident {
		return fmt.Errorf("register key: unknown role %q", role)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("register key: %w", err)
	}
	defer tx.Rollback()

	if err := s.addKey(ctx, tx, cert, role, credential, OriginRegistered); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) addKey(ctx context.Context, tx *sql.Tx, cert *x509.Certificate, role,
	credential, origin string) error {
	id := seal.KeyID(cert)
	p := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	res, err := tx.ExecContext(ctx, `INSERT INTO package_keys (key_id, credential, role,
		name, cert, origin, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		id, credential, role, cert.Subject.CommonName, string(p), origin,
		formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("register key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "package.key", Entity: "key/" + id,
		After: JSON(map[string]string{"role": role, "credential": credential,
			"name": cert.Subject.CommonName, "origin": origin})})
	return err
}

// PackageKeys lists the keys the workspace accepts packages from.
func (s *Store) PackageKeys(ctx context.Context) ([]PackageKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, credential, role, name, cert,
		origin, added_at FROM package_keys ORDER BY role, name, key_id`)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []PackageKey
	for rows.Next() {
		var k PackageKey
		var p, at string
		err := rows.Scan(&k.KeyID, &k.Credential, &k.Role, &k.Name, &p, &k.Origin, &at)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		k.AddedAt, _ = parseTime(at)
		if b, _ := pem.Decode([]byte(p)); b != nil {
			k.Cert, _ = x509.ParseCertificate(b.Bytes)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// knownKey reports whether the key of id is known in role for credential.
func knownKey(ctx context.Context, tx *sql.Tx, id, role, credential string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM package_keys
		WHERE key_id = ? AND role = ? AND credential IN ('', ?)`, id, role, credential).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check key: %w", err)
	}
	return n > 0, nil
}

// ImportPackage checks and merges one package file, of either kind, in
// one transaction; see the trust rules above. A refused package writes
// nothing and the error wraps one of parcel's sentinels.
func (s *Store) ImportPackage(ctx context.Context, data []byte) (ImportReport, error) {
	p, err := parcel.Read(data, seal.Verify, func(*x509.Certificate) error { return nil })
	if err != nil {
		return ImportReport{}, fmt.Errorf("import package: %w", err)
	}
	grid, err := packageGrid(p)
	if err != nil {
		return ImportReport{}, err
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import package: %w", err)
	}
	defer tx.Rollback()

	rep := ImportReport{Kind: p.Kind, Credential: p.Credential, Expert: p.Expert}
	last, err := seenOf(ctx, tx, p)
	if err != nil {
		return rep, err
	}
	if err := parcel.CheckSequence(last, p); err != nil {
		return rep, fmt.Errorf("import package: %w", err)
	}
	if p.Kind == parcel.Results {
		err = s.importResults(ctx, tx, p, &rep)
	} else {
		err = s.importAssignment(ctx, tx, p, grid, &rep)
	}
	if err != nil {
		return rep, err
	}
	if last == p.Seen() {
		return rep, nil // the very package again: nothing to write
	}
	if err := s.recordImport(ctx, tx, p, rep); err != nil {
		return rep, err
	}
	return rep, tx.Commit()
}

// packageGrid parses the grid a package carries and checks that it is the
// one the manifest names.
func packageGrid(p *parcel.Package) (*rubric.Grid, error) {
	g, err := rubric.ParseJSON(p.Grid)
	if err != nil {
		return nil, fmt.Errorf("import package: grid: %w: %w", parcel.ErrMalformed, err)
	}
	if g.Fingerprint() != p.GridFingerprint {
		return nil, fmt.Errorf("import package: grid fingerprint: %w", parcel.ErrOtherGrid)
	}
	return g, nil
}

// seenOf reads what was last imported of p's kind, expert and credential.
func seenOf(ctx context.Context, tx *sql.Tx, p *parcel.Package) (parcel.Seen, error) {
	var s parcel.Seen
	err := tx.QueryRowContext(ctx, `SELECT package_id, sequence, digest FROM packages_seen
		WHERE credential = ? AND expert = ? AND kind = ?`,
		p.Credential, p.Expert, string(p.Kind)).Scan(&s.ID, &s.Sequence, &s.Digest)
	if errors.Is(err, sql.ErrNoRows) {
		return parcel.Seen{}, nil
	}
	if err != nil {
		return s, fmt.Errorf("read imported packages: %w", err)
	}
	return s, nil
}

// recordImport keeps p as the last package seen and records the import.
func (s *Store) recordImport(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	rep ImportReport) error {
	seen := p.Seen()
	_, err := tx.ExecContext(ctx, `INSERT INTO packages_seen (credential, expert, kind,
		package_id, sequence, digest, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (credential, expert, kind) DO UPDATE SET package_id = excluded.package_id,
		sequence = excluded.sequence, digest = excluded.digest,
		imported_at = excluded.imported_at`, p.Credential, p.Expert, string(p.Kind),
		seen.ID, seen.Sequence, seen.Digest, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("record imported package: %w", err)
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "package.import",
		Entity: credentialEntity(p.Credential),
		After: JSON(map[string]any{"kind": p.Kind, "id": p.ID, "sequence": p.Sequence,
			"expert": p.Expert, "signer": seal.KeyID(p.Signer), "merged": rep.Merged,
			"unchanged": rep.Unchanged, "conflicts": rep.Conflicts})})
	return err
}

// importResults merges an expert's gradings.
func (s *Store) importResults(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	rep *ImportReport) error {
	if seal.KeyID(p.Signer) != p.Expert {
		return fmt.Errorf("import package: signed by another key than the expert's: %w",
			parcel.ErrUntrusted)
	}
	ok, err := knownKey(ctx, tx, p.Expert, RoleExpert, p.Credential)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("import package: expert key %s not registered: %w", p.Expert,
			parcel.ErrUntrusted)
	}
	credID, err := findCredentialID(ctx, tx, p.Credential)
	if errors.Is(err, ErrNoCredential) {
		return fmt.Errorf("import package: %w: %w", parcel.ErrOtherCredential, err)
	} else if err != nil {
		return err
	}
	var gridID int64
	var frozen bool
	err = tx.QueryRowContext(ctx, `SELECT id, frozen FROM grids
		WHERE credential_id = ? AND fingerprint = ?`, credID, p.GridFingerprint).
		Scan(&gridID, &frozen)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("import package: %w", parcel.ErrOtherGrid)
	} else if err != nil {
		return fmt.Errorf("import package: %w", err)
	}
	return s.mergeGradings(ctx, tx, p, credID, gridID, frozen, rep)
}

// mergeGradings applies parcel.Merge to the gradings held and incoming.
func (s *Store) mergeGradings(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	credID, gridID int64, frozen bool, rep *ImportReport) error {
	subs, err := submissionsByKey(ctx, tx, credID)
	if err != nil {
		return err
	}
	for _, g := range p.Gradings {
		if _, ok := subs[g.Submission]; !ok {
			return fmt.Errorf("import package: submission %q: %w", g.Submission,
				ErrUnknownSubmission)
		}
	}
	held, err := heldGradings(ctx, tx, credID, p.Expert)
	if err != nil {
		return err
	}
	add, same, conflicts := parcel.Merge(held, p.Gradings)
	rep.Unchanged = same
	for _, g := range add {
		if err := insertImported(ctx, tx, subs[g.Submission], gridID, g); err != nil {
			return err
		}
		rep.Merged++
	}
	for _, c := range conflicts {
		if err := s.insertConflict(ctx, tx, subs[c.Incoming.Submission], c, p.ID); err != nil {
			return err
		}
		rep.Conflicts++
	}
	if len(add) > 0 && !frozen {
		return s.freezeUsedGrid(ctx, tx, gridID)
	}
	return nil
}

// submissionsByKey maps the submission keys of a credential to row ids.
func submissionsByKey(ctx context.Context, tx *sql.Tx, credID int64) (map[string]int64,
	error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, c.anon_code, s.sitting FROM submissions s
		JOIN candidates c ON c.id = s.candidate_id WHERE c.credential_id = ?`, credID)
	if err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int64)
	for rows.Next() {
		var id int64
		var code string
		var sitting int
		if err := rows.Scan(&id, &code, &sitting); err != nil {
			return nil, fmt.Errorf("list submissions: %w", err)
		}
		out[SubmissionKey(code, sitting)] = id
	}
	return out, rows.Err()
}

// heldGradings reads the gradings of one expert in a credential.
func heldGradings(ctx context.Context, tx *sql.Tx, credID int64,
	expert string) ([]grading.Grading, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.anon_code, s.sitting, gr.fingerprint,
			g.choices, g.comments, g.feedback, g.status, g.updated_at, g.submitted_at,
			g.revision
		FROM gradings g JOIN grids gr ON gr.id = g.grid_id
		JOIN submissions s ON s.id = g.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		WHERE c.credential_id = ? AND g.expert = ? ORDER BY g.id`, credID, expert)
	if err != nil {
		return nil, fmt.Errorf("read gradings: %w", err)
	}
	defer rows.Close()
	var out []grading.Grading
	for rows.Next() {
		g := grading.Grading{Expert: expert}
		var code, cs, cm, upd, sub string
		var sitting, status int
		err := rows.Scan(&code, &sitting, &g.GridFingerprint, &cs, &cm, &g.Feedback,
			&status, &upd, &sub, &g.Revision)
		if err != nil {
			return nil, fmt.Errorf("read gradings: %w", err)
		}
		g.Submission, g.Status = SubmissionKey(code, sitting), grading.Status(status)
		if err := decodeGrading(&g, cs, cm, upd, sub); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// insertImported writes a grading that came in a package.
func insertImported(ctx context.Context, tx *sql.Tx, sub, gridID int64,
	g grading.Grading) error {
	submitted := ""
	if !g.SubmittedAt.IsZero() {
		submitted = formatTime(g.SubmittedAt)
	}
	comments := g.Comments
	if comments == nil {
		comments = map[string]string{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO gradings (submission_id, grid_id, expert,
		choices, comments, feedback, status, updated_at, submitted_at, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sub, gridID, g.Expert,
		string(JSON(g.Choices)), string(JSON(comments)), g.Feedback, int(g.Status),
		formatTime(g.UpdatedAt), submitted, g.Revision)
	if err != nil {
		return fmt.Errorf("merge grading: %w", err)
	}
	_, err = allot(ctx, tx, sub, g.Expert, g.UpdatedAt)
	return err
}

// insertConflict keeps an incoming grading apart from the one held; the
// same conflict imported again is kept once.
func (s *Store) insertConflict(ctx context.Context, tx *sql.Tx, sub int64, c parcel.Conflict,
	pkg string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO grading_conflicts (submission_id, expert,
		held, incoming, package_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, sub, c.Incoming.Expert, string(JSON(c.Held)),
		string(JSON(c.Incoming)), pkg, formatTime(s.now()))
	if err != nil {
		return fmt.Errorf("keep conflict: %w", err)
	}
	return nil
}

// importAssignment brings an assignment into the expert's workspace: the
// credential, the grid version and the submissions allotted.
func (s *Store) importAssignment(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	grid *rubric.Grid, rep *ImportReport) error {
	first, err := s.trustPresident(ctx, tx, p)
	if err != nil {
		return err
	}
	rep.FirstUse = first
	credID, err := s.ensureCredential(ctx, tx, p, grid)
	if err != nil {
		return err
	}
	if err := ensureGrid(ctx, tx, credID, p, grid, s.now()); err != nil {
		return err
	}
	for _, sub := range p.Submissions {
		n, err := s.ensureAllotted(ctx, tx, credID, p, sub)
		if err != nil {
			return err
		}
		if n > 0 {
			rep.Merged++
		} else {
			rep.Unchanged++
		}
	}
	return nil
}

// trustPresident accepts the signer of an assignment: a registered
// president's key, or the first key seen for the credential.
func (s *Store) trustPresident(ctx context.Context, tx *sql.Tx, p *parcel.Package) (bool,
	error) {
	id := seal.KeyID(p.Signer)
	ok, err := knownKey(ctx, tx, id, RolePresident, p.Credential)
	if err != nil || ok {
		return false, err
	}
	var n int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM package_keys
		WHERE role = ? AND credential = ?`, RolePresident, p.Credential).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check key: %w", err)
	}
	if n > 0 {
		return false, fmt.Errorf("import package: president key %s differs from the one "+
			"first seen: %w", id, parcel.ErrUntrusted)
	}
	return true, s.addKey(ctx, tx, p.Signer, RolePresident, p.Credential, OriginFirstUse)
}

// ensureCredential finds the package's credential, creating it from the
// grid when the workspace does not hold it.
func (s *Store) ensureCredential(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	grid *rubric.Grid) (int64, error) {
	id, err := findCredentialID(ctx, tx, p.Credential)
	if !errors.Is(err, ErrNoCredential) {
		return id, err
	}
	title := strings.TrimSpace(grid.Title)
	if title == "" {
		title = p.Credential
	}
	c := jury.Credential{Code: p.Credential, Title: title, BlindGrading: p.Blind}
	now := formatTime(s.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO credentials (code, title, data, created_at,
		updated_at) VALUES (?, ?, ?, ?, ?)`, c.Code, c.Title, string(JSON(c)), now, now)
	if err != nil {
		return 0, fmt.Errorf("create credential: %w", err)
	}
	return res.LastInsertId()
}

// ensureGrid stores the package's grid as a version of the credential's
// grid unless a version with its fingerprint is held.
func ensureGrid(ctx context.Context, tx *sql.Tx, credID int64, p *parcel.Package,
	grid *rubric.Grid, at time.Time) error {
	var have, version int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE fingerprint = ?),
		COALESCE(MAX(version), 0) FROM grids WHERE credential_id = ?`,
		p.GridFingerprint, credID).Scan(&have, &version)
	if err != nil || have > 0 {
		return err
	}
	data, err := grid.JSON()
	if err != nil {
		return fmt.Errorf("store grid: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO grids (credential_id, version, fingerprint,
		data, frozen, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
		credID, max(version+1, grid.Version), p.GridFingerprint, string(data), formatTime(at))
	if err != nil {
		return fmt.Errorf("store grid: %w", err)
	}
	return nil
}

// ensureAllotted creates the candidate, submission and files of one
// submission of an assignment and allots it; it returns 1 when the
// allotment is new.
func (s *Store) ensureAllotted(ctx context.Context, tx *sql.Tx, credID int64,
	p *parcel.Package, sub parcel.Submission) (int64, error) {
	code, sitting, ok := parseSubmissionKey(sub.Key)
	if !ok || code != sub.Code {
		return 0, fmt.Errorf("import package: submission key %q: %w", sub.Key,
			parcel.ErrMalformed)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO candidates (credential_id, ext_id,
		family_name, given_names, anon_code) VALUES (?, ?, ?, '', ?) ON CONFLICT DO NOTHING`,
		credID, code, sub.Name, code)
	if err != nil {
		return 0, fmt.Errorf("import candidate: %w", err)
	}
	var candID int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM candidates WHERE credential_id = ?
		AND anon_code = ?`, credID, code).Scan(&candID)
	if err != nil {
		return 0, fmt.Errorf("import candidate: %w", err)
	}
	subID, err := ensureSubmission(ctx, tx, candID, sitting)
	if err != nil {
		return 0, err
	}
	for _, f := range sub.Files {
		_, err := tx.ExecContext(ctx, `INSERT INTO submission_files (submission_id, name,
			sha256, size, submitted_at) SELECT ?, ?, ?, 0, ? WHERE NOT EXISTS
			(SELECT 1 FROM submission_files WHERE submission_id = ? AND name = ?
			 AND sha256 = ?)`, subID, f.Name, f.SHA256, formatTime(p.Created),
			subID, f.Name, f.SHA256)
		if err != nil {
			return 0, fmt.Errorf("import submission file: %w", err)
		}
	}
	return allot(ctx, tx, subID, p.Expert, s.now())
}

// nextSequence draws the sequence number of the next package written.
func nextSequence(ctx context.Context, tx *sql.Tx, credential, expert string,
	kind parcel.Kind) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO packages_sent (credential, expert, kind,
		sequence) VALUES (?, ?, ?, 1) ON CONFLICT (credential, expert, kind)
		DO UPDATE SET sequence = sequence + 1 RETURNING sequence`,
		credential, expert, string(kind)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("number package: %w", err)
	}
	return n, nil
}

// ExportAssignment writes the signed assignment package of the
// submissions of a credential allotted to one expert, signed by the jury
// president. Names travel only when grading is not blind; whether an
// accommodation applies travels, never what it is.
func (s *Store) ExportAssignment(ctx context.Context, credential, expert string,
	president *seal.Identity) ([]byte, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("export assignment: %w", err)
	}
	defer tx.Rollback()

	credID, cred, err := credentialOf(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	sg, err := currentGrid(ctx, tx, credID)
	if err != nil {
		return nil, fmt.Errorf("export assignment: %w", err)
	}
	subs, err := allottedSubmissions(ctx, tx, credID, expert, !cred.BlindGrading)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, fmt.Errorf("export assignment for %s: %w", expert, ErrNothingToExport)
	}
	p := &parcel.Package{Kind: parcel.Assignment, Credential: credential, Expert: expert,
		Blind: cred.BlindGrading, Submissions: subs}
	return s.writePackage(ctx, tx, p, sg.grid, president)
}

// writePackage numbers, signs and writes p with grid, records the export
// and commits tx.
func (s *Store) writePackage(ctx context.Context, tx *sql.Tx, p *parcel.Package,
	grid *rubric.Grid, id *seal.Identity) ([]byte, error) {
	var err error
	if p.Grid, err = grid.JSON(); err != nil {
		return nil, fmt.Errorf("export package: %w", err)
	}
	p.GridFingerprint = grid.Fingerprint()
	p.Created = s.now().Truncate(time.Second)
	if p.Sequence, err = nextSequence(ctx, tx, p.Credential, p.Expert, p.Kind); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := parcel.Write(&buf, p, identitySigner{id}); err != nil {
		return nil, fmt.Errorf("export package: %w", err)
	}
	_, err = s.appendEvent(ctx, tx, Event{Action: "package.export",
		Entity: credentialEntity(p.Credential),
		After: JSON(map[string]any{"kind": p.Kind, "id": p.ID, "sequence": p.Sequence,
			"expert": p.Expert, "count": len(p.Submissions) + len(p.Gradings)})})
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("export package: %w", err)
	}
	return buf.Bytes(), nil
}

// allottedSubmissions lists the submissions of a credential allotted to
// an expert as an assignment carries them.
func allottedSubmissions(ctx context.Context, tx *sql.Tx, credID int64, expert string,
	named bool) ([]parcel.Submission, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, c.anon_code, s.sitting,
			TRIM(c.family_name || ' ' || c.given_names),
			EXISTS (SELECT 1 FROM accommodations m WHERE m.candidate_id = c.id)
		FROM allotments a JOIN submissions s ON s.id = a.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		WHERE c.credential_id = ? AND a.expert = ? ORDER BY c.anon_code, s.sitting`,
		credID, expert)
	if err != nil {
		return nil, fmt.Errorf("list allotted submissions: %w", err)
	}
	var out []parcel.Submission
	var ids []int64
	for rows.Next() {
		var sub parcel.Submission
		var id int64
		var sitting int
		var name string
		if err := rows.Scan(&id, &sub.Code, &sitting, &name, &sub.Accommodation); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list allotted submissions: %w", err)
		}
		sub.Key = SubmissionKey(sub.Code, sitting)
		if named {
			sub.Name = name
		}
		out, ids = append(out, sub), append(ids, id)
	}
	rows.Close()
	for i, id := range ids {
		files, err := submissionFiles(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out[i].Files = []parcel.File{}
		for _, f := range files {
			out[i].Files = append(out[i].Files, parcel.File{Name: f.Name, SHA256: f.SHA256})
		}
	}
	return out, rows.Err()
}

// ExportResults writes the signed results package of the expert whose
// identity signs it: every grading of theirs in the credential. The
// gradings must all use one grid version.
func (s *Store) ExportResults(ctx context.Context, credential string,
	expert *seal.Identity) ([]byte, error) {
	key := seal.KeyID(expert.Certificate)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("export results: %w", err)
	}
	defer tx.Rollback()

	credID, err := findCredentialID(ctx, tx, credential)
	if err != nil {
		return nil, err
	}
	gs, err := heldGradings(ctx, tx, credID, key)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, fmt.Errorf("export results of %s: %w", key, ErrNothingToExport)
	}
	var gridID int64
	var data string
	err = tx.QueryRowContext(ctx, `SELECT id, data FROM grids WHERE credential_id = ?
		AND fingerprint = ?`, credID, gs[0].GridFingerprint).Scan(&gridID, &data)
	if err != nil {
		return nil, fmt.Errorf("export results: %w", err)
	}
	grid, err := parsedGrid(gs[0].GridFingerprint, data)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if g.GridFingerprint != gs[0].GridFingerprint {
			return nil, fmt.Errorf("export results: %w", grading.ErrGridMismatch)
		}
	}
	p := &parcel.Package{Kind: parcel.Results, Credential: credential, Expert: key,
		Gradings: gs}
	return s.writePackage(ctx, tx, p, grid, expert)
}

// Conflicts lists the conflicts of a credential kept by imports, the open
// ones only unless all is set.
func (s *Store) Conflicts(ctx context.Context, credential string, all bool) ([]Conflict,
	error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.submission_id, c.anon_code,
			s.sitting, f.expert, f.held, f.incoming, f.package_id, f.created_at, f.resolution
		FROM grading_conflicts f JOIN submissions s ON s.id = f.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		JOIN credentials k ON k.id = c.credential_id
		WHERE k.code = ? AND (? OR f.resolution = '') ORDER BY f.id`, credential, all)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var code, held, in, at string
		var sitting int
		err := rows.Scan(&c.ID, &c.Submission, &code, &sitting, &c.Expert, &held, &in,
			&c.PackageID, &at, &c.Resolution)
		if err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		c.SubmissionKey = SubmissionKey(code, sitting)
		c.CreatedAt, _ = parseTime(at)
		if json.Unmarshal([]byte(held), &c.Held) != nil ||
			json.Unmarshal([]byte(in), &c.Incoming) != nil {
			return nil, fmt.Errorf("list conflicts: unreadable conflict %d", c.ID)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResolveConflict keeps one side of a conflict: the incoming grading
// replaces the held one when keepIncoming is set. The reason is required
// and the choice recorded in the audit trail ("grading.conflict").
func (s *Store) ResolveConflict(ctx context.Context, id int64, keepIncoming bool,
	reason string) error {
	if blankText(reason) {
		return fmt.Errorf("resolve conflict: %w", ErrReasonRequired)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("resolve conflict: %w", err)
	}
	defer tx.Rollback()

	var sub int64
	var expert, in string
	err = tx.QueryRowContext(ctx, `SELECT submission_id, expert, incoming
		FROM grading_conflicts WHERE id = ? AND resolution = ''`, id).Scan(&sub, &expert, &in)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("resolve conflict %d: %w", id, ErrNoConflict)
	} else if err != nil {
		return fmt.Errorf("resolve conflict: %w", err)
	}
	credential, candidate, err := submissionOwner(ctx, tx, sub)
	if err != nil {
		return err
	}
	kept := "held"
	var before, after *gradingState
	if keepIncoming {
		kept = "incoming"
		if before, after, err = s.replaceGrading(ctx, tx, GradingKey{sub, expert}, in); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE grading_conflicts SET resolution = ?,
		resolved_at = ? WHERE id = ?`, kept, formatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("resolve conflict: %w", err)
	}
	e := Event{Action: "grading.conflict", Entity: gradingEntity(credential, candidate, expert),
		Reason: reason}
	if before != nil {
		e.Before, e.After = JSON(before), JSON(after)
	}
	if _, err := s.appendEvent(ctx, tx, e); err != nil {
		return err
	}
	return tx.Commit()
}

// replaceGrading writes the incoming grading (JSON) over the held one.
func (s *Store) replaceGrading(ctx context.Context, tx *sql.Tx, key GradingKey,
	in string) (*gradingState, *gradingState, error) {
	var g grading.Grading
	if err := json.Unmarshal([]byte(in), &g); err != nil {
		return nil, nil, fmt.Errorf("resolve conflict: %w", err)
	}
	r, err := findGrading(ctx, tx, key)
	if err != nil {
		return nil, nil, err
	}
	before := stateOf(r.g)
	if g.GridFingerprint != r.g.GridFingerprint {
		return nil, nil, fmt.Errorf("resolve conflict: %w", grading.ErrGridMismatch)
	}
	submitted := ""
	if !g.SubmittedAt.IsZero() {
		submitted = formatTime(g.SubmittedAt)
	}
	if g.Comments == nil {
		g.Comments = map[string]string{}
	}
	_, err = tx.ExecContext(ctx, `UPDATE gradings SET choices = ?, comments = ?,
		feedback = ?, status = ?, updated_at = ?, submitted_at = ?, revision = ?
		WHERE id = ?`, string(JSON(g.Choices)), string(JSON(g.Comments)), g.Feedback,
		int(g.Status), formatTime(g.UpdatedAt), submitted, g.Revision, r.id)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve conflict: %w", err)
	}
	after := stateOf(g)
	return &before, &after, nil
}
