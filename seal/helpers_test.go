package seal_test

import (
	"crypto/x509"
	"fmt"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"certeval/assets"
	"certeval/seal"
)

// fastParams keep key-file tests quick; Save itself uses DefaultParams.
var fastParams = seal.Params{MemoryKiB: 64, Time: 1, Threads: 1}

// signTime is the fixed signing time of the tests.
var signTime = time.Date(2025, 6, 30, 14, 0, 0, 0, time.UTC)

// MustIdentity returns a new self-signed identity for name.
func MustIdentity(tb testing.TB, name string) *seal.Identity {
	tb.Helper()
	id, err := seal.NewIdentity(seal.Subject{
		Name:        name,
		Role:        "Président du jury",
		Institution: "Université de Lorraine",
		Country:     "FR",
	})
	if err != nil {
		tb.Fatalf("NewIdentity: %v", err)
	}
	return id
}

// MustPool returns a trust pool holding the identities' certificates.
func MustPool(ids ...*seal.Identity) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, id := range ids {
		pool.AddCert(id.Certificate)
	}
	return pool
}

// MustPDF renders a certificate-like document of the given number of
// lines with gopdf and the embedded DejaVu font.
func MustPDF(tb testing.TB, title string, lines int) []byte {
	tb.Helper()
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := pdf.AddTTFFontData("dejavu", assets.Font("DejaVuSans.ttf")); err != nil {
		tb.Fatalf("add font: %v", err)
	}
	if err := pdf.SetFont("dejavu", "", 11); err != nil {
		tb.Fatalf("set font: %v", err)
	}
	pdf.AddPage()
	pdf.SetXY(50, 50)
	if err := pdf.Text(title); err != nil {
		tb.Fatalf("text: %v", err)
	}
	for i := range lines {
		if i > 0 && i%60 == 0 {
			pdf.AddPage()
		}
		pdf.SetXY(50, float64(80+12*(i%60)))
		line := fmt.Sprintf("Acquis d’apprentissage n° %d : « maîtrisé » – évalué le 30/06", i+1)
		if err := pdf.Text(line); err != nil {
			tb.Fatalf("text: %v", err)
		}
	}
	return pdf.GetBytesPdf()
}

// MustSign signs doc with id at signTime.
func MustSign(tb testing.TB, doc []byte, id *seal.Identity) []byte {
	tb.Helper()
	out, err := seal.SignPDF(doc, id, seal.SignInfo{
		Location: "Nancy",
		Reason:   "Délibération du jury",
		Time:     signTime,
	})
	if err != nil {
		tb.Fatalf("SignPDF: %v", err)
	}
	return out
}
