package issue

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"certeval/seal"
)

// Open Badges 3.0 constants.
var (
	badgeContext = []string{"https://www.w3.org/ns/credentials/v2",
		"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
	badgeType = []string{"VerifiableCredential", "OpenBadgeCredential"}
)

// Badge is the plain input of an Open Badges 3.0 credential for one learner
// who passed.
type Badge struct {
	ID          string // the document identifier
	IssuerID    string // a URI naming the issuer; "" derives one from the key
	IssuerName  string // the producing university
	ValidFrom   time.Time
	Email       string // hashed into the subject's identifier when set
	Name        string // the learner's full name, used when Email is empty
	Credential  string // the credential's code
	Title       string
	Description string
	Criteria    string // how the credential is earned, as a narrative
	EQFLevel    int    // 0 when the credential has no EQF level
	Hours       float64
	ECTS        float64
	Outcome     string // the outcome's label ("Admis·e")
	Mark        string // the mark as published, or ""
}

// BadgeCredential returns the OpenBadgeCredential (an AchievementCredential)
// of b as JSON. The workload goes in the achievement's description and in
// the "creditsAvailable" field where ECTS are set; the learner is named by
// a salted SHA-256 of the e-mail address (or of the name), never in clear.
func BadgeCredential(b Badge) ([]byte, error) {
	return json.Marshal(badgeDocument(b))
}

// badgeDocument is the credential of b, ready to marshal.
func badgeDocument(b Badge) map[string]any {
	issuerID := b.IssuerID
	if issuerID == "" {
		issuerID = "urn:certeval:issuer:" + url.PathEscape(strings.ToLower(b.IssuerName))
	}
	achievement := map[string]any{
		"id":              "urn:certeval:achievement:" + url.PathEscape(b.Credential),
		"type":            []string{"Achievement"},
		"achievementType": "MicroCredential",
		"humanCode":       b.Credential,
		"name":            b.Title,
		"description":     badgeDescription(b),
		"criteria":        map[string]any{"narrative": b.Criteria},
	}
	if b.ECTS > 0 {
		achievement["creditsAvailable"] = b.ECTS
	}
	if b.EQFLevel > 0 {
		achievement["alignment"] = []map[string]any{{
			"type":            []string{"Alignment"},
			"targetName":      fmt.Sprintf("EQF level %d", b.EQFLevel),
			"targetType":      "ext:EQFLevel",
			"targetFramework": "European Qualifications Framework",
			"targetCode":      fmt.Sprint(b.EQFLevel),
			"targetUrl":       "https://europass.europa.eu/en/description-eight-eqf-levels",
		}}
	}
	result := map[string]any{"type": []string{"Result"}, "value": b.Outcome}
	if b.Mark != "" {
		result["value"] = b.Outcome + " (" + b.Mark + ")"
	}
	return map[string]any{
		"@context": badgeContext,
		"id":       "urn:certeval:credential:" + url.PathEscape(b.ID),
		"type":     badgeType,
		"issuer": map[string]any{"id": issuerID, "type": []string{"Profile"},
			"name": b.IssuerName},
		"validFrom": b.ValidFrom.UTC().Format(time.RFC3339),
		"name":      b.Title,
		"credentialSubject": map[string]any{
			"type":        []string{"AchievementSubject"},
			"identifier":  []map[string]any{subjectIdentifier(b)},
			"achievement": achievement,
			"result":      []map[string]any{result},
		},
		"credentialSchema": []map[string]any{{"id": OfficialBadgeSchema,
			"type": "1EdTechJsonSchemaValidator2019"}},
	}
}

// badgeDescription adds the workload to the credential's description; with
// neither, the title stands in, the specification requiring a description.
func badgeDescription(b Badge) string {
	d := strings.TrimSpace(b.Description)
	if b.Hours > 0 {
		w := fmt.Sprintf("Notional workload: %g hours", b.Hours)
		if b.ECTS > 0 {
			w += fmt.Sprintf(", %g ECTS", b.ECTS)
		}
		if d != "" && !strings.HasSuffix(d, ".") {
			d += "."
		}
		if d != "" {
			d += " "
		}
		d += w + "."
	}
	if d == "" {
		d = b.Title
	}
	return d
}

// subjectIdentifier is the OB 3.0 IdentityObject naming the learner by a
// salted hash, as the specification allows.
func subjectIdentifier(b Badge) map[string]any {
	kind, value := "emailAddress", strings.ToLower(strings.TrimSpace(b.Email))
	if value == "" {
		kind, value = "name", strings.TrimSpace(b.Name)
	}
	salt := b.ID
	sum := sha256.Sum256([]byte(value + salt))
	return map[string]any{
		"type": "IdentityObject", "identityType": kind, "hashed": true,
		"salt": salt, "identityHash": "sha256$" + hex.EncodeToString(sum[:]),
	}
}

// SignBadge returns b as a VC-JWT: the credential JSON signed ES256 by id,
// with the claims "iss", "jti" and "nbf" that VC-JWT readers expect beside
// the credential's own fields. A credential that CheckBadge refuses is not
// signed.
func SignBadge(id *seal.Identity, b Badge) (string, error) {
	if b.IssuerID == "" {
		b.IssuerID = "urn:certeval:key:" + seal.KeyID(id.Certificate)
	}
	claims := badgeDocument(b)
	claims["iss"] = b.IssuerID
	claims["jti"] = claims["id"]
	claims["nbf"] = b.ValidFrom.Unix()
	body, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("write badge: %w", err)
	}
	if err := CheckBadge(body); err != nil {
		return "", fmt.Errorf("write badge %s: %w", b.ID, err)
	}
	return seal.SignJWT(id, map[string]any{"typ": "vc+jwt"}, body)
}
