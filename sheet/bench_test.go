package sheet_test

import (
	"testing"

	"certeval/sheet"
)

// BenchmarkCertificate renders one certificate per iteration with a shared
// Renderer, as a batch does.
func BenchmarkCertificate(b *testing.B) {
	r := mustRenderer(b)
	c := sampleCertificate("fr")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Certificate(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCertificateParallel renders certificates on every core.
func BenchmarkCertificateParallel(b *testing.B) {
	r := mustRenderer(b)
	c := sampleCertificate("fr")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Certificate(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkNewRenderer measures parsing the fonts, what a Renderer saves
// each document.
func BenchmarkNewRenderer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sheet.NewRenderer(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResultSheet60 renders a result sheet of 60 candidates.
func BenchmarkResultSheet60(b *testing.B) {
	r := mustRenderer(b)
	s := sampleResults(60, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.ResultSheet(s); err != nil {
			b.Fatal(err)
		}
	}
}
