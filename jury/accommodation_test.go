package jury_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

func TestAdjustedDuration(t *testing.T) {
	third := jury.Accommodation{Kind: jury.AidExtraTime}
	half := jury.Accommodation{Kind: jury.AidExtraTime, ExtraTime: jury.Fraction{Num: 1, Den: 2},
		MedicalOpinion: "avis du médecin désigné par la CDAPH, 12/09/2025"}
	room := jury.Accommodation{Kind: jury.AidSeparateRoom}
	tests := []struct {
		name string
		base time.Duration
		accs []jury.Accommodation
		want time.Duration
	}{
		{"none", 2 * time.Hour, nil, 2 * time.Hour},
		{"one third of 2 h", 2 * time.Hour, []jury.Accommodation{third}, 2*time.Hour + 40*time.Minute},
		{"one third of 1 h 30", 90 * time.Minute, []jury.Accommodation{third}, 2 * time.Hour},
		{"one third of 50 min rounds up", 50 * time.Minute, []jury.Accommodation{third},
			66*time.Minute + 40*time.Second},
		{"one third of 1 ns", 1, []jury.Accommodation{third}, 2},
		{"largest counts, not the sum", 2 * time.Hour, []jury.Accommodation{third, half, room},
			3 * time.Hour},
		{"room only", 2 * time.Hour, []jury.Accommodation{room}, 2 * time.Hour},
		{"no base", 0, []jury.Accommodation{third}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jury.AdjustedDuration(tt.base, tt.accs); got != tt.want {
				t.Fatalf("AdjustedDuration(%v) = %v, want %v", tt.base, got, tt.want)
			}
		})
	}
}

func TestAccommodationValidate(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		name string
		acc  jury.Accommodation
		want string // part of the problem, "" when valid
	}{
		{"default third", jury.Accommodation{Kind: jury.AidExtraTime}, ""},
		{"explicit third", jury.Accommodation{Kind: jury.AidExtraTime, ExtraTime: jury.OneThird}, ""},
		{"quarter", jury.Accommodation{Kind: jury.AidExtraTime,
			ExtraTime: jury.Fraction{Num: 1, Den: 4}}, ""},
		{"half without opinion", jury.Accommodation{Kind: jury.AidExtraTime,
			ExtraTime: jury.Fraction{Num: 1, Den: 2}}, "avis médical"},
		{"half with opinion", jury.Accommodation{Kind: jury.AidExtraTime,
			ExtraTime: jury.Fraction{Num: 1, Den: 2}, MedicalOpinion: "CDAPH 2025"}, ""},
		{"zero denominator", jury.Accommodation{Kind: jury.AidExtraTime,
			ExtraTime: jury.Fraction{Num: 1}}, "positive"},
		{"extra time on human aid", jury.Accommodation{Kind: jury.AidHuman,
			ExtraTime: jury.OneThird}, "aide humaine"},
		{"no kind", jury.Accommodation{}, "type"},
		{"other with detail", jury.Accommodation{Kind: jury.AidOther, Detail: "pauses"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.acc.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, jury.ErrAccommodationInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want a problem about %q", err, tt.want)
			}
		})
	}
}

func TestAccommodationKeepsDetailInside(t *testing.T) {
	a := jury.Accommodation{Kind: jury.AidExtraTime, ExtraTime: jury.Fraction{Num: 1, Den: 2},
		MedicalOpinion: "Dr Martin", Detail: "trouble dys"}
	if s := a.String() + a.GoString(); strings.Contains(s, "dys") || strings.Contains(s, "Martin") {
		t.Fatalf("String leaks confidential parts: %q", s)
	}
	r := a.Redacted()
	if r.Detail != "" || r.MedicalOpinion != "" || r.Kind != a.Kind || r.ExtraTime != a.ExtraTime {
		t.Fatalf("Redacted = %#v", r)
	}
	if a.Detail == "" {
		t.Fatal("Redacted changed the original")
	}
}
