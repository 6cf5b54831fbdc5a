package jury_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"certeval/i18n"
	"certeval/jury"
)

var png = []byte("\x89PNG\r\n\x1a\nrest-of-image")

// completeCredential returns a credential with every item filled in.
func completeCredential() *jury.Credential {
	return &jury.Credential{
		Code:  "MC-IA-ENS",
		Title: "Intégrer l'IA générative dans son enseignement",
		Producer: jury.University{Code: "UPVD", Name: "Université de Perpignan Via Domitia",
			Country: "France", Region: "Occitanie", Header: png,
			LegalRep: "Marie Dupont", LegalRepTitle: "présidente de l'université"},
		Participants: []jury.University{
			{Code: "UPVD", Name: "Université de Perpignan Via Domitia", Header: png},
			{Code: "UGA", Name: "Université Grenoble Alpes", Header: png},
		},
		Experts: []jury.Expert{{Name: "Karim Benali", Email: "karim.benali@example.fr",
			Institution: "UPVD"}},
		Hours:                20,
		ECTS:                 1,
		Level:                jury.Level{Framework: jury.EQF, Value: 6},
		Competencies:         []jury.Competency{{Code: "C1", Title: "Concevoir une séquence"}},
		Outcomes:             []jury.LearningOutcome{{Code: "AA1", Text: "Rédiger un prompt"}},
		Participation:        "à distance",
		QualityAssurance:     "Qualiopi",
		Supervision:          "télésurveillance",
		IdentityVerification: "pièce d'identité présentée à la caméra",
		DoubleMarking: jury.DoubleMarking{Enabled: true, LevelGap: 2, PointGap: 3,
			Rule: jury.MarkingMean},
		RetentionMonths: 60,
		Attendance:      jury.AttendanceRule{Kind: jury.AttendanceBoth, MinHours: 14},
		Milestones: []jury.Milestone{
			{Label: "Classe virtuelle 1", Hours: 1.5, Mandatory: true},
			{Label: "Quiz final", Hours: 0.5},
		},
		MCC: jury.MCC{
			EvaluationType: "production écrite individuelle (SAE)",
			Duration:       2 * time.Hour,
			Accommodations: "tiers-temps, aides humaines et techniques",
			AbsenceMeasure: "ABJ : rattrapage ; ABI : défaillant",
			Lateness:       jury.LatePenalty, LatePenalty: 2,
			AppealProcess: "recours gracieux auprès du jury", AppealDays: 15,
			Resit:    jury.ResitBest,
			Criteria: jury.GridRef{Fingerprint: "sha256:ab12", Version: "1"},
			Jury: []jury.Member{{Name: "Marie Dupont", President: true},
				{Name: "Karim Benali"}},
			Quorum: 2,
		},
	}
}

func TestCredentialComplete(t *testing.T) {
	c := completeCredential()
	if err := c.Ready(); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if m := c.Missing(); len(m) != 0 {
		t.Fatalf("Missing = %q", m)
	}
}

func TestCredentialWorkload(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		hours float64
		ok    bool
	}{
		{6.5, false}, {7, true}, {18.5, true}, {30, true}, {30.5, false}, {-1, false},
	}
	for _, tt := range tests {
		c := completeCredential()
		c.Hours = tt.hours
		c.Attendance.MinHours = 0
		err := c.Validate()
		if tt.ok != (err == nil) {
			t.Fatalf("Validate with %v h = %v, want ok %v", tt.hours, err, tt.ok)
		}
		if err != nil && (!errors.Is(err, jury.ErrCredentialInvalid) ||
			!strings.Contains(err.Error(), "entre 7 et 30 heures")) {
			t.Fatalf("Validate with %v h = %v, want the 7–30 h reason", tt.hours, err)
		}
	}
}

func TestCredentialValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *jury.Credential)
	}{
		{"negative ECTS", func(c *jury.Credential) { c.ECTS = -1 }},
		{"level 9", func(c *jury.Credential) { c.Level.Value = 9 }},
		{"level without framework", func(c *jury.Credential) { c.Level.Framework = 0 }},
		{"code with space", func(c *jury.Credential) { c.Code = "MC IA" }},
		{"header not PNG", func(c *jury.Credential) { c.Participants[1].Header = []byte("GIF89a") }},
		{"duplicate university", func(c *jury.Credential) {
			c.Participants = append(c.Participants, c.Participants[0])
		}},
		{"expert email", func(c *jury.Credential) { c.Experts[0].Email = "karim@" }},
		{"duplicate competency", func(c *jury.Credential) {
			c.Competencies = append(c.Competencies, c.Competencies[0])
		}},
		{"duplicate outcome", func(c *jury.Credential) {
			c.Outcomes = append(c.Outcomes, c.Outcomes[0])
		}},
		{"points gap over 20", func(c *jury.Credential) { c.DoubleMarking.PointGap = 21 }},
		{"negative level gap", func(c *jury.Credential) { c.DoubleMarking.LevelGap = -1 }},
		{"negative retention", func(c *jury.Credential) { c.RetentionMonths = -1 }},
		{"attendance over workload", func(c *jury.Credential) { c.Attendance.MinHours = 21 }},
		{"negative milestone", func(c *jury.Credential) { c.Milestones[0].Hours = -1 }},
		{"penalty zero", func(c *jury.Credential) { c.MCC.LatePenalty = 0 }},
		{"penalty over 20", func(c *jury.Credential) { c.MCC.LatePenalty = 25 }},
		{"unknown lateness", func(c *jury.Credential) { c.MCC.Lateness = 9 }},
		{"unknown resit", func(c *jury.Credential) { c.MCC.Resit = 9 }},
		{"negative duration", func(c *jury.Credential) { c.MCC.Duration = -time.Minute }},
		{"negative appeal days", func(c *jury.Credential) { c.MCC.AppealDays = -1 }},
		{"quorum over jury", func(c *jury.Credential) { c.MCC.Quorum = 3 }},
		{"two presidents", func(c *jury.Credential) { c.MCC.Jury[1].President = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := completeCredential()
			tt.change(c)
			err := c.Validate()
			var pe *jury.ProblemsError
			if !errors.As(err, &pe) || len(pe.Problems) != 1 {
				t.Fatalf("Validate = %v, want one problem", err)
			}
			if !errors.Is(c.Ready(), jury.ErrCredentialInvalid) {
				t.Fatalf("Ready = %v, want invalid", c.Ready())
			}
		})
	}
}

func TestCredentialMissing(t *testing.T) {
	i18n.SetLanguage("fr")
	tests := []struct {
		name   string
		change func(c *jury.Credential)
		want   string // part of the one missing sentence
	}{
		{"no grid yet", func(c *jury.Credential) { c.MCC.Criteria = jury.GridRef{} },
			"grille d'évaluation"},
		{"no workload", func(c *jury.Credential) { c.Hours = 0 }, "volume horaire"},
		{"no header", func(c *jury.Credential) { c.Participants[1].Header = nil },
			"« UGA »"},
		{"no legal rep", func(c *jury.Credential) { c.Producer.LegalRepTitle = "" },
			"représentant légal"},
		{"expert without email", func(c *jury.Credential) { c.Experts[0].Email = "" },
			"n° 1"},
		{"no president", func(c *jury.Credential) { c.MCC.Jury[0].President = false },
			"président"},
		{"no quorum", func(c *jury.Credential) { c.MCC.Quorum = 0 }, "quorum"},
		{"no resit rule", func(c *jury.Credential) { c.MCC.Resit = 0 }, "rattrapage"},
		{"no lateness measure", func(c *jury.Credential) { c.MCC.Lateness = 0 }, "retard"},
		{"no appeal deadline", func(c *jury.Credential) { c.MCC.AppealDays = 0 }, "délai"},
		{"double marking rule", func(c *jury.Credential) { c.DoubleMarking.Rule = 0 },
			"double correction"},
		{"no attendance rule", func(c *jury.Credential) { c.Attendance = jury.AttendanceRule{} },
			"assiduité"},
		{"no mandatory milestone", func(c *jury.Credential) { c.Milestones[0].Mandatory = false },
			"jalon obligatoire"},
		{"no retention", func(c *jury.Credential) { c.RetentionMonths = 0 }, "conservation"},
		{"no outcome", func(c *jury.Credential) { c.Outcomes = nil }, "acquis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := completeCredential()
			tt.change(c)
			m := c.Missing()
			if len(m) != 1 || !strings.Contains(m[0], tt.want) || !strings.HasSuffix(m[0], ".") {
				t.Fatalf("Missing = %q, want one sentence about %q", m, tt.want)
			}
			if err := c.Ready(); !errors.Is(err, jury.ErrCredentialIncomplete) {
				t.Fatalf("Ready = %v, want incomplete", err)
			}
		})
	}
}

func TestEmptyCredentialMissesEverything(t *testing.T) {
	var c jury.Credential
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate of an empty draft = %v, want nil", err)
	}
	if got := len(c.Missing()); got < 25 {
		t.Fatalf("empty credential misses %d items, want every one (25 or more)", got)
	}
}

func TestMissingInEnglish(t *testing.T) {
	i18n.SetLanguage("en")
	defer i18n.SetLanguage("fr")
	c := completeCredential()
	c.Title = ""
	if m := c.Missing(); len(m) != 1 || m[0] != "Enter the micro-credential's title." {
		t.Fatalf("Missing = %q", m)
	}
}
