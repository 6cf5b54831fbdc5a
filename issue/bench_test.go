package issue

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"certeval/seal"
	"certeval/sheet"
	"certeval/storage"
)

// BenchmarkCertificates1000 renders, signs (PDF and QR payload) and writes
// 1,000 certificates through the pipeline's two workers. It reports
// documents per second and the peak heap in use.
func BenchmarkCertificates1000(b *testing.B) {
	const n = 1000
	id, err := seal.NewIdentity(seal.Subject{Name: "Claire Dubois",
		Institution: "Université de Lorraine"})
	if err != nil {
		b.Fatal(err)
	}
	r, err := sheet.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	peak := watchHeap(b)
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		jobs := make([]job, n)
		for i := range jobs {
			jobs[i] = benchJob(r, id, dir, i)
		}
		docs, _, err := run(context.Background(), jobs, id, nil)
		if err != nil || len(docs) != n {
			b.Fatalf("%d documents, %v", len(docs), err)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	// CPU time per document tells what two idle cores would do when the
	// machine is shared.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(n*b.N), "cpu-ms/doc")
}

// benchJob is one certificate of the benchmark.
func benchJob(r *sheet.Renderer, id *seal.Identity, dir string, i int) job {
	docID := fmt.Sprintf("CE-2026-BENC-%04d", i)
	issued := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	file := docID + ".pdf"
	return job{doc: storage.Document{ID: docID, Kind: KindCertificate, File: file},
		path: filepath.Join(dir, file), make: func() ([]byte, error) {
			qr, err := SignQR(id, Payload{ID: docID, Learner: "MARTIN Léa",
				Title: "Concevoir une formation hybride", Outcome: "ADM",
				Date: "2026-03-02"})
			if err != nil {
				return nil, err
			}
			doc, err := r.Certificate(benchCertificate(docID, qr, issued))
			if err != nil {
				return nil, err
			}
			return seal.SignPDF(doc, id, seal.SignInfo{Time: issued})
		}}
}

func benchCertificate(docID, qr string, issued time.Time) sheet.Certificate {
	return sheet.Certificate{Lang: "fr", ID: docID,
		Producer: sheet.Header{Name: "Université de Lorraine", Lines: []string{"Grand Est"}},
		Experts:  []string{"Karim Benali"}, Title: "Concevoir une formation hybride",
		Learner: sheet.Learner{GivenNames: "Léa", FamilyName: "Martin",
			BirthDate: time.Date(1990, 5, 4, 0, 0, 0, 0, time.UTC)},
		Competencies: []sheet.Competency{{Code: "C1", Title: "Scénariser un dispositif",
			Outcomes: []string{"Articuler distance et présence"}}},
		IssuedOn: issued, Country: "France", Region: "Grand Est", Level: "EQF 6 / CEC 6",
		Hours: 20, ECTS: 2, AssessmentType: "production écrite individuelle (SAE)",
		Participation: "à distance", QualityAssurance: "interne",
		Supervision: "aucune", IdentityVerification: "pièce d'identité",
		LegalRep: "Marie Dupont", LegalRepTitle: "présidente", Outcome: "Admis·e",
		Mark: "15,5 / 20", QRPayload: qr}
}

// watchHeap samples HeapInuse every 10 ms until the benchmark ends and
// returns a function giving the highest value seen.
func watchHeap(b *testing.B) func() uint64 {
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	b.Cleanup(func() { close(stop); <-done })
	return func() uint64 { mu.Lock(); defer mu.Unlock(); return peak }
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSignBadge writes, checks against the Open Badges schema and
// signs one learner's badge.
func BenchmarkSignBadge(b *testing.B) {
	id, err := seal.NewIdentity(seal.Subject{Name: "Université de Lorraine"})
	if err != nil {
		b.Fatal(err)
	}
	badge := Badge{ID: "CE-2026-AAAA-BBBB", IssuerName: "Université de Lorraine",
		ValidFrom: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Email: "lea@example.org",
		Credential: "MC-HYB", Title: "Formation hybride", Description: "Scénariser",
		Criteria: "Production écrite", EQFLevel: 6, Hours: 20, ECTS: 2, Outcome: "Passed"}
	for b.Loop() {
		if _, err := SignBadge(id, badge); err != nil {
			b.Fatal(err)
		}
	}
}
