package demo_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"certeval/demo"
	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// cheap keeps key derivation fast in tests; the real sample uses
// seal.DefaultParams.
var cheap = seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}

func build(t *testing.T, n int) *storage.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "exemple.certeval")
	if err := demo.Create(context.Background(), path,
		demo.Options{Candidates: n, KeyParams: cheap}); err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSampleWorkspace(t *testing.T) {
	ctx := context.Background()
	s := build(t, 0)

	for _, c := range s.Check(ctx) {
		if !c.OK {
			t.Errorf("check %s: %s", c.Name, c.Detail)
		}
	}
	cred, err := s.Credential(ctx, "MC-FHA")
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Ready(); err != nil {
		t.Fatalf("sample credential not complete: %v", err)
	}
	cands, err := s.Candidates(ctx, "MC-FHA")
	if err != nil || len(cands) != demo.DefaultCandidates {
		t.Fatalf("candidates = %d, %v", len(cands), err)
	}
	unis := map[string]bool{}
	for _, c := range cands {
		unis[c.University] = true
	}
	if len(unis) != 3 {
		t.Fatalf("universities = %v, want 3", unis)
	}

	// The first sitting is closed and signed; the resit is under way.
	ds, err := s.Deliberations(ctx, "MC-FHA", 1)
	if err != nil || len(ds) == 0 || ds[len(ds)-1].State != jury.Closed {
		t.Fatalf("first sitting not closed: %v %v", ds, err)
	}
	if _, err := s.VerifyDeliberation(ctx, "MC-FHA", 1, ds[len(ds)-1].Version); err != nil {
		t.Fatalf("signature of the first sitting: %v", err)
	}
	outcomes := map[jury.Outcome]int{}
	for _, d := range ds[len(ds)-1].Decisions {
		outcomes[d.Outcome]++
	}
	for _, o := range []jury.Outcome{jury.OutcomePassed, jury.OutcomePassedByJury,
		jury.OutcomeNotPassed, jury.OutcomeAbsentJustified, jury.OutcomeAbsentUnjustified} {
		if outcomes[o] == 0 {
			t.Errorf("no %s decision in the sample: %v", o, outcomes)
		}
	}
	resit, err := s.Proposals(ctx, "MC-FHA", 2)
	if err != nil || len(resit) == 0 {
		t.Fatalf("resit proposals = %d, %v", len(resit), err)
	}
	gaps, err := s.Discrepancies(ctx, "MC-FHA")
	if err != nil || len(gaps) == 0 {
		t.Fatalf("no discrepancy to reconcile in the sample: %v", err)
	}
	appeals, err := s.Appeals(ctx, "MC-FHA")
	if err != nil || len(appeals) != 1 {
		t.Fatalf("appeals = %d, %v", len(appeals), err)
	}
	bd, err := s.Breakdown(ctx, "MC-FHA", 1)
	if err != nil || len(bd.Criteria) != 6 || len(bd.Points) != demo.DefaultCandidates-2 {
		t.Fatalf("breakdown: %d criteria, %d candidates, %v",
			len(bd.Criteria), len(bd.Points), err)
	}
	acc, err := s.AccommodationCounts(ctx, "MC-FHA")
	if err != nil || len(acc) == 0 {
		t.Fatalf("accommodations = %v, %v", acc, err)
	}
}

func TestSampleKeyOpensWithPublishedPassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.certeval")
	if err := demo.Create(context.Background(), path,
		demo.Options{Candidates: 5, KeyParams: cheap}); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Load(demo.KeyPath(path), []byte(demo.Passphrase)); err != nil {
		t.Fatalf("sample key: %v", err)
	}
	err := demo.Create(context.Background(), path, demo.Options{KeyParams: cheap})
	if !errors.Is(err, demo.ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
}

func TestLargeSampleIsDeterministic(t *testing.T) {
	ctx := context.Background()
	var got [2]map[string]jury.Proposal
	var names [2][]jury.Candidate
	for i := range got {
		s := build(t, 300)
		p, err := s.Proposals(ctx, "MC-FHA", 1)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = p
		names[i], _ = s.Candidates(ctx, "MC-FHA")
		for j := range names[i] {
			names[i][j].AnonCode = "" // drawn from the workspace's own key
		}
	}
	if len(names[0]) != 300 || !reflect.DeepEqual(names[0], names[1]) {
		t.Fatal("two samples of 300 candidates differ in their candidates")
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatal("two samples of 300 candidates differ in their proposals")
	}
}
