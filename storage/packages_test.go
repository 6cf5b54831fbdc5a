package storage_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"certeval/grading"
	"certeval/parcel"
	"certeval/seal"
	"certeval/storage"
)

// sealSigner signs packages written by the tests with a seal identity.
type sealSigner struct{ id *seal.Identity }

func (s sealSigner) Sign(b []byte) ([]byte, error)  { return seal.Sign(s.id, b) }
func (s sealSigner) Certificate() *x509.Certificate { return s.id.Certificate }

// tableDump returns the contents of the tables an import writes, without
// row ids or import times, so that two workspaces can be compared.
func tableDump(tb testing.TB, s *storage.Store) string {
	tb.Helper()
	queries := []string{
		`SELECT submission_id, expert, grid_id, choices, comments, feedback, status,
			updated_at, submitted_at, revision FROM gradings ORDER BY submission_id, expert`,
		`SELECT submission_id, expert, held, incoming FROM grading_conflicts
			ORDER BY submission_id, expert, incoming`,
		`SELECT submission_id, expert FROM allotments ORDER BY submission_id, expert`,
		`SELECT credential, expert, kind, package_id, sequence FROM packages_seen
			ORDER BY credential, expert, kind`,
		`SELECT id, frozen FROM grids ORDER BY id`,
		`SELECT COUNT(*) FROM audit_events`,
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := s.DB().Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		rows.Close()
	}
	return b.String()
}

