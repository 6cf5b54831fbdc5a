package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"testing"

	"certeval/jury"
	"certeval/rubric"
	"certeval/storage"
)

// sampleGridFile reads the rubric package's sample grid (credential MC-FHA,
// competencies C1 to C3).
func sampleGridFile(tb testing.TB) *rubric.Grid {
	tb.Helper()
	b, err := os.ReadFile("../rubric/testdata/grille-sae-formation-hybride.json")
	if err != nil {
		tb.Fatal(err)
	}
	g, err := rubric.ParseJSON(b)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// mustGridCredential records a credential with competencies C1 to C3.
func mustGridCredential(tb testing.TB, s *storage.Store, code string) {
	tb.Helper()
	c := &jury.Credential{Code: code, Title: "Formation hybride " + code}
	for _, k := range []string{"C1", "C2", "C3"} {
		c.Competencies = append(c.Competencies, jury.Competency{Code: k, Title: "Compétence " + k})
	}
	if err := s.CreateCredential(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
}

// mustGridGrading inserts a candidate, a submission and a grading under the
// grid version gridID, as the grading code would, and returns the
// grading's id.
func mustGridGrading(tb testing.TB, s *storage.Store, code string, gridID int64,
	ext string) int64 {
	tb.Helper()
	db := s.DB()
	res, err := db.Exec(`INSERT INTO candidates
		(credential_id, ext_id, family_name, given_names, anon_code)
		SELECT id, ?, 'Martin', 'Léa', ? FROM credentials WHERE code = ?`, ext, "A-"+ext, code)
	if err != nil {
		tb.Fatal(err)
	}
	cand, _ := res.LastInsertId()
	res, err = db.Exec(`INSERT INTO submissions (candidate_id) VALUES (?)`, cand)
	if err != nil {
		tb.Fatal(err)
	}
	sub, _ := res.LastInsertId()
	res, err = db.Exec(`INSERT INTO gradings (submission_id, grid_id, expert, choices, updated_at)
		VALUES (?, ?, 'expert', '[2,2,2,2,2,2,-1]', '2025-01-01T00:00:00Z')`, sub, gridID)
	if err != nil {
		tb.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func TestSaveGridVersions(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	g := sampleGridFile(t)

	// The first save creates version 1; saving again edits it in place.
	v1, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	g.Title = "Grille révisée"
	v1b, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	if v1b.ID != v1.ID || v1b.Version != 1 || v1b.Fingerprint == v1.Fingerprint {
		t.Fatalf("in-place save gave %+v after %+v", v1b, v1)
	}

	// Once graded, it is frozen: saving without a choice is refused.
	mustGridGrading(t, s, "MC-FHA", v1.ID, "E1")
	g.Title = "Grille v2"
	if _, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{}); !errors.Is(err,
		storage.ErrGridFrozen) || !errors.Is(err, rubric.ErrFrozen) {
		t.Fatalf("save frozen grid: %v, want ErrGridFrozen", err)
	}
	v2, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{Carry: storage.MarkForRegrade,
		Reason: "typo"})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.ID == v1.ID || v2.Frozen {
		t.Fatalf("new version = %+v", v2)
	}

	// Both versions are kept; the current one is the second.
	vs, err := s.GridVersions(ctx, "MC-FHA")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 1 || !vs[0].Frozen || vs[1].Version != 2 {
		t.Fatalf("versions = %+v", vs)
	}
	cur, info, err := s.Grid(ctx, "MC-FHA")
	if err != nil {
		t.Fatal(err)
	}
	if cur.Title != "Grille v2" || cur.Version != 2 || info.Fingerprint != cur.Fingerprint() {
		t.Fatalf("current grid v%d %q %s", cur.Version, cur.Title, info.Fingerprint)
	}
	old, _, err := s.GridByID(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Title != "Grille révisée" {
		t.Fatalf("version 1 title = %q", old.Title)
	}

	// The credential's assessment rules refer to the current version.
	c, err := s.Credential(ctx, "MC-FHA")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.MCC.Criteria; got.Fingerprint != v2.Fingerprint || got.Version != "2" {
		t.Fatalf("credential grid ref = %+v, want %s v2", got, v2.Fingerprint)
	}
}

func TestSaveGridRefusals(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")

	tests := []struct {
		name string
		code string
		edit func(*rubric.Grid)
		want string
	}{
		{"unknown credential", "NOPE", func(*rubric.Grid) {}, ""},
		{"unknown competency", "MC-FHA", func(g *rubric.Grid) { g.Criteria[0].Competency = "C9" },
			"rubric.problem.competency_unknown"},
		{"one level", "MC-FHA", func(g *rubric.Grid) {
			g.Criteria[1].Levels = g.Criteria[1].Levels[:1]
		}, "rubric.problem.one_level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := sampleGridFile(t)
			tt.edit(g)
			_, err := s.SaveGrid(ctx, tt.code, g, storage.GridSave{})
			var ps rubric.Problems
			switch {
			case tt.want == "" && !errors.Is(err, storage.ErrNoCredential):
				t.Fatalf("err = %v, want ErrNoCredential", err)
			case tt.want != "" && (!errors.As(err, &ps) || ps[0].Code != tt.want):
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}
	if vs, err := s.GridVersions(ctx, "MC-FHA"); err != nil || len(vs) != 0 {
		t.Fatalf("versions after refusals = %v, %v", vs, err)
	}
}

// gridEvent returns the last audit event of action on grid/code.
func lastGridEvent(t *testing.T, s *storage.Store, code, action string) storage.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), "grid/"+code)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == action {
			return evs[i]
		}
	}
	t.Fatalf("no %s event among %d", action, len(evs))
	return storage.Event{}
}

func TestSaveGridCarryOver(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	g := sampleGridFile(t)
	v1, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	grading := mustGridGrading(t, s, "MC-FHA", v1.ID, "E1")

	// Changed points do not carry over: refused, nothing written.
	bad := g.Clone()
	bad.Criteria[0].Levels[3].Points = 4
	_, err = s.SaveGrid(ctx, "MC-FHA", bad, storage.GridSave{Carry: storage.CarryOver})
	var p rubric.Problem
	if !errors.Is(err, storage.ErrGridIncompatible) || !errors.As(err, &p) {
		t.Fatalf("incompatible carry-over: %v", err)
	}

	// A new wording carries over: the grading moves, its past is kept.
	g.Criteria[0].Description = "Analyse de la commande, reformulée."
	v2, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{Carry: storage.CarryOver,
		Reason: "reformulation"})
	if err != nil {
		t.Fatal(err)
	}
	if !v2.Frozen || v2.Gradings != 1 || v2.Version != 2 {
		t.Fatalf("carried-over version = %+v", v2)
	}
	var gridID, history int64
	db := s.DB()
	if err := db.QueryRow(`SELECT grid_id FROM gradings WHERE id = ?`,
		grading).Scan(&gridID); err != nil || gridID != v2.ID {
		t.Fatalf("grading on grid %d (%v), want %d", gridID, err, v2.ID)
	}
	if err := db.QueryRow(`SELECT grid_id FROM grading_history WHERE grading_id = ?`,
		grading).Scan(&history); err != nil || history != v1.ID {
		t.Fatalf("history on grid %d (%v), want %d", history, err, v1.ID)
	}

	// The audit trail tells the choice, the reason and both fingerprints.
	e := lastGridEvent(t, s, "MC-FHA", "grid.version")
	var before, after map[string]any
	json.Unmarshal(e.Before, &before)
	json.Unmarshal(e.After, &after)
	if e.Reason != "reformulation" || before["fingerprint"] != v1.Fingerprint ||
		after["fingerprint"] != v2.Fingerprint || after["carry"] != "carry_over" {
		t.Fatalf("event = %s %s %s", e.Reason, e.Before, e.After)
	}
}

