package demo

import (
	"fmt"
	"image/color"
	"math/rand"
	"time"

	"certeval/jury"
)

// The sample credential: a realistic French micro-credential for trainers
// in continuing education, produced by one university and sold by three.
const sampleCode = "MC-FHA"

var (
	producer = jury.University{
		Code: "UGA", Name: "Université Grenoble Alpes", Country: "France",
		Region: "Auvergne-Rhône-Alpes", LegalRep: "Claire Morel",
		LegalRepTitle: "présidente de l'université",
	}
	participants = []jury.University{
		{Code: "UGA", Name: "Université Grenoble Alpes", Country: "France",
			Region: "Auvergne-Rhône-Alpes", LegalRep: "Claire Morel",
			LegalRepTitle: "présidente de l'université"},
		{Code: "UBO", Name: "Université de Bretagne Occidentale", Country: "France",
			Region: "Bretagne", LegalRep: "Yann Le Gall",
			LegalRepTitle: "président de l'université"},
		{Code: "UPPA", Name: "Université de Pau et des Pays de l'Adour", Country: "France",
			Region: "Nouvelle-Aquitaine", LegalRep: "Inès Etcheverry",
			LegalRepTitle: "présidente de l'université"},
	}
	experts = []jury.Expert{
		{Name: "Sophie Garnier", Email: "sophie.garnier@univ-grenoble-alpes.fr",
			Institution: "Université Grenoble Alpes"},
		{Name: "Karim Benali", Email: "karim.benali@univ-brest.fr",
			Institution: "Université de Bretagne Occidentale"},
	}
)

// president is the jury president, whose key signs the sample's decisions.
var president = jury.Member{
	Name: "Hélène Rousseau", Role: "présidente du jury",
	Institution: "Université Grenoble Alpes", President: true,
}

// colours of the sample universities' headers, by code.
var colours = map[string]color.RGBA{
	"UGA": {0x1d, 0x4e, 0x89, 0xff}, "UBO": {0x00, 0x7a, 0x5e, 0xff},
	"UPPA": {0xb0, 0x3a, 0x2e, 0xff},
}

// SampleCredential returns the sample micro-credential, complete.
func SampleCredential() jury.Credential {
	c := sampleCredential()
	c.Producer.Header = header(colours[c.Producer.Code])
	c.Participants = append([]jury.University(nil), c.Participants...)
	for i := range c.Participants {
		c.Participants[i].Header = header(colours[c.Participants[i].Code])
	}
	return c
}

