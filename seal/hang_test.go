package seal_test

import (
	"encoding/hex"
	"math/rand"
	"os"
	"testing"
	"time"

	"certeval/seal"
)

func TestHangHunt(t *testing.T) {
	id := MustIdentity(t, "Jeanne Martin")
	signed := MustSign(t, MustPDF(t, "Certificat", 3), id)
	pool := MustPool(id)
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		doc := append([]byte(nil), signed...)
		br := byteRange(t, doc)
		der, _ := hex.DecodeString(string(doc[br[1]+1 : br[2]-1]))
		for k := 0; k < 1+rng.Intn(3); k++ {
			v := byte(rng.Intn(256))
			if rng.Intn(2) == 0 {
				v = 0x80 | byte(rng.Intn(4))
			}
			der[rng.Intn(len(der))] = v
		}
		copy(doc[br[1]+1:], hex.EncodeToString(der))
		n := 0
		for j := 0; j < n; j++ {
			switch rng.Intn(3) {
			case 0:
				doc[rng.Intn(len(doc))] = byte(rng.Intn(256))
			case 1:
				doc = doc[:rng.Intn(len(doc))+1]
			case 2:
				p := rng.Intn(len(doc))
				doc = append(doc[:p:p], append([]byte{byte(rng.Intn(256))}, doc[p:]...)...)
			}
		}
		done := make(chan struct{})
		go func() { seal.VerifyPDF(doc, pool); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			os.WriteFile("/tmp/hang.pdf", doc, 0o644)
			t.Fatalf("hang at %d", i)
		}
	}
}