func TestSaveGridRegrade(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	g := sampleGridFile(t)
	v1, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkGridUsed(ctx, v1.ID); err != nil {
		t.Fatal(err)
	}
	grading := mustGridGrading(t, s, "MC-FHA", v1.ID, "E1")

	// Points changed: the grading stays on version 1, to be done again.
	g.Criteria[0].Levels[3].Points = 4
	v2, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{Carry: storage.MarkForRegrade,
		Reason: "barème revu"})
	if err != nil {
		t.Fatal(err)
	}
	var gridID int64
	var regrade bool
	if err := s.DB().QueryRow(`SELECT grid_id, needs_regrade FROM gradings WHERE id = ?`,
		grading).Scan(&gridID, &regrade); err != nil {
		t.Fatal(err)
	}
	if gridID != v1.ID || !regrade {
		t.Fatalf("grading on %d regrade=%v, want on %d flagged", gridID, regrade, v1.ID)
	}
	e := lastGridEvent(t, s, "MC-FHA", "grid.version")
	var after map[string]any
	json.Unmarshal(e.After, &after)
	if e.Reason != "barème revu" || after["fingerprint"] != v2.Fingerprint ||
		after["carry"] != "regrade" || after["gradings"] != 1.0 {
		t.Fatalf("event = %s %s", e.Reason, e.After)
	}
	lastGridEvent(t, s, "MC-FHA", "grid.freeze")
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCopyGridFrom(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	mustGridCredential(t, s, "MC-NEW")
	if _, err := s.CopyGridFrom(ctx, "MC-FHA", "MC-NEW", storage.GridSave{}); !errors.Is(err,
		storage.ErrNoGrid) {
		t.Fatalf("copy of no grid: %v", err)
	}
	if _, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(t), storage.GridSave{}); err != nil {
		t.Fatal(err)
	}
	v, err := s.CopyGridFrom(ctx, "MC-FHA", "MC-NEW", storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := s.Grid(ctx, "MC-NEW")
	if err != nil {
		t.Fatal(err)
	}
	if g.Credential != "MC-NEW" || v.Version != 1 || len(g.Criteria) != 7 {
		t.Fatalf("copied grid %s v%d, %d criteria", g.Credential, v.Version, len(g.Criteria))
	}
}

