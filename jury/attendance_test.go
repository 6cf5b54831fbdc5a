package jury_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

var plan = []jury.Milestone{
	{Label: "Classe virtuelle 1", Hours: 1.5, Mandatory: true},
	{Label: "Quiz final", Hours: 0.5},
}

func TestEligible(t *testing.T) {
	i18n.SetLanguage("fr")
	cv := jury.Milestone{Label: "Classe virtuelle 1", Hours: 1.5, Validated: true}
	quiz := jury.Milestone{Label: "quiz final", Validated: true} // hours from the plan
	forum := jury.Milestone{Label: "Forum", Hours: 1, Mandatory: true}
	tests := []struct {
		name   string
		rule   jury.AttendanceRule
		ms     []jury.Milestone
		ok     bool
		reason string
	}{
		{"free", jury.AttendanceRule{Kind: jury.AttendanceFree}, nil, true, ""},
		{"mandatory met", jury.AttendanceRule{Kind: jury.AttendanceMandatory},
			[]jury.Milestone{cv}, true, ""},
		{"mandatory absent from the record", jury.AttendanceRule{Kind: jury.AttendanceMandatory},
			[]jury.Milestone{quiz}, false, "Jalons obligatoires non validés : Classe virtuelle 1."},
		{"mandatory from the record", jury.AttendanceRule{Kind: jury.AttendanceMandatory},
			[]jury.Milestone{cv, forum}, false, "Jalons obligatoires non validés : Forum."},
		{"hours met with plan hours", jury.AttendanceRule{Kind: jury.AttendanceHours, MinHours: 2},
			[]jury.Milestone{cv, quiz}, true, ""},
		{"hours short", jury.AttendanceRule{Kind: jury.AttendanceHours, MinHours: 2},
			[]jury.Milestone{cv, cv}, false, "1,5 h validées sur les 2 h exigées."},
		{"both short", jury.AttendanceRule{Kind: jury.AttendanceBoth, MinHours: 1},
			[]jury.Milestone{quiz}, false,
			"Jalons obligatoires non validés : Classe virtuelle 1. 0,5 h validées sur les 1 h exigées."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := completeCredential()
			c.Milestones, c.Attendance = plan, tt.rule
			ok, reason := c.Eligible(tt.ms)
			if ok != tt.ok || reason != tt.reason {
				t.Fatalf("Eligible = %v, %q; want %v, %q", ok, reason, tt.ok, tt.reason)
			}
		})
	}
}

func TestParseMilestones(t *testing.T) {
	opts := jury.MilestoneOptions{CandidateIDs: []string{"E2024001", "E2024002"}, Plan: plan}
	got, err := jury.ParseMilestones(bytes.NewReader(readFixture(t, "jalons_fr.csv")), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]jury.Milestone{
		"E2024001": {
			{Label: "Classe virtuelle 1", Hours: 1.5, Date: date(2025, 3, 10), Mandatory: true,
				Validated: true},
			{Label: "Quiz final", Hours: 0.5, Date: date(2025, 3, 12), Validated: true},
		},
		"E2024002": {
			{Label: "Classe virtuelle 1", Hours: 1.5, Mandatory: true},
			{Label: "Quiz final", Hours: 0.5, Date: date(2025, 3, 12), Validated: true},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseMilestones =\n%v\nwant\n%v", got, want)
	}
}

func TestParseMilestonesWithoutPlan(t *testing.T) {
	in := "candidat,jalon,heures,date,validé,obligatoire\nE1,Forum,1.25,2025-01-02,oui,oui\n"
	got, err := jury.ParseMilestones(strings.NewReader(in), jury.MilestoneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := jury.Milestone{Label: "Forum", Hours: 1.25, Date: date(2025, 1, 2),
		Mandatory: true, Validated: true}
	if len(got["E1"]) != 1 || got["E1"][0] != want {
		t.Fatalf("got %v, want %v", got, want)
	}

	noHours := "candidat,jalon,date,validé\nE1,Forum,2025-01-02,oui\n"
	_, err = jury.ParseMilestones(strings.NewReader(noHours), jury.MilestoneOptions{})
	if err == nil {
		t.Fatal("hours column missing without a plan: no error")
	}
}

func TestParseMilestonesBad(t *testing.T) {
	i18n.SetLanguage("fr")
	opts := jury.MilestoneOptions{CandidateIDs: []string{"E2024001", "E2024002"}, Plan: plan}
	got, err := jury.ParseMilestones(bytes.NewReader(readFixture(t, "jalons_bad.csv")), opts)
	var ie *jury.ImportError
	if got != nil || !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *ImportError and nothing imported", err)
	}
	want := "3:Jalon 4:Identifiant 4:Jalon 4:Validé 5:Heures 5:Date"
	if got := problemPlaces(ie); got != want {
		t.Fatalf("problems at %q, want %q\n%v", got, want, err)
	}
}

func TestParseHoursForms(t *testing.T) {
	for in, want := range map[string]float64{"1,5": 1.5, "1.5": 1.5, "2": 2, "1h30": 1.5,
		"1 h 30": 1.5, "0h45": 0.75, "3h": 3} {
		src := "candidat;jalon;heures;date;validé\nE1;Forum;" + in + ";;non\n"
		got, err := jury.ParseMilestones(strings.NewReader(src), jury.MilestoneOptions{})
		if err != nil || got["E1"][0].Hours != want {
			t.Errorf("hours %q = %v (%v), want %v", in, got["E1"], err, want)
		}
	}
	for _, in := range []string{"NaN", "-1", "1h75", "deux", "Inf"} {
		src := "candidat;jalon;heures;date;validé\nE1;Forum;" + in + ";;non\n"
		if _, err := jury.ParseMilestones(strings.NewReader(src), jury.MilestoneOptions{}); err == nil {
			t.Errorf("hours %q accepted", in)
		}
	}
}

func TestIdentityVerified(t *testing.T) {
	at := func(h int) time.Time { return date(2025, 6, 1).Add(time.Duration(h) * time.Hour) }
	c := validCandidate()
	c.IdentityChecks = []jury.IdentityCheck{
		{Sitting: 1, Method: jury.MethodProctoring, By: "ProctorU", At: at(9),
			Result: jury.CheckFailed},
		{Sitting: 1, Method: jury.MethodIDCheck, By: "Anne Roux", At: at(10),
			Result: jury.CheckVerified},
		{Sitting: 2, Method: jury.MethodNone, At: at(9)},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.IdentityVerified(1) {
		t.Fatal("sitting 1: the later check verified the identity")
	}
	if c.IdentityVerified(2) || c.IdentityVerified(3) {
		t.Fatal("sittings 2 and 3 were not verified")
	}
}

func TestConsentString(t *testing.T) {
	tests := []struct {
		c    jury.Consent
		want string
	}{
		{jury.Consent{}, ""},
		{jury.Consent{Given: true, Date: date(2025, 2, 3)}, "given 2025-02-03"},
		{jury.Consent{Date: date(2025, 2, 3), Alternative: "sur site"},
			"refused 2025-02-03: sur site"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want || tt.c.Asked() != (tt.want != "") {
			t.Errorf("String = %q, want %q", got, tt.want)
		}
	}
}
