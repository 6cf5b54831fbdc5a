// Package demo builds Certeval's sample workspace: a complete French
// micro-credential with its grid, about thirty candidates across three
// participating universities (a few with accommodations, attendance
// milestones and identity checks), gradings by two experts with a few
// discrepancies, a first sitting deliberated and signed, a resit in
// progress and one appeal. With more candidates it makes a large workspace
// for measuring, the same for the same number.
//
// It builds everything through the storage API the application uses, so
// the sample is also an end-to-end exercise of the rules.
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certeval/assets"
	"certeval/jury"
	"certeval/rubric"
	"certeval/seal"
	"certeval/storage"
)

// Passphrase protects the sample president's signing key. It is published
// in the README: the sample is for trying Certeval, not for real decisions.
const Passphrase = "exemple-certeval-2026"

// DefaultCandidates is the size of the sample cohort.
const DefaultCandidates = 30

// Options say how large a sample to build.
type Options struct {
	Candidates int // DefaultCandidates when zero
	// KeyParams sets the cost of the key file's protection; tests lower
	// it. The zero value means seal.DefaultParams.
	KeyParams seal.Params
}

// ErrExists is returned when the target file already holds data.
var ErrExists = errors.New("demo: the workspace file already exists")

// KeyPath returns where the sample president's key is written for the
// workspace at path.
func KeyPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-presidente.key"
}

// Create builds the sample workspace at path, which must not exist yet,
// and writes the president's signing key beside it.
func Create(ctx context.Context, path string, opt Options) error {
	if opt.Candidates <= 0 {
		opt.Candidates = DefaultCandidates
	}
	if opt.KeyParams == (seal.Params{}) {
		opt.KeyParams = seal.DefaultParams
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create sample: %w", err)
	}
	s, err := storage.Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	s.Actor = president.Name
	b := &builder{s: s, opt: opt, path: path, clock: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	s.Now = b.now
	return b.build(ctx)
}

// builder carries the sample's state from one step to the next.
type builder struct {
	s     *storage.Store
	opt   Options
	path  string
	clock time.Time
	cred  jury.Credential
	grid  *rubric.Grid
	cands []jury.Candidate
	id    *seal.Identity
}

// now advances a fictitious clock, so the sample's history reads like a
// real term and is the same at every build.
func (b *builder) now() time.Time {
	b.clock = b.clock.Add(7 * time.Minute)
	return b.clock
}

func (b *builder) build(ctx context.Context) error {
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"credential", b.credential},
		{"grid", b.gridStep},
		{"candidates", b.candidates},
		{"key", b.key},
		{"gradings", b.gradings},
		{"deliberation", b.deliberation},
		{"resit", b.resit},
	}
	for _, st := range steps {
		if err := st.run(ctx); err != nil {
			return fmt.Errorf("sample %s: %w", st.name, err)
		}
	}
	return nil
}

func (b *builder) credential(ctx context.Context) error {
	b.cred = SampleCredential()
	return b.s.CreateCredential(ctx, &b.cred)
}

func (b *builder) gridStep(ctx context.Context) error {
	data, err := assets.FS.ReadFile("sample/grille.json")
	if err != nil {
		return err
	}
	g, err := rubric.ParseJSON(data)
	if err != nil {
		return err
	}
	b.grid = g
	_, err = b.s.SaveGrid(ctx, sampleCode, g, storage.GridSave{})
	return err
}

// candidates enrols the cohort, then records what the jury needs to know
// about some of them: accommodations, milestones and identity checks.
func (b *builder) candidates(ctx context.Context) error {
	b.cands = Candidates(b.opt.Candidates)
	plain := make([]jury.Candidate, len(b.cands))
	for i, c := range b.cands {
		c.Accommodations = nil
		plain[i] = c
	}
	if err := b.s.ImportCandidates(ctx, sampleCode, "inscriptions-mc-fha.csv",
		plain, nil); err != nil {
		return err
	}
	if b.opt.Candidates > 200 {
		return nil // a measuring workspace needs no per-candidate details
	}
	for i, c := range b.cands {
		if len(c.Accommodations) > 0 {
			if err := b.s.SetAccommodations(ctx, sampleCode, c.ID, c.Accommodations,
				"notification de la commission handicap"); err != nil {
				return err
			}
		}
		if err := b.s.SetMilestones(ctx, sampleCode, c.ID, milestones(i),
			"relevé de la plateforme"); err != nil {
			return err
		}
		if err := b.s.AddIdentityCheck(ctx, sampleCode, c.ID, identity(i)); err != nil {
			return err
		}
	}
	return nil
}

// milestones validates every milestone but for two candidates who missed
// the mandatory workshop.
func milestones(i int) []jury.Milestone {
	plan := sampleCredential().Milestones
	day := time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)
	out := make([]jury.Milestone, len(plan))
	for j, m := range plan {
		m.Validated = !(j == 1 && (i == 8 || i == 21)) && !(j == 2 && i%4 == 0)
		if m.Validated {
			m.Date = day.AddDate(0, 0, 7*j)
		}
		out[j] = m
	}
	return out
}

func identity(i int) jury.IdentityCheck {
	return jury.IdentityCheck{
		Sitting: 1, Method: jury.MethodIDCheck, By: "Anne-Laure Picard",
		At:     time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		Result: jury.CheckVerified,
	}
}

// key creates the president's signing identity, protected by Passphrase,
// and records it as the workspace's signing key.
func (b *builder) key(ctx context.Context) error {
	id, err := seal.NewIdentity(seal.Subject{
		Name: president.Name, Role: president.Role,
		Institution: producer.Name, Country: "FR",
	})
	if err != nil {
		return err
	}
	kp := KeyPath(b.path)
	if err := id.SaveWithParams(kp, []byte(Passphrase), b.opt.KeyParams); err != nil {
		return err
	}
	b.id = id
	if _, err := b.s.TrustIssuer(ctx, id.CertificatePEM(), producer.Name); err != nil {
		return err
	}
	return b.s.SetSigningKey(ctx, kp)
}
