package demo

import (
	"context"
	"fmt"
	"math/rand"
	"time"

	"certeval/grading"
	"certeval/jury"
	"certeval/seal"
	"certeval/storage"
)

// comments is a small bank of the remarks experts write, per level.
var comments = []string{
	"Les attendus ne sont pas atteints : reprendre la consigne et les exemples du cours.",
	"Des éléments pertinents, mais l'argumentation reste à construire.",
	"Travail solide et conforme aux attendus.",
	"Travail remarquable, précis et argumenté ; à partager avec le groupe.",
}

// gradings has the two experts grade the first sitting: the first expert
// every submission, the second one in three (double marking), or every
// one, in agreement, in a large workspace for measuring. Two
// candidates are absent, one is late, and two double markings disagree
// by two levels and are reconciled with a reason.
func (b *builder) gradings(ctx context.Context) error {
	experts, err := b.expertKeys(ctx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(int64(len(b.cands))))
	for i, c := range b.cands {
		absent, err := b.attendance(ctx, i, c)
		if err != nil {
			return err
		}
		if absent {
			continue
		}
		sub, err := b.s.EnsureSubmission(ctx, sampleCode, c.ID, 1)
		if err != nil {
			return err
		}
		if err := b.work(ctx, sub, i); err != nil {
			return err
		}
		skill := 2 + rng.Intn(2) // most candidates reach the expected level
		if rng.Intn(4) == 0 {
			skill = rng.Intn(2)
		}
		choices := b.choices(rng, skill)
		if err := b.grade(ctx, sub, experts[0], choices, true); err != nil {
			return err
		}
		large := b.opt.Candidates > 200
		if i%3 != 0 && !large {
			continue
		}
		second := append([]int(nil), choices...)
		if !large && (i == 3 || i == 9) {
			second[2] = 3 - choices[2]/2*3 // two levels or more apart
		}
		if err := b.grade(ctx, sub, experts[1], second, true); err != nil {
			return err
		}
		if !large && (i == 3 || i == 9) {
			if err := b.agree(ctx, sub, choices); err != nil {
				return err
			}
		}
	}
	return nil
}

// work attaches the candidate's production to a submission: the scenario
// and the reflective note, as text files the desk opens in the system's
// viewer. Large samples for measuring have none.
func (b *builder) work(ctx context.Context, sub int64, i int) error {
	if b.opt.Candidates > 200 {
		return nil
	}
	at := time.Date(2026, 10, 15, 18, 0, 0, 0, time.UTC)
	at = at.Add(time.Duration(i) * 13 * time.Minute)
	files := []struct{ name, text string }{
		{"scenario-module-hybride.md", fmt.Sprintf(
			"# Scénario du module hybride (candidat·e %d)\n\n"+
				"1. Classe virtuelle d'accueil (1 h, synchrone)\n"+
				"2. Capsule vidéo sous-titrée et quiz (2 h, asynchrone)\n"+
				"3. Atelier en présence : étude de cas (3 h)\n"+
				"4. Forum de co-analyse et évaluation finale (1 h)\n", i+1)},
		{"note-reflexive.txt", "Mes choix de conception s'appuient sur l'analyse du public " +
			"et sur les règles d'accessibilité (RGAA) appliquées à chaque ressource.\n"},
	}
	for _, f := range files {
		if _, err := b.s.AddSubmissionFile(ctx, sub, f.name, []byte(f.text), at); err != nil {
			return err
		}
	}
	return nil
}

// attendance records the sample's absences and lateness; it reports
// whether the candidate has no work to grade.
func (b *builder) attendance(ctx context.Context, i int, c jury.Candidate) (bool, error) {
	if b.opt.Candidates > 200 {
		return false, nil
	}
	switch i {
	case 5:
		return true, b.s.RecordAttendance(ctx, sampleCode, c.ID, 1,
			storage.Attendance{Absence: jury.AbsentJustified},
			"certificat d'hospitalisation reçu le 6 octobre")
	case 12:
		return true, b.s.RecordAttendance(ctx, sampleCode, c.ID, 1,
			storage.Attendance{Absence: jury.AbsentUnjustified}, "aucun dépôt, aucune nouvelle")
	case 17:
		return false, b.s.RecordAttendance(ctx, sampleCode, c.ID, 1,
			storage.Attendance{Late: true,
				SubmittedAt: time.Date(2026, 10, 16, 8, 40, 0, 0, time.UTC)},
			"dépôt le lendemain de l'échéance à 8 h 40")
	}
	return false, nil
}

