package demo

import (
	"context"
	"time"

	"certeval/jury"
)

// meeting is the first sitting's jury: everyone present but the
// continuing-education representative, so the quorum of three is met.
func meeting(sitting int, date time.Time) jury.Meeting {
	m := jury.Meeting{Sitting: sitting, Date: date, Place: "Grenoble, bâtiment Stendhal, " +
		"salle du conseil, et en visioconférence", Quorum: sampleCredential().MCC.Quorum}
	for _, mb := range sampleCredential().MCC.Jury {
		m.Members = append(m.Members, jury.MeetingMember{Member: mb,
			Present: mb.Role != "représentante du service de formation continue"})
	}
	return m
}

// deliberation runs the first sitting's jury: every proposal accepted
// but one, which the jury overrides with a reason and a vote, then the
// president closes and signs.
func (b *builder) deliberation(ctx context.Context) error {
	const code, sitting = sampleCode, 1
	date := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	b.clock = date // the jury meets on that day; its steps are recorded then
	if err := b.s.SaveMeeting(ctx, code, meeting(sitting, date)); err != nil {
		return err
	}
	if _, err := b.s.StartDeliberation(ctx, code, sitting); err != nil {
		return err
	}
	if err := b.override(ctx); err != nil {
		return err
	}
	if err := b.s.AcceptAllProposals(ctx, code, sitting); err != nil {
		return err
	}
	if _, err := b.s.CloseDeliberation(ctx, code, sitting, president.Name, b.id); err != nil {
		return err
	}
	if b.opt.Candidates > 200 {
		return nil
	}
	return b.appeal(ctx)
}

// override raises the not-passed candidate closest to the pass mark to
// "admis par décision du jury", as juries do for a near miss with a
// strong reflective note.
func (b *builder) override(ctx context.Context) error {
	props, err := b.s.Proposals(ctx, sampleCode, 1)
	if err != nil {
		return err
	}
	// Candidates short of attendance are not the jury's to raise: their
	// milestones, not their work, kept them from passing.
	absent := make(map[string]bool)
	for i, c := range b.cands {
		if ok, _ := b.cred.Eligible(milestones(i)); !ok {
			absent[c.ID] = true
		}
	}
	best, bestMark := "", -1.0
	for id, p := range props {
		if p.Outcome == jury.OutcomeNotPassed && p.HasMark && p.Mark > bestMark &&
			!absent[id] {
			best, bestMark = id, p.Mark
		}
	}
	if best == "" {
		return nil
	}
	return b.s.OverrideDecision(ctx, sampleCode, 1, best, jury.OutcomePassed,
		"Note réflexive d'excellente qualité ; l'écart au seuil tient à un seul critère "+
			"non éliminatoire. Le jury admet la candidate ou le candidat.",
		&jury.Vote{For: 2, Against: 1, Abstain: 0})
}

// appeal records one appeal against the closed first sitting, still open.
func (b *builder) appeal(ctx context.Context) error {
	props, err := b.s.Proposals(ctx, sampleCode, 1)
	if err != nil {
		return err
	}
	for _, c := range b.cands {
		if p, ok := props[c.ID]; ok && p.Outcome == jury.OutcomeNotPassed {
			_, err := b.s.FileAppeal(ctx, sampleCode, jury.Appeal{
				Candidate: c.ID,
				Contested: jury.Contested{Sitting: 1, Version: 1},
				Filed:     time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC),
				Grounds: "La candidate conteste le niveau retenu sur le critère " +
					"« Accessibilité » : la ressource fournie comporte des sous-titres.",
				Reviewer: president.Name,
				Status:   jury.AppealOpen,
			})
			return err
		}
	}
	return nil
}

// resit enrols the candidates the first sitting sent to the resit.
func (b *builder) resit(ctx context.Context) error {
	ids, err := b.s.EnrolResit(ctx, sampleCode)
	if err != nil || b.opt.Candidates > 200 {
		return err
	}
	return b.resitGradings(ctx, ids)
}