func sampleCredential() jury.Credential {
	return jury.Credential{
		Code:         sampleCode,
		Title:        "Concevoir une formation hybride accessible",
		Producer:     producer,
		Participants: participants,
		Experts:      experts,
		Hours:        24,
		ECTS:         1,
		Level:        jury.Level{Framework: jury.EQF, Value: 6},
		Competencies: []jury.Competency{
			{Code: "C1", Title: "Concevoir un scénario de formation hybride"},
			{Code: "C2", Title: "Produire des ressources numériques accessibles"},
			{Code: "C3", Title: "Évaluer les acquis et analyser sa pratique"},
		},
		Outcomes: []jury.LearningOutcome{
			{Code: "AA1.1",
				Text: "Analyser une commande de formation et formuler des objectifs observables"},
			{Code: "AA1.2",
				Text: "Articuler temps synchrones et asynchrones au service des objectifs"},
			{Code: "AA1.3",
				Text: "Choisir des modalités adaptées au public et aux contraintes"},
			{Code: "AA2.1", Text: "Produire une ressource numérique pédagogiquement pertinente"},
			{Code: "AA2.2", Text: "Appliquer les règles d'accessibilité numérique (RGAA)"},
			{Code: "AA3.1",
				Text: "Concevoir un dispositif d'évaluation aligné sur les objectifs"},
			{Code: "AA3.2", Text: "Rédiger une grille critériée"},
			{Code: "AA3.3", Text: "Analyser de façon réflexive ses choix de conception"},
		},
		Prerequisites: "Expérience d'au moins un an en formation d'adultes.",
		Participation: "hybride : 18 h à distance, 6 h en présence",
		QualityAssurance: "Certification Qualiopi de l'organisme ; validation de la " +
			"micro-certification par la CFVU de l'université productrice",
		Supervision:          "évaluation non surveillée : production remise en ligne",
		IdentityVerification: "authentification par l'ENT et déclaration sur l'honneur",
		Stackability: "Bloc du DU « Ingénierie de la formation à distance » " +
			"(capitalisable)",
		BlindGrading: false,
		DoubleMarking: jury.DoubleMarking{Enabled: true, LevelGap: 2, PointGap: 3,
			Rule: jury.MarkingMean},
		RetentionMonths: 60,
		Attendance:      jury.AttendanceRule{Kind: jury.AttendanceMandatory},
		Milestones: []jury.Milestone{
			{Label: "Classe virtuelle de lancement", Hours: 2, Mandatory: true},
			{Label: "Atelier en présence « accessibilité »", Hours: 6, Mandatory: true},
			{Label: "Forum de co-analyse des scénarios", Hours: 3},
		},
		MCC: jury.MCC{
			EvaluationType: "production écrite individuelle (SAE) et note réflexive",
			Duration:       3 * time.Hour,
			Accommodations: "tiers-temps, aides humaines ou techniques, format adapté, " +
				"évaluation fractionnée (Code de l'éducation, D613-26)",
			AbsenceMeasure: "absence justifiée : rattrapage ; absence non justifiée : " +
				"défaillant·e",
			Lateness:    jury.LatePenalty,
			LatePenalty: 2,
			AppealProcess: "recours gracieux écrit auprès de la présidente du jury, " +
				"motivé, par courriel au service de formation continue",
			AppealDays: 15,
			Resit:      jury.ResitBest,
			Jury: []jury.Member{
				president,
				{Name: "Sophie Garnier", Role: "experte pédagogique",
					Institution: "Université Grenoble Alpes"},
				{Name: "Karim Benali", Role: "expert pédagogique",
					Institution: "Université de Bretagne Occidentale"},
				{Name: "Anne-Laure Picard", Role: "représentante du service de formation continue",
					Institution: "Université de Pau et des Pays de l'Adour"},
			},
			Quorum: 3,
		},
	}
}

var (
	familyNames = []string{
		"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
		"Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
		"Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
		"Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Nguyen",
		"Le Goff", "Kerouac'h", "N'Diaye", "Ben Salah", "Œuvrard", "Élie", "Château",
	}
	givenNames = []string{
		"Camille", "Léa", "Manon", "Chloé", "Inès", "Zoé", "Lucie", "Anaïs", "Maëlle",
		"Éloïse", "Hugo", "Lucas", "Théo", "Nathan", "Mathéo", "Raphaël", "Noé", "Jérôme",
		"François-Xavier", "Anne-Sophie", "Gaëlle", "Loïc", "Cédric", "Océane", "Joël",
		"Amélie", "Benoît", "Hélène", "Yasmine", "Mamadou",
	}
)

// Candidates returns n sample candidates, the same for the same n. Every
// seventh has extra time, a few have a human aid; the universities are
// spread in turn.
func Candidates(n int) []jury.Candidate {
	rng := rand.New(rand.NewSource(int64(n)*7919 + 1))
	out := make([]jury.Candidate, n)
	birth := time.Date(1972, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		c := jury.Candidate{
			ID:         fmt.Sprintf("MC26-%05d", i+1),
			FamilyName: familyNames[rng.Intn(len(familyNames))],
			GivenNames: givenNames[rng.Intn(len(givenNames))],
			BirthDate:  birth.AddDate(0, 0, rng.Intn(30*365)),
			University: participants[i%len(participants)].Code,
		}
		c.Email = fmt.Sprintf("candidat%05d@exemple.fr", i+1)
		switch {
		case i%7 == 3:
			c.Accommodations = []jury.Accommodation{{Kind: jury.AidExtraTime,
				Detail: "tiers-temps sur avis du médecin du service de santé universitaire"}}
		case i%11 == 5:
			c.Accommodations = []jury.Accommodation{{Kind: jury.AidHuman,
				Detail: "secrétaire-scripteur"}}
		}
		out[i] = c
	}
	return out
}