// expertKeys creates the two experts' signing identities and registers
// their certificates, as the president does before sending packages.
func (b *builder) expertKeys(ctx context.Context) ([]string, error) {
	var keys []string
	for _, e := range experts {
		id, err := seal.NewIdentity(seal.Subject{Name: e.Name, Role: "experte pédagogique",
			Institution: e.Institution, Country: "FR"})
		if err != nil {
			return nil, err
		}
		if err := b.s.RegisterKey(ctx, id.Certificate, storage.RoleExpert, sampleCode); err != nil {
			return nil, err
		}
		keys = append(keys, seal.KeyID(id.Certificate))
	}
	return keys, nil
}

// choices picks a level per criterion around a candidate's skill
// (0 weak … 3 strong); feedback-only criteria get none.
func (b *builder) choices(rng *rand.Rand, skill int) []int {
	out := make([]int, len(b.grid.Criteria))
	for j, cr := range b.grid.Criteria {
		if !cr.Scored() {
			out[j] = grading.None
			continue
		}
		l := skill
		if rng.Intn(5) == 0 {
			l-- // a weaker criterion now and then
		}
		out[j] = min(max(l, 0), len(cr.Levels)-1)
	}
	return out
}

// grade saves an expert's grading of a submission and submits it when
// asked, with a comment on every criterion.
func (b *builder) grade(ctx context.Context, sub int64, expert string, choices []int,
	submit bool) error {
	key := storage.GradingKey{Submission: sub, Expert: expert}
	if err := b.s.Allot(ctx, sub, expert); err != nil {
		return err
	}
	d := storage.Draft{Choices: choices, Comments: map[string]string{},
		Feedback: "Un travail sérieux ; voir les remarques par critère."}
	for j, cr := range b.grid.Criteria {
		if cr.Scored() {
			d.Comments[cr.Key] = comments[choices[j]]
		} else {
			d.Comments[cr.Key] = "Appréciation globale : démarche réflexive engagée."
		}
	}
	if err := b.s.SaveDraft(ctx, key, d); err != nil {
		return err
	}
	if !submit {
		return nil
	}
	return b.s.Submit(ctx, key)
}

// agree records the agreed grading of a double marking that disagreed.
func (b *builder) agree(ctx context.Context, sub int64, choices []int) error {
	return b.s.RecordAgreement(ctx, sub, grading.Agreement{
		Choices: choices,
		Reason: "Concertation des deux experts : la ressource respecte les critères " +
			"d'accessibilité essentiels ; le niveau de la première correction est retenu.",
		By: president.Name, At: b.now(),
	})
}

// resitGradings grades the resit sitting: the first expert has submitted
// every grading; the second has double-marked one candidate and disagrees
// by three levels on two criteria, a discrepancy left to reconcile.
func (b *builder) resitGradings(ctx context.Context, ids []string) error {
	keys, err := b.s.GradingExperts(ctx, sampleCode)
	if err != nil || len(keys) < 2 {
		return err
	}
	rng := rand.New(rand.NewSource(2))
	for n, id := range ids {
		sub, err := b.s.EnsureSubmission(ctx, sampleCode, id, 2)
		if err != nil {
			return err
		}
		choices := b.choices(rng, 2)
		if err := b.grade(ctx, sub, keys[0], choices, true); err != nil {
			return err
		}
		if n == 0 {
			second := append([]int(nil), choices...)
			second[0] = 0
			second[1] = 3
			if err := b.grade(ctx, sub, keys[1], second, true); err != nil {
				return err
			}
		}
	}
	return nil
}
