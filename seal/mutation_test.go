package seal_test

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"math/rand"
	"testing"

	"certeval/seal"
)

// TestVerifyPDFMutations damages a signed document at random (a fixed
// seed): bytes of the file, bytes of the ECDSA signature value or of the
// padding after it, truncations and insertions. No damaged document may
// pass. (Other CMS fields, such as SignerInfo's version, are not covered by
// any signature in the standard, so changing them is not a forgery.)
func TestVerifyPDFMutations(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	signed := MustSign(t, MustPDF(t, "Certificat", 3), id)
	pool := MustPool(id)
	br := byteRange(t, signed)
	rng := rand.New(rand.NewSource(1))

	for i := range 3000 {
		doc := mutate(rng, signed, br)
		if bytes.Equal(doc, signed) {
			continue
		}
		r, err := seal.VerifyPDF(doc, pool)
		if err != nil {
			t.Fatalf("mutation %d: VerifyPDF: %v", i, err)
		}
		if r.Authentic {
			for j := range doc {
				if j >= len(signed) || doc[j] != signed[j] {
					t.Fatalf("mutation %d accepted: at %d of %d (br %v), len %d vs %d: %q -> %q",
						i, j, len(signed), br, len(doc), len(signed),
						signed[max(j-20, 0):min(j+20, len(signed))], doc[max(j-20, 0):min(j+20, len(doc))])
				}
			}
			t.Fatalf("mutation %d accepted", i)
		}
	}
}

// mutate returns a damaged copy of signed.
func mutate(rng *rand.Rand, signed []byte, br [4]int) []byte {
	doc := bytes.Clone(signed)
	switch rng.Intn(4) {
	case 0: // a byte anywhere
		doc[rng.Intn(len(doc))] = byte(rng.Intn(256))
	case 1: // the ECDSA value at the end of the DER, or the padding after it
		der, _ := hex.DecodeString(string(doc[br[1]+1 : br[2]-1]))
		var raw asn1.RawValue
		if _, err := asn1.Unmarshal(der, &raw); err != nil {
			panic(err)
		}
		end := len(raw.FullBytes)
		for range 1 + rng.Intn(3) {
			der[end-60+rng.Intn(len(der)-end+60)] = byte(rng.Intn(256))
		}
		copy(doc[br[1]+1:], hex.EncodeToString(der))
	case 2: // truncated
		doc = doc[:rng.Intn(len(doc))]
	case 3: // one byte inserted
		p := rng.Intn(len(doc))
		doc = append(doc[:p:p], append([]byte{byte(rng.Intn(256))}, signed[p:]...)...)
	}
	return doc
}