// resultsPackage writes a results package of expert grading every
// submission of f with choices(i).
func resultsPackage(tb testing.TB, f *deskFixture, expert *seal.Identity, seq int,
	choices func(i int) []int) []byte {
	tb.Helper()
	ctx := context.Background()
	key := seal.KeyID(expert.Certificate)
	p := &parcel.Package{Kind: parcel.Results, Credential: deskCode, Expert: key,
		Sequence: seq, GridFingerprint: f.grid.Fingerprint()}
	p.Grid, _ = f.grid.JSON()
	for i, sub := range f.subs {
		sh, err := f.s.GradingSheet(ctx, storage.GradingKey{Submission: sub, Expert: key})
		if err != nil {
			tb.Fatal(err)
		}
		g := sh.Grading
		g.Choices, g.Status, g.Revision = choices(i), grading.Submitted, 3
		g.Comments = map[string]string{"c4": "Cohérent.", "c7": "Soigné."}
		g.UpdatedAt = f.s.Now().UTC().Truncate(1e9)
		g.SubmittedAt = g.UpdatedAt
		p.Gradings = append(p.Gradings, g)
	}
	var buf bytes.Buffer
	if err := parcel.Write(&buf, p, sealSigner{expert}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func levels(i int) []int { return []int{i % 4, (i + 1) % 4, 2, 2, 3, 1, -1} }

func TestPackageRoundTrip(t *testing.T) {
	ctx := context.Background()
	president, _ := newExpert(t, "Claire Dubois")
	expert, key := newExpert(t, "Karim Benali")
	f := mustDeskFixture(t, 3, key)
	if _, err := f.s.AddSubmissionFile(ctx, f.subs[0], "rapport.pdf", []byte("%PDF-1.7"),
		f.s.Now()); err != nil {
		t.Fatal(err)
	}

	// The expert's workspace receives the assignment, trusting the
	// president's key on first use.
	assign, err := f.s.ExportAssignment(ctx, deskCode, key, president)
	if err != nil {
		t.Fatal(err)
	}
	ex := MustOpen(t)
	rep, err := ex.ImportPackage(ctx, assign)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.FirstUse || rep.Merged != 3 {
		t.Fatalf("assignment report = %+v", rep)
	}
	desk, err := ex.Desk(ctx, key, deskCode)
	if err != nil || len(desk) != 3 || desk[0].Revealed {
		t.Fatalf("expert desk = %+v, %v", desk, err)
	}
	sh, err := ex.GradingSheet(ctx, desk[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	if desk[0].SubmissionKey == "" || len(sh.Grid.Criteria) != 7 {
		t.Fatalf("sheet = %+v", sh.Item)
	}

	// The expert grades and sends results back.
	for _, it := range desk {
		d := storage.Draft{Choices: []int{2, 2, 2, 2, 2, 2, -1},
			Comments: map[string]string{"c4": "Bien.", "c7": "Bien."}}
		if err := ex.SaveDraft(ctx, it.Key, d); err != nil {
			t.Fatal(err)
		}
		if err := ex.Submit(ctx, it.Key); err != nil {
			t.Fatal(err)
		}
	}
	results, err := ex.ExportResults(ctx, deskCode, expert)
	if err != nil {
		t.Fatal(err)
	}

	// An unregistered expert is refused; a registered one is merged.
	before := tableDump(t, f.s)
	if _, err := f.s.ImportPackage(ctx, results); !errors.Is(err, parcel.ErrUntrusted) {
		t.Fatalf("unregistered expert: err = %v", err)
	}
	if tableDump(t, f.s) != before {
		t.Fatal("a refused package wrote to the workspace")
	}
	if err := f.s.RegisterKey(ctx, expert.Certificate, storage.RoleExpert, ""); err != nil {
		t.Fatal(err)
	}
	rep, err = f.s.ImportPackage(ctx, results)
	if err != nil || rep.Merged != 3 || rep.Conflicts != 0 {
		t.Fatalf("import results = %+v, %v", rep, err)
	}
	once := tableDump(t, f.s)
	rep, err = f.s.ImportPackage(ctx, results)
	if err != nil || rep.Merged != 0 || rep.Unchanged != 3 {
		t.Fatalf("re-import = %+v, %v", rep, err)
	}
	if tableDump(t, f.s) != once {
		t.Fatal("re-importing the same package changed the workspace")
	}

	// A newer package with a different grading is kept as a conflict.
	d := storage.Draft{Choices: []int{3, 2, 2, 2, 2, 2, -1},
		Comments: map[string]string{"c4": "Très bien.", "c7": "Bien."}}
	if err := ex.Amend(ctx, desk[0].Key, d, "relu"); err != nil {
		t.Fatal(err)
	}
	newer, err := ex.ExportResults(ctx, deskCode, expert)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = f.s.ImportPackage(ctx, newer)
	if err != nil || rep.Conflicts != 1 || rep.Unchanged != 2 {
		t.Fatalf("newer import = %+v, %v", rep, err)
	}
	cs, err := f.s.Conflicts(ctx, deskCode, false)
	if err != nil || len(cs) != 1 || cs[0].Incoming.Choices[0] != 3 || cs[0].Held.Choices[0] != 2 {
		t.Fatalf("conflicts = %+v, %v", cs, err)
	}
	if err := f.s.ResolveConflict(ctx, cs[0].ID, true, "correction de l'expert"); err != nil {
		t.Fatal(err)
	}
	sh, err = f.s.GradingSheet(ctx, storage.GradingKey{Submission: cs[0].Submission,
		Expert: key})
	if err != nil || sh.Grading.Choices[0] != 3 {
		t.Fatalf("after resolution: %+v, %v", sh.Grading, err)
	}

	// The older package replayed is refused.
	if _, err := f.s.ImportPackage(ctx, results); !errors.Is(err, parcel.ErrReplayed) {
		t.Fatalf("replayed: err = %v", err)
	}
}

func TestPackageHostileRefused(t *testing.T) {
	ctx := context.Background()
	expert, key := newExpert(t, "Karim Benali")
	intruder, _ := newExpert(t, "Intrus")
	f := mustDeskFixture(t, 4, key)
	if err := f.s.RegisterKey(ctx, expert.Certificate, storage.RoleExpert, ""); err != nil {
		t.Fatal(err)
	}
	good := resultsPackage(t, f, expert, 1, levels)

	tampered := bytes.Clone(good)
	tampered[len(tampered)/2] ^= 1
	// The intruder signs a package naming the registered expert.
	forged := func() []byte {
		p, err := parcel.Read(good, seal.Verify, func(*x509.Certificate) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		p.ID, p.Digest = "", ""
		var buf bytes.Buffer
		if err := parcel.Write(&buf, p, sealSigner{intruder}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	otherGrid := func() []byte {
		g := f.grid.Clone()
		g.Title = "Autre grille"
		p, _ := parcel.Read(good, seal.Verify, func(*x509.Certificate) error { return nil })
		p.ID, p.Digest, p.Grid = "", "", nil
		p.Grid, _ = g.JSON()
		p.GridFingerprint = g.Fingerprint()
		for i := range p.Gradings {
			p.Gradings[i].GridFingerprint = p.GridFingerprint
		}
		var buf bytes.Buffer
		if err := parcel.Write(&buf, p, sealSigner{expert}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"not a package", []byte("PK\x03\x04 garbage"), parcel.ErrNotPackage},
		{"truncated", good[:len(good)-40], parcel.ErrTruncated},
		{"tampered", tampered, parcel.ErrTampered},
		{"forged signer", forged, parcel.ErrUntrusted},
		{"other grid", otherGrid, parcel.ErrOtherGrid},
	}
	before := tableDump(t, f.s)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.ImportPackage(ctx, tc.data)
			if err == nil {
				t.Fatal("hostile package accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) && tc.name != "tampered" &&
				tc.name != "truncated" && tc.name != "not a package" {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tableDump(t, f.s) != before {
				t.Fatal("a refused package wrote to the workspace")
			}
		})
	}
}

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

func TestPackageMergeAnyOrder(t *testing.T) {
	ctx := context.Background()
	var ids []*seal.Identity
	var keys []string
	for _, n := range []string{"Expert A", "Expert B", "Expert C"} {
		id, k := newExpert(t, n)
		ids, keys = append(ids, id), append(keys, k)
	}
	f := mustDeskFixture(t, 50, keys...)
	for _, id := range ids {
		if err := f.s.RegisterKey(ctx, id.Certificate, storage.RoleExpert, ""); err != nil {
			t.Fatal(err)
		}
	}
	var pkgs [][]byte
	for e, id := range ids {
		pkgs = append(pkgs, resultsPackage(t, f, id, 1, func(i int) []int {
			return levels(i + e)
		}))
	}
	base := filepath.Join(t.TempDir(), "base.certeval")
	if err := f.s.Backup(ctx, base); err != nil {
		t.Fatal(err)
	}

	var want string
	for n, order := range permutations(3) {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("w%d.certeval", n))
		if err := f.s.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		s, err := storage.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Now = f.s.Now
		for _, i := range order {
			rep, err := s.ImportPackage(ctx, pkgs[i])
			if err != nil || rep.Merged != 50 {
				t.Fatalf("order %v: %+v, %v", order, rep, err)
			}
		}
		got := tableDump(t, s)
		s.Close()
		if n == 0 {
			want = got
		} else if got != want {
			t.Fatalf("order %v gives other contents:\n%s\nwant:\n%s", order, got, want)
		}
	}
}

// BenchmarkImportPackages imports 20 results packages of 500 gradings.
func BenchmarkImportPackages(b *testing.B) {
	ctx := context.Background()
	var ids []*seal.Identity
	var keys []string
	for i := range 20 {
		id, k := newExpert(b, fmt.Sprintf("Expert %d", i))
		ids, keys = append(ids, id), append(keys, k)
	}
	f := mustDeskFixture(b, 500, keys...)
	for _, id := range ids {
		if err := f.s.RegisterKey(ctx, id.Certificate, storage.RoleExpert, ""); err != nil {
			b.Fatal(err)
		}
	}
	var pkgs [][]byte
	for e, id := range ids {
		pkgs = append(pkgs, resultsPackage(b, f, id, 1, func(i int) []int {
			return levels(i + e)
		}))
	}
	base := filepath.Join(b.TempDir(), "base.certeval")
	if err := f.s.Backup(ctx, base); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), fmt.Sprintf("w%d.certeval", n))
		if err := f.s.Backup(ctx, path); err != nil {
			b.Fatal(err)
		}
		s, err := storage.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, p := range pkgs {
			if rep, err := s.ImportPackage(ctx, p); err != nil || rep.Merged != 500 {
				b.Fatalf("%+v, %v", rep, err)
			}
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
