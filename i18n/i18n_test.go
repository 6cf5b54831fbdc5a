package i18n_test

import (
	"testing"

	"certeval/i18n"
)

func TestCataloguesComplete(t *testing.T) {
	if err := i18n.Err(); err != nil {
		t.Fatal(err)
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("keys missing from a language: %v", m)
	}
}

func TestInFallsBack(t *testing.T) {
	if got, want := i18n.In("en", "app.name"), "Certeval"; got != want {
		t.Fatalf("In(en, app.name) = %q, want %q", got, want)
	}
	if got, want := i18n.In("en", "no.such.key"), "no.such.key"; got != want {
		t.Fatalf("missing key = %q, want %q", got, want)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"en_GB.UTF-8": "en", "fr_FR.UTF-8": "fr", "de_DE": "fr", "": "fr", "EN": "en",
	} {
		if got := i18n.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	defer i18n.SetLanguage("fr")
	tests := []struct {
		lang string
		x    float64
		want string
	}{
		{"fr", 12.5, "12,5"}, {"fr", 6.666, "6,67"}, {"fr", 20, "20"}, {"en", 12.5, "12.5"},
		{"en", 0, "0"},
	}
	for _, tt := range tests {
		i18n.SetLanguage(tt.lang)
		if got := i18n.Number(tt.x, 2); got != tt.want {
			t.Errorf("Number(%v) in %s = %q, want %q", tt.x, tt.lang, got, tt.want)
		}
	}
}
