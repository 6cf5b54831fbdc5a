package sheet_test

import (
	"fmt"
	"strings"
	"time"

	"certeval/assets"
	"certeval/sheet"
)

// The fixed inputs of the golden files. Changing one changes its golden
// file: run the tests with -update and look at the result.

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func producer() sheet.Header {
	return sheet.Header{
		Name:  "Université Claude Bernard Lyon 1",
		Image: assets.Icon(),
		Lines: []string{"Service de formation continue", "43 boulevard du 11 Novembre 1918, " +
			"69100 Villeurbanne — France"},
	}
}

func sampleCertificate(lang string) sheet.Certificate {
	return sheet.Certificate{
		Lang:     lang,
		ID:       "UCBL-MC-2025-000142",
		Producer: producer(),
		Experts:  []string{"Dr Élodie Lefèvre", "Pr Jean-Baptiste N'Diaye"},
		Title:    "Concevoir une évaluation par compétences en formation à distance",
		Learner: sheet.Learner{
			GivenNames: "Marie-Hélène", FamilyName: "Dupont-Œhler",
			BirthDate: date(1988, time.March, 12),
		},
		Competencies: []sheet.Competency{
			{Code: "C1", Title: "Construire une situation d'apprentissage et d'évaluation",
				Outcomes: []string{
					"Rédiger une consigne authentique alignée sur les acquis visés",
					"Choisir des critères observables et des niveaux de performance",
				}},
			{Code: "C2", Title: "Évaluer et rendre compte",
				Outcomes: []string{
					"Appliquer une grille critériée de manière fiable et équitable",
					"Rédiger un retour formatif qui permet à l'apprenant·e de progresser",
				}},
		},
		IssuedOn:             date(2025, time.June, 30),
		Country:              "France",
		Region:               "Auvergne-Rhône-Alpes",
		Level:                "Niveau 6 (CEC / cadre national des certifications)",
		Hours:                24,
		ECTS:                 1.5,
		AssessmentType:       "Production écrite évaluée sur grille critériée (SAE)",
		Participation:        "En ligne, asynchrone",
		QualityAssurance:     "Qualiopi ; cadre commun des micro-certifications Digital FCU",
		Supervision:          "Évaluation non surveillée, travail personnel déclaré",
		IdentityVerification: "Pièce d'identité vérifiée à l'inscription",
		Stackability:         "Empilable dans le DU « Ingénierie de formation »",
		LegalRep:             "Frédéric Fleury",
		LegalRepTitle:        "Président de l'université",
		Outcome:              "Admise",
		Mark:                 "15,5 / 20",
		QRPayload:            "CV1:UCBL-MC-2025-000142:MEUCIQDx0123456789abcdef",
	}
}

func jury() sheet.Jury {
	return sheet.Jury{
		Date:    date(2025, time.June, 27),
		Sitting: "Session 1",
		Members: []sheet.Member{
			{Name: "Pr Anne Moreau", Role: "présidente", Institution: "Université Lyon 1",
				Present: true},
			{Name: "Dr Élodie Lefèvre", Role: "experte pédagogique",
				Institution: "Université Lyon 1", Present: true},
			{Name: "M. Karim Benali", Role: "expert pédagogique",
				Institution: "Université de Strasbourg", Present: true},
			{Name: "Mme Sophie Garnier", Role: "représentante du service FC",
				Institution: "Université Grenoble Alpes", Present: false},
		},
		President:       "Pr Anne Moreau",
		Quorum:          "3 membres présents sur 4",
		QuorumMet:       true,
		Rules:           "MCC v2 : admis si chaque critère atteint le niveau « satisfaisant »",
		GridFingerprint: "sha256:4f2a9c1e…d07b",
	}
}

var surnames = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard",
	"Durand", "Dubois", "Moreau", "Laurent"}

func resultRows(n int, long bool) []sheet.ResultRow {
	rows := make([]sheet.ResultRow, n)
	for i := range rows {
		r := sheet.ResultRow{
			CandidateID:  fmt.Sprintf("CAND-%04d", i+1),
			Name:         strings.ToUpper(surnames[i%len(surnames)]) + " Camille",
			OutcomeCode:  "ADM",
			OutcomeLabel: "Admis·e",
			Score:        fmt.Sprintf("%d / 20", 10+i%10),
		}
		if i%4 == 3 {
			r.OutcomeCode, r.OutcomeLabel, r.Score = "AJ", "Ajourné·e", "8 / 20"
			r.Observations = "Session 2 (rattrapage) le 15 septembre 2025"
		}
		if long {
			r.Name = strings.ToUpper(surnames[i%len(surnames)]) +
				"-DE-LA-TOUR-D'AUVERGNE-MONTMORENCY Marie-Joséphine Anne-Charlotte"
			r.Observations = "Décision du jury après examen du dossier ; recours gracieux " +
				"déposé le 3 juillet 2025, examiné en commission, décision maintenue. " +
				"Une observation très longue qui doit passer à la ligne dans sa cellule."
		}
		rows[i] = r
	}
	return rows
}

