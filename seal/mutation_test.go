package seal_test

import (
	"bytes"
	"encoding/hex"
	"math/rand"
	"testing"

	"certeval/seal"
)

// TestVerifyPDFMutations damages a signed document at random (a fixed
// seed, so failures reproduce): bytes of the file, bytes of the CMS
// signature, truncations and insertions. No damaged document may pass.
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
	case 1: // bytes of the DER signature, often turned into long or indefinite lengths
		der, _ := hex.DecodeString(string(doc[br[1]+1 : br[2]-1]))
		for range 1 + rng.Intn(3) {
			v := byte(rng.Intn(256))
			if rng.Intn(2) == 0 {
				v = 0x80 | byte(rng.Intn(4))
			}
			der[rng.Intn(len(der))] = v
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
