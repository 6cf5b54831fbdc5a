package issue

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ErrNotBadge is returned for a document that is not an Open Badges 3.0
// AchievementCredential; the error wrapping it names the first properties
// at fault.
var ErrNotBadge = errors.New("issue: not an Open Badges 3.0 credential")

// OfficialBadgeSchema is the address of 1EdTech's JSON schema for the
// AchievementCredential class. Each credential names it in its
// "credentialSchema" property, as the specification asks, so that a
// verifier online can check the credential against it too.
const OfficialBadgeSchema = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/" +
	"ob_v3p0_achievementcredential_schema.json"

// badgeSchemaJSON is Certeval's JSON schema of the AchievementCredential,
// written from the Open Badges 3.0 data model (see the file's description).
//
//go:embed openbadges.schema.json
var badgeSchemaJSON []byte

const badgeSchemaURL = "urn:certeval:schema:openbadges-3.0:achievementcredential"

// badgeSchema compiles the embedded schema once. Formats (uri, date-time,
// email) are asserted, not merely annotated.
var badgeSchema = sync.OnceValue(func() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(badgeSchemaJSON))
	if err != nil {
		panic("issue: embedded Open Badges schema: " + err.Error())
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(badgeSchemaURL, doc); err != nil {
		panic("issue: embedded Open Badges schema: " + err.Error())
	}
	return c.MustCompile(badgeSchemaURL)
})

// CheckBadge reports whether doc, an OpenBadgeCredential as JSON or the
// claims of its VC-JWT, keeps to the Open Badges 3.0 data model: required
// properties, closed classes, enumerations, URIs and dates. The error wraps
// ErrNotBadge and names up to three faults by their JSON pointer.
func CheckBadge(doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotBadge, err)
	}
	err = badgeSchema().Validate(v)
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%w: %s", ErrNotBadge, schemaFaults(verr, 3))
	}
	return err
}

// schemaFaults lists the first max leaves of a validation error, each as
// "pointer: reason", the pointer "/" for the document itself.
func schemaFaults(e *jsonschema.ValidationError, max int) string {
	p := message.NewPrinter(language.English)
	var faults []string
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(faults) == max {
			return
		}
		if len(e.Causes) == 0 {
			at := "/" + strings.Join(e.InstanceLocation, "/")
			faults = append(faults, at+": "+e.ErrorKind.LocalizedString(p))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(e)
	return strings.Join(faults, "; ")
}
