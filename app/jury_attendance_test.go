package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certeval/jury"
	"certeval/storage"
)

// attendanceEvents returns the attendance events of candidate id.
func attendanceEvents(t *testing.T, s *storage.Store, id string) []storage.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), storage.CandidateEntity("MC-J", id)+"/sitting/1")
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestJuryAttendanceAbsentJustified(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	jt.openMeeting(t)
	if got := jt.rowOf("E02").Proposed; got != jury.OutcomeNotPassed {
		t.Fatalf("E02 proposed %s before, want AJ", got)
	}

	jt.selectRow(t, "E02")
	tapText(t, w, "Présence et retard…")
	a.att.kind.SetSelected("Absent·e justifié·e (ABJ)")
	test.Type(a.att.reason, "Certificat médical reçu le 2026-10-17.")
	tapText(t, w, "Enregistrer la présence")

	// The open deliberation takes the new proposal, and the detail line
	// says which measure applies.
	waitFor(t, "the new proposal", func() bool {
		return jt.rowOf("E02").Proposed == jury.OutcomeAbsentJustified
	})
	waitFor(t, "the measure line", func() bool {
		return strings.Contains(a.detail.Text, "Mesure appliquée : Absence justifiée")
	})
	evs := attendanceEvents(t, jt.s, "E02")
	if len(evs) != 1 || evs[0].Action != "submission.attendance" ||
		evs[0].Reason != "Certificat médical reçu le 2026-10-17." {
		t.Fatalf("attendance events = %+v", evs)
	}
}

func TestJuryAttendanceLatePenalty(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w
	ctx := context.Background()
	c := jt.a.view.Credential
	c.MCC.Lateness, c.MCC.LatePenalty = jury.LatePenalty, 2
	if err := jt.s.SaveCredential(ctx, &c); err != nil {
		t.Fatal(err)
	}
	before := jt.rowOf("E01").Mark

	jt.selectRow(t, "E01")
	tapText(t, w, "Présence et retard…")
	a.att.late.SetChecked(true)
	test.Type(a.att.at, "2026-10-16 08:40")
	test.Type(a.att.reason, "Dépôt arrivé après l'heure limite.")
	tapText(t, w, "Enregistrer la présence")

	waitFor(t, "the late flag", func() bool { return jt.rowOf("E01").Flags.Late })
	if got, want := jt.rowOf("E01").Mark, before-2; got != want {
		t.Fatalf("mark after the penalty = %v, want %v", got, want)
	}
	waitFor(t, "the measure line", func() bool {
		return strings.Contains(a.detail.Text, "pénalité de 2 points")
	})
	if !containing(w, a.detail.Text) {
		t.Fatalf("detail line not on screen: %q", screen(w))
	}
}

func TestJuryAttendanceReasonRequired(t *testing.T) {
	jt := newJuryTest(t)
	a, w := jt.a, jt.w

	// Nothing selected: the dialog does not open.
	tapText(t, w, "Présence et retard…")
	if !containing(w, "Sélectionnez un·e seul·e candidat·e") {
		t.Fatalf("no request to select one candidate; screen: %q", screen(w))
	}
	w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()

	jt.selectRow(t, "E01")
	tapText(t, w, "Présence et retard…")
	a.att.kind.SetSelected("Absent·e non justifié·e (ABI)")
	tapText(t, w, "Enregistrer la présence")
	if !containing(w, "Un motif est nécessaire") {
		t.Fatalf("no request for a reason; screen: %q", screen(w))
	}
	if evs := attendanceEvents(t, jt.s, "E01"); len(evs) != 0 {
		t.Fatalf("recorded without a reason: %+v", evs)
	}
	if got := jt.rowOf("E01").Proposed; got != jury.OutcomePassed {
		t.Fatalf("E01 proposed %s, want ADM unchanged", got)
	}
}

func TestRevealOnDesk(t *testing.T) {
	path, subs := gradingWorkspace(t, 2)
	u, a := openGradingArea(t, path)
	w := u.win
	a.list.Select(0)
	if a.page.sheet == nil || a.page.reveal.Disabled() {
		t.Fatal("no reveal button on a blind desk")
	}
	if containing(w, "Martin0") {
		t.Fatal("blind desk shows a name")
	}

	tapText(t, w, "Lever l'anonymat…")
	if !containing(w, "Réservé à la présidence du jury") {
		t.Fatalf("no confirmation; screen: %q", screen(w))
	}
	reason := "Fraude suspectée : vérification d'identité."
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine {
			test.Type(e, reason)
		}
	})
	tapText(t, w, "Lever l'anonymat")

	i := slices.Index(subs, a.page.key().Submission)
	id, name := fmt.Sprintf("E%03d", i), fmt.Sprintf("Martin%03d Léa", i)
	if !onScreen(w, name) || !a.page.reveal.Disabled() {
		t.Fatalf("name not shown after the reveal; screen: %q", screen(w))
	}
	if a.items[a.shown[0]].Label != name {
		t.Fatalf("desk list shows %q, want %q", a.items[a.shown[0]].Label, name)
	}
	evs, err := a.env.store.Events(a.env.ctx, storage.CandidateEntity(gradingCode, id))
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Action != "candidate.reveal" || last.Reason != reason {
		t.Fatalf("last event = %s %q", last.Action, last.Reason)
	}
}
