package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"certeval/storage"
)

func TestSettingsRecordsActor(t *testing.T) {
	a := mustWorkspace(t, t.TempDir(), "a.certeval")
	u := newTestUI(t, Options{DBPath: a}, nil)
	typeShortcut(u.win, areaShortcut(5))
	s := u.areas[5].(*settingsArea)

	if !onScreen(u.win, a) {
		t.Fatalf("workspace path not in the settings: %q", screen(u.win))
	}
	test.Type(s.actor, "Hélène Dupré")
	tapText(t, u.win, "Enregistrer le nom")
	if !onScreen(u.win, "Vos prochains changements seront attribués à « Hélène Dupré ».") {
		t.Fatalf("no confirmation: %q", screen(u.win))
	}

	ev, err := u.env.store.Record(context.Background(), storage.Event{Action: "test.edit"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ev.Actor, "Hélène Dupré"; got != want {
		t.Fatalf("event recorded by %q, want %q", got, want)
	}

	// The name follows the user to the next workspace.
	b := mustWorkspace(t, t.TempDir(), "b.certeval")
	u.openWorkspace(b)
	if got := u.env.store.Actor; got != "Hélène Dupré" {
		t.Fatalf("actor on B %q", got)
	}
}
