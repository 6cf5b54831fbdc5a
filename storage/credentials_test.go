package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"certeval/jury"
	"certeval/storage"
)

func TestCredentialCreateReadList(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	want := mustEnrolCredential(t, s, "MC-TAB")
	mustEnrolCredential(t, s, "MC-ANA")

	got, err := s.Credential(ctx, "MC-TAB")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := string(storage.JSON(got)), string(storage.JSON(want)); g != w {
		t.Fatalf("read back:\n%s\nwant\n%s", g, w)
	}

	list, err := s.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Code != "MC-ANA" || list[1].Title != want.Title {
		t.Fatalf("Credentials() = %+v", list)
	}

	evs, err := s.Events(ctx, "credential/MC-TAB")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Action != "credential.create" || len(evs[0].After) == 0 {
		t.Fatalf("events = %+v", evs)
	}
}

func TestCredentialErrors(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	mustEnrolCredential(t, s, "MC-TAB")

	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"duplicate code", func() error {
			return s.CreateCredential(ctx, testCredential("MC-TAB"))
		}, storage.ErrCredentialExists},
		{"unknown code", func() error {
			_, err := s.Credential(ctx, "NOPE")
			return err
		}, storage.ErrNoCredential},
		{"save unknown", func() error {
			return s.SaveCredential(ctx, testCredential("NOPE"))
		}, storage.ErrNoCredential},
		{"hours out of bounds", func() error {
			c := testCredential("MC-TAB")
			c.Hours = 45
			return s.SaveCredential(ctx, c)
		}, jury.ErrCredentialInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSaveCredentialAuditsBeforeAfter(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c := mustEnrolCredential(t, s, "MC-TAB")

	c.Title = "Tableur avancé"
	c.Hours = 25
	if err := s.SaveCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCredential(ctx, c); err != nil { // unchanged: no event
		t.Fatal(err)
	}

	evs, err := s.Events(ctx, "credential/MC-TAB")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(evs), 2; got != want {
		t.Fatalf("%d events, want %d", got, want)
	}
	var before, after jury.Credential
	if err := json.Unmarshal(evs[1].Before, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(evs[1].After, &after); err != nil {
		t.Fatal(err)
	}
	if evs[1].Action != "credential.update" || before.Hours != 20 || after.Hours != 25 ||
		after.Title != "Tableur avancé" {
		t.Fatalf("update event: %s %+v → %+v", evs[1].Action, before.Hours, after.Hours)
	}
	list, _ := s.Credentials(ctx)
	if list[0].Title != "Tableur avancé" {
		t.Fatalf("title in list = %q", list[0].Title)
	}
}