func sampleResults(n int, long bool) sheet.ResultSheet {
	return sheet.ResultSheet{
		Lang: "fr",
		ID:   "RS-2025-06-27-UNISTRA",
		Header: sheet.Header{
			Name:  "Université de Strasbourg",
			Lines: []string{"Service universitaire de formation continue — France"},
		},
		Producer: "Université Claude Bernard Lyon 1",
		Title:    "Concevoir une évaluation par compétences en formation à distance",
		Code:     "MC-EVAL-01",
		Jury:     jury(),
		Rows:     resultRows(n, long),
	}
}

func sampleMinutes() sheet.Minutes {
	rows := resultRows(6, false)
	ds := make([]sheet.Decision, len(rows))
	for i, r := range rows {
		ds[i] = sheet.Decision{
			CandidateID: r.CandidateID, Name: r.Name, OutcomeCode: r.OutcomeCode,
			OutcomeLabel: r.OutcomeLabel, Mark: r.Score, Observations: r.Observations,
		}
	}
	ds[2].OutcomeCode, ds[2].OutcomeLabel = "ADJ", "Admis·e par décision du jury"
	ds[2].Override = &sheet.Override{
		Computed: "AJ – Ajourné·e",
		Reason:   "critère 3 à un point du seuil, progression constatée",
		Vote:     "unanimité",
	}
	return sheet.Minutes{
		Lang:                "fr",
		ID:                  "PV-2025-06-27-MC-EVAL-01-v2",
		Producer:            producer(),
		Title:               "Concevoir une évaluation par compétences en formation à distance",
		Code:                "MC-EVAL-01",
		Jury:                jury(),
		Decisions:           ds,
		Version:             2,
		Replaces:            "PV-2025-06-27-MC-EVAL-01-v1",
		ClosedBy:            "Pr Anne Moreau",
		ClosedAt:            time.Date(2025, time.June, 27, 16, 42, 0, 0, time.UTC),
		DecisionFingerprint: "sha256:9b7e01c3…a4f0",
	}
}

func sampleLetter() sheet.Letter {
	return sheet.Letter{
		Lang:      "fr",
		ID:        "LT-2025-000142",
		Producer:  producer(),
		Place:     "Villeurbanne",
		Date:      date(2025, time.June, 30),
		Recipient: "Mme Marie-Hélène DUPONT-ŒHLER",
		Address:   []string{"12 rue des Tanneurs", "67000 Strasbourg"},
		Title:     "Concevoir une évaluation par compétences en formation à distance",
		Sitting:   "session 1",
		JuryDate:  date(2025, time.June, 27),
		Outcome:   "Admise",
		Mark:      "15,5 / 20",
		AppealProcedure: "Vous pouvez former un recours gracieux auprès de la présidente " +
			"du jury par courrier ou par courriel au service de formation continue, en " +
			"joignant tout élément utile. Un recours contentieux reste possible devant le " +
			"tribunal administratif dans les deux mois suivant la notification.",
		AppealDeadline: date(2025, time.August, 29),
		Signatory:      "Pr Anne Moreau",
		SignatoryTitle: "Présidente du jury",
	}
}

func sampleGrid() sheet.BlankGrid {
	levels := []string{"Insuffisant", "Fragile", "Satisfaisant", "Très satisfaisant"}
	crit := func(title, desc string, ds ...string) sheet.GridCriterion {
		c := sheet.GridCriterion{Title: title, Description: desc}
		for i, d := range ds {
			c.Cells = append(c.Cells, sheet.GridCell{Descriptor: d, Points: float64(i) * 1.5})
		}
		return c
	}
	return sheet.BlankGrid{
		Lang:        "fr",
		Producer:    sheet.Header{Name: "Université Claude Bernard Lyon 1"},
		Title:       "Concevoir une évaluation par compétences en formation à distance",
		Name:        "Grille SAE 1",
		Fingerprint: "sha256:4f2a9c1e…d07b",
		Levels:      levels,
		Criteria: []sheet.GridCriterion{
			crit("Alignement", "La consigne est alignée sur les acquis visés.",
				"Consigne sans lien avec les acquis", "Lien partiel, implicite",
				"Lien explicite avec la plupart des acquis",
				"Chaque acquis est mobilisé et explicitement visé par la consigne"),
			crit("Critères", "Les critères sont observables.",
				"Aucun critère", "Critères vagues ou non observables",
				"Critères observables, niveaux distincts",
				"Critères observables, niveaux gradués et illustrés d'exemples"),
			crit("Retour formatif", "",
				"Absent", "Générique", "Personnalisé",
				"Personnalisé, actionnable, relié aux critères de la grille"),
		},
	}
}