func TestSaveFrozenGridUnchanged(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	v1, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(t), storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	mustGridGrading(t, s, "MC-FHA", v1.ID, "E1")
	v, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(t), storage.GridSave{})
	if err != nil || v.ID != v1.ID {
		t.Fatalf("saving the same grid gave %+v, %v", v, err)
	}
}

// unlinkedGrid is the sample grid with no criterion tied to a competency,
// as an ORA2 rubric comes in.
func unlinkedGrid(tb testing.TB) *rubric.Grid {
	g := sampleGridFile(tb)
	for i := range g.Criteria {
		g.Criteria[i].Competency = ""
	}
	return g
}

// gridRef returns the credential's reference to its grid.
func gridRef(t *testing.T, s *storage.Store, code string) jury.GridRef {
	t.Helper()
	c, err := s.Credential(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c.MCC.Criteria
}

func TestSaveGridDraft(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	g := unlinkedGrid(t)

	// Without the draft choice the grid is refused, as before.
	var ps rubric.Problems
	if _, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{}); !errors.As(err, &ps) {
		t.Fatalf("save without draft: %v, want rubric.Problems", err)
	}

	// As a draft it is kept, with its problems, and not referred to.
	v, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Draft || v.Version != 1 || len(v.Problems) != len(ps) || v.Frozen {
		t.Fatalf("draft = %+v, want %d problems", v, len(ps))
	}
	if ref := gridRef(t, s, "MC-FHA"); ref.Fingerprint != "" || ref.Version != "" {
		t.Fatalf("credential refers to the draft: %+v", ref)
	}
	back, info, err := s.Grid(ctx, "MC-FHA")
	if err != nil {
		t.Fatal(err)
	}
	if !info.Draft || len(info.Problems) != len(ps) || back.Fingerprint() != v.Fingerprint {
		t.Fatalf("read back %+v", info)
	}
	if want := ps[0].Error(); info.Problems[0] != want {
		t.Fatalf("problem %q, want %q", info.Problems[0], want)
	}
	if vs, err := s.GridVersions(ctx, "MC-FHA"); err != nil || len(vs) != 1 || !vs[0].Draft {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	var after map[string]any
	json.Unmarshal(lastGridEvent(t, s, "MC-FHA", "grid.create").After, &after)
	if after["draft"] != true || after["problems"] != float64(len(ps)) {
		t.Fatalf("create event %v", after)
	}

	// A draft is never frozen.
	if err := s.MarkGridUsed(ctx, v.ID); !errors.Is(err, storage.ErrGridDraft) {
		t.Fatalf("freeze draft: %v, want ErrGridDraft", err)
	}

	// Fixed, the same version is saved valid: the draft flag goes.
	fixed := sampleGridFile(t)
	v2, err := s.SaveGrid(ctx, "MC-FHA", fixed, storage.GridSave{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Draft || v2.Problems != nil || v2.ID != v.ID || v2.Version != 1 {
		t.Fatalf("fixed = %+v", v2)
	}
	if _, info, _ := s.Grid(ctx, "MC-FHA"); info.Draft || info.Problems != nil {
		t.Fatalf("still a draft: %+v", info)
	}
	if ref := gridRef(t, s, "MC-FHA"); ref.Fingerprint != v2.Fingerprint || ref.Version != "1" {
		t.Fatalf("credential grid ref = %+v", ref)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestSaveGridDraftOverValid(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	if _, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(t), storage.GridSave{}); err != nil {
		t.Fatal(err)
	}

	// A draft over the unfrozen valid version removes the reference.
	v, err := s.SaveGrid(ctx, "MC-FHA", unlinkedGrid(t), storage.GridSave{Draft: true})
	if err != nil || !v.Draft || v.Version != 1 {
		t.Fatalf("draft over v1: %+v, %v", v, err)
	}
	if ref := gridRef(t, s, "MC-FHA"); ref.Fingerprint != "" {
		t.Fatalf("credential still refers to v1: %+v", ref)
	}

	// The same content saved again as a draft changes nothing.
	n := len(auditActions(t, s))
	if _, err := s.SaveGrid(ctx, "MC-FHA", unlinkedGrid(t),
		storage.GridSave{Draft: true}); err != nil {
		t.Fatal(err)
	}
	if got := len(auditActions(t, s)); got != n {
		t.Fatalf("%d events after an unchanged save, want %d", got, n)
	}
}

func TestSaveGridDraftFrozenRefused(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustGridCredential(t, s, "MC-FHA")
	v1, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(t), storage.GridSave{})
	if err != nil {
		t.Fatal(err)
	}
	mustGridGrading(t, s, "MC-FHA", v1.ID, "E1")

	// A frozen version gets no draft, whatever the carry-over choice.
	for _, c := range []storage.Carry{storage.CarryUnset, storage.MarkForRegrade} {
		_, err := s.SaveGrid(ctx, "MC-FHA", unlinkedGrid(t), storage.GridSave{Draft: true,
			Carry: c, Reason: "essai"})
		var ps rubric.Problems
		if !errors.As(err, &ps) && !errors.Is(err, storage.ErrGridFrozen) {
			t.Fatalf("draft over frozen (%s): %v", c, err)
		}
	}
	if vs, err := s.GridVersions(ctx, "MC-FHA"); err != nil || len(vs) != 1 || vs[0].Draft {
		t.Fatalf("versions %+v, %v", vs, err)
	}
}

func TestGridDraftNotGraded(t *testing.T) {
	ctx := context.Background()
	f := mustDeskFixture(t, 1, "expA")
	key := storage.GradingKey{Submission: f.subs[0], Expert: "expA"}
	g := f.grid.Clone()
	g.Criteria = nil
	if _, err := f.s.SaveGrid(ctx, deskCode, g, storage.GridSave{Draft: true}); err != nil {
		t.Fatal(err)
	}

	// No grading starts on the draft; nothing is written.
	err := f.s.SaveDraft(ctx, key, storage.Draft{Choices: []int{}})
	if !errors.Is(err, storage.ErrGridDraft) {
		t.Fatalf("grading on a draft: %v, want ErrGridDraft", err)
	}
	var n int
	if err := f.s.DB().QueryRow(`SELECT COUNT(*) FROM gradings`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d gradings (%v)", n, err)
	}

	// Completed again, the grid is graded.
	if _, err := f.s.SaveGrid(ctx, deskCode, f.grid, storage.GridSave{}); err != nil {
		t.Fatal(err)
	}
	choices := []int{2, 2, 2, 2, 2, 2, -1}
	if err := f.s.SaveDraft(ctx, key, storage.Draft{Choices: choices}); err != nil {
		t.Fatal(err)
	}
}

func TestGridDraftProposals(t *testing.T) {
	f := mustJuryFixture(t, juryCredential())
	f.add(t, juryCand{id: "E01", gradings: []string{choicesPass}})
	data, err := rubric.NewGrid(juryCode).JSON()
	if err != nil {
		t.Fatal(err)
	}
	f.exec(t, `INSERT INTO grids (credential_id, version, fingerprint, data, frozen,
			created_at, draft)
		SELECT id, 2, 'draft', ?, 0, '2025-02-01T00:00:00Z', 1 FROM credentials
		WHERE code = ?`, string(data), juryCode)

	// The draft version is read without failing; the grading keeps its grid.
	props, err := f.s.Proposals(context.Background(), juryCode, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p := props["E01"]; p.Outcome != jury.OutcomePassed {
		t.Fatalf("E01 = %s %q", p.Outcome, p.Reasons)
	}
}

func BenchmarkSaveGrid(b *testing.B) {
	ctx := context.Background()
	s := MustOpen(b)
	mustGridCredential(b, s, "MC-FHA")
	g := sampleGridFile(b)
	for i := 0; b.Loop(); i++ {
		g.Title = "Grille " + strconv.Itoa(i)
		if _, err := s.SaveGrid(ctx, "MC-FHA", g, storage.GridSave{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGrid(b *testing.B) {
	ctx := context.Background()
	s := MustOpen(b)
	mustGridCredential(b, s, "MC-FHA")
	if _, err := s.SaveGrid(ctx, "MC-FHA", sampleGridFile(b), storage.GridSave{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.Grid(ctx, "MC-FHA"); err != nil {
			b.Fatal(err)
		}
	}
}
