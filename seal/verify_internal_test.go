package seal

import (
	"errors"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"certeval/assets"
)

// TestCheckSigningCertificate checks that the ESS certificate hash of a
// signature binds it to its certificate and no other.
func TestCheckSigningCertificate(t *testing.T) {
	id, _ := NewIdentity(Subject{Name: "Jeanne Martin"})
	twin, _ := NewIdentity(Subject{Name: "Jeanne Martin"})
	var g gopdf.GoPdf
	g.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := g.AddTTFFontData("dejavu", assets.Font("DejaVuSans.ttf")); err != nil {
		t.Fatal(err)
	}
	if err := g.SetFont("dejavu", "", 12); err != nil {
		t.Fatal(err)
	}
	g.AddPage()
	if err := g.Text("Procès-verbal"); err != nil {
		t.Fatal(err)
	}
	signed, err := SignPDF(g.GetBytesPdf(), id, SignInfo{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	sig, err := findSignature(signed)
	if err != nil {
		t.Fatal(err)
	}
	p7, _, err := sig.parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSigningCertificate(p7, id.Certificate); err != nil {
		t.Fatalf("own certificate: %v", err)
	}
	err = checkSigningCertificate(p7, twin.Certificate)
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other certificate: %v, want %v", err, ErrBadSignature)
	}
}
