package seal

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// SignInfo describes a PDF signature as readers show it.
type SignInfo struct {
	Name        string    // signer's name as displayed, the certificate's CN when empty
	Location    string    // where it was signed, such as the university's town
	Reason      string    // why, such as "Délibération du jury"
	ContactInfo string    // how to reach the signer, optional
	Time        time.Time // the signing time written in the signature dictionary
}

// SignPDF returns pdf with an embedded certification signature by id:
// adbe.pkcs7.detached, SHA-256, DocMDP "no changes permitted", appended as
// an incremental update. Everything outside the signature value depends
// only on pdf, id and info, so info.Time should be set; the current time is
// used when it is zero.
func SignPDF(doc []byte, id *Identity, info SignInfo) (out []byte, err error) {
	// The PDF parser panics on some inputs; a bad document is an error.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("sign pdf: unreadable document: %v", p)
		}
	}()
	if err := checkKey(id.Signer, id.Certificate); err != nil {
		return nil, err
	}
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("read pdf: %w", err)
	}

	if info.Name == "" {
		info.Name = id.Certificate.Subject.CommonName
	}
	if info.Time.IsZero() {
		info.Time = time.Now()
	}
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
			Info: sign.SignDataSignatureInfo{
				Name:        info.Name,
				Location:    info.Location,
				Reason:      info.Reason,
				ContactInfo: info.ContactInfo,
				Date:        info.Time,
			},
		},
		Signer:          id.Signer,
		DigestAlgorithm: crypto.SHA256,
		Certificate:     id.Certificate,
	}
	if len(id.Chain) > 0 {
		chain := append([]*x509.Certificate{id.Certificate}, id.Chain...)
		data.CertificateChains = [][]*x509.Certificate{chain}
	}

	var buf bytes.Buffer
	buf.Grow(len(doc) + 8<<10)
	if err := sign.Sign(bytes.NewReader(doc), &buf, rdr, int64(len(doc)), data); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	return buf.Bytes(), nil
}
