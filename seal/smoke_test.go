package seal_test

import (
	"os"
	"testing"
)

func TestSmoke(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	doc := MustPDF(t, "Certificat", 40)
	t.Logf("pdf %d bytes", len(doc))
	out := MustSign(t, doc, id)
	os.WriteFile("/tmp/smoke.pdf", out, 0o644)
}
