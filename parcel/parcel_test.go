package parcel_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"certeval/grading"
	"certeval/i18n"
	"certeval/parcel"
)

var update = flag.Bool("update", false, "rewrite the golden packages under testdata/")

func TestRoundTripResults(t *testing.T) {
	s := newSigner(t, "Expert A")
	in := results(s, 40, 3)
	got, err := parcel.Read(write(t, in, s), verify, trustOnly(s))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.ID) != 32 || got.ID != in.ID || got.Digest != in.Digest {
		t.Errorf("id %q / %q, digest %q / %q", got.ID, in.ID, got.Digest, in.Digest)
	}
	if got.Kind != parcel.Results || got.Sequence != 3 || !got.Created.Equal(base) ||
		got.Expert != s.keyID() || !bytes.Equal(got.Grid, grid) || !got.Signer.Equal(s.cert) {
		t.Errorf("header = %+v", got)
	}
	if !slices.EqualFunc(got.Gradings, in.Gradings, grading.Grading.Equal) {
		t.Fatalf("gradings differ after a round trip:\n%+v\n%+v", got.Gradings[0],
			in.Gradings[0])
	}
}

func TestRoundTripAssignment(t *testing.T) {
	s := newSigner(t, "Présidente du jury")
	subs := []parcel.Submission{
		{Key: "k1", Code: "A-7F3K", Accommodation: true,
			Files: []parcel.File{{Name: "rapport final.pdf", SHA256: strings.Repeat("ab", 32)}}},
		{Key: "k2", Code: "A-Q2M9"},
	}
	tests := []struct {
		name  string
		blind bool
		names []string
	}{
		{"blind", true, []string{"", ""}},
		{"named", false, []string{"Léa Martin", "Yves N'Diaye"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &parcel.Package{Kind: parcel.Assignment, Credential: credential,
				GridFingerprint: fingerprint, Expert: "0011223344556677", Sequence: 1,
				Grid: grid, Blind: tt.blind, Submissions: slices.Clone(subs)}
			for i := range p.Submissions {
				p.Submissions[i].Name = tt.names[i]
			}
			got, err := parcel.Read(write(t, p, s), verify, trustOnly(s))
			if err != nil {
				t.Fatal(err)
			}
			if got.Blind != tt.blind || len(got.Submissions) != 2 ||
				got.Submissions[0].Name != tt.names[0] || !got.Submissions[0].Accommodation ||
				got.Submissions[0].Files[0] != subs[0].Files[0] || got.Gradings != nil {
				t.Fatalf("assignment = %+v", got)
			}
		})
	}
}

func TestWriteRefusesNamesWhenBlind(t *testing.T) {
	s := newSigner(t, "P")
	p := &parcel.Package{Kind: parcel.Assignment, Credential: credential,
		GridFingerprint: fingerprint, Expert: "e", Sequence: 1, Grid: grid, Blind: true,
		Submissions: []parcel.Submission{{Key: "k1", Code: "A-1", Name: "Léa Martin"}}}
	if err := parcel.Write(&bytes.Buffer{}, p, s); !errors.Is(err, parcel.ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
}

// TestGolden keeps the format stable: a package written by this version
// is byte for byte the one in testdata, and still reads.
func TestGolden(t *testing.T) {
	s := fixedSigner(t, "Expert golden")
	p := results(s, 3, 1)
	p.ID = "0123456789abcdef0123456789abcdef"
	got := write(t, p, s)
	path := filepath.Join("testdata", "results-v1.zip")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("package differs from %s (run with -update if the change is meant)", path)
	}
	if _, err := parcel.Read(want, verify, trustOnly(s)); err != nil {
		t.Fatalf("golden package refused: %v", err)
	}
}

func TestReadRefuses(t *testing.T) {
	known, stranger := newSigner(t, "Expert A"), newSigner(t, "Inconnu")
	good := write(t, results(known, 5, 2), known)
	files, err := parcel.Unpack(good)
	if err != nil {
		t.Fatal(err)
	}
	// entry returns a copy of the package's entries with one changed.
	entry := func(name string, data []byte) map[string][]byte {
		m := make(map[string][]byte)
		for k, v := range files {
			m[k] = slices.Clone(v)
		}
		if data == nil {
			delete(m, name)
		} else {
			m[name] = data
		}
		return m
	}
	at := func(name string) int { return bytes.Index(good, files[name]) + 10 }
	flip := func(off int) []byte {
		b := slices.Clone(good)
		b[off] ^= 0x01
		return b
	}

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"flipped byte in data.json", flip(at("data.json")), parcel.ErrTampered},
		{"flipped byte in grid.json", flip(at("grid.json")), parcel.ErrTampered},
		{"flipped byte in manifest.json", flip(at("manifest.json")), parcel.ErrTampered},
		{"flipped byte in the signature", flip(at("signature")), parcel.ErrTampered},
		{"flipped byte in signer.pem", flip(at("signer.pem")), parcel.ErrTampered},
		{"flipped byte in a header date", flip(12), parcel.ErrTampered},
		{"flipped byte in the central directory", flip(len(good) - 40), parcel.ErrTampered},
		{"flipped byte in the end record", flip(len(good) - 6), parcel.ErrTampered},
		{"truncated by one byte", good[:len(good)-1], parcel.ErrTruncated},
		{"truncated by half", good[:len(good)/2], parcel.ErrTruncated},
		{"truncated to its first header", good[:30], parcel.ErrTruncated},
		{"empty file", nil, parcel.ErrNotPackage},
		{"a PDF", []byte("%PDF-1.7\n%âãÏÓ\n"), parcel.ErrNotPackage},
		{"a zip without manifest", parcel.Repack(entry("manifest.json", nil)),
			parcel.ErrNotPackage},
		{"no signature", parcel.Repack(entry("signature", nil)), parcel.ErrUnsigned},
		{"empty signature", parcel.Repack(entry("signature", []byte{})), parcel.ErrUnsigned},
		{"no certificate", parcel.Repack(entry("signer.pem", nil)), parcel.ErrUnsigned},
		{"signed by an unknown key", write(t, results(stranger, 5, 2), stranger),
			parcel.ErrUntrusted},
		{"known certificate, stranger's signature",
			resign(t, entry("data.json", files["data.json"]), stranger, nil),
			parcel.ErrTampered},
		{"re-signed by an unknown key",
			resign(t, entry("signer.pem", pemOf(stranger)), stranger, nil),
			parcel.ErrUntrusted},
		{"extra entry", parcel.Repack(entry("notes.txt", []byte("x"))), parcel.ErrTampered},
		{"repacked with other tools", rezip(t, files, zip.Deflate), parcel.ErrTampered},
		{"unknown field in data.json",
			resign(t, entry("data.json", []byte(`{"gradings":[],"extra":1}`)), known, nil),
			parcel.ErrMalformed},
		{"data after the JSON value",
			resign(t, entry("data.json", []byte(`{"gradings":[]} {}`)), known, nil),
			parcel.ErrMalformed},
		{"grading by another expert", resign(t, entry("data.json",
			[]byte(`{"gradings":[{"submission":"s","expert":"x","grid_fingerprint":"`+
				fingerprint+`","choices":[1],"status":"submitted",`+
				`"updated_at":"2025-06-02T09:00:00Z","revision":1}]}`)), known, nil),
			parcel.ErrMalformed},
		{"unknown status", resign(t, entry("data.json",
			bytes.Replace(files["data.json"], []byte(`"submitted"`), []byte(`"done"`), 1)),
			known, nil), parcel.ErrMalformed},
		{"unknown field in manifest", resign(t, entry("", nil), known,
			func(m map[string]any) { m["comment"] = "x" }), parcel.ErrMalformed},
		{"newer version", resign(t, entry("", nil), known,
			func(m map[string]any) { m["version"] = 2 }), parcel.ErrVersion},
		{"other format", resign(t, entry("", nil), known,
			func(m map[string]any) { m["format"] = "other" }), parcel.ErrNotPackage},
		{"sequence zero", resign(t, entry("", nil), known,
			func(m map[string]any) { m["sequence"] = 0 }), parcel.ErrMalformed},
		{"entry missing from the manifest", resign(t, entry("", nil), known,
			func(m map[string]any) { m["entries"] = m["entries"].([]any)[:2] }),
			parcel.ErrMalformed},
		{"path traversal", rawZip(t, map[string]string{"../manifest.json": "{}"}),
			parcel.ErrMalformed},
		{"duplicate names", rawZip(t, map[string]string{"a": "1", "a ": "2"}, "a"),
			parcel.ErrMalformed},
		{"too many entries", rawZip(t, manyEntries(parcel.MaxEntries+1)), parcel.ErrTooLarge},
		{"zip bomb", bomb(t), parcel.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parcel.Read(tt.data, verify, trustOnly(known))
			if !errors.Is(err, tt.want) || p != nil {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if msg := parcel.Explain(err); msg == parcel.Explain(errors.New("x")) {
				t.Errorf("no specific sentence for %v", err)
			}
		})
	}
}

// TestEveryFlippedByteRefused flips each byte of a package in turn: not
// one change goes unnoticed.
func TestEveryFlippedByteRefused(t *testing.T) {
	s := newSigner(t, "Expert A")
	good := write(t, results(s, 2, 1), s)
	for off := range good {
		b := slices.Clone(good)
		b[off] ^= 0x20
		if _, err := parcel.Read(b, verify, trustOnly(s)); err == nil {
			t.Fatalf("package with byte %d of %d changed was accepted", off, len(good))
		}
	}
}

func TestExpect(t *testing.T) {
	p := &parcel.Package{Credential: credential, GridFingerprint: fingerprint}
	tests := []struct {
		name       string
		credential string
		grid       string
		want       error
	}{
		{"same", credential, fingerprint, nil},
		{"any grid", credential, "", nil},
		{"other credential", "MC-DATA-2025", fingerprint, parcel.ErrOtherCredential},
		{"other grid", credential, "beef", parcel.ErrOtherGrid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.Expect(tt.credential, tt.grid); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckSequence(t *testing.T) {
	s := newSigner(t, "Expert A")
	read := func(p *parcel.Package) *parcel.Package {
		got, err := parcel.Read(write(t, p, s), verify, trustOnly(s))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	older, newer := read(results(s, 3, 4)), read(results(s, 3, 5))
	sameSeq := read(results(s, 3, 5))
	tests := []struct {
		name string
		last parcel.Seen
		p    *parcel.Package
		want error
	}{
		{"first import", parcel.Seen{}, older, nil},
		{"newer after older", older.Seen(), newer, nil},
		{"older replayed after newer", newer.Seen(), older, parcel.ErrReplayed},
		{"same package again", newer.Seen(), newer, nil},
		{"another package with the same sequence", newer.Seen(), sameSeq, parcel.ErrReplayed},
		{"same id, other content", parcel.Seen{ID: newer.ID, Sequence: 5, Digest: "x"}, newer,
			parcel.ErrReplayed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := parcel.CheckSequence(tt.last, tt.p); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExplainEveryLanguage(t *testing.T) {
	defer i18n.SetLanguage(i18n.Language())
	errs := []error{parcel.ErrNotPackage, parcel.ErrTooLarge, parcel.ErrTruncated,
		parcel.ErrTampered, parcel.ErrUnsigned, parcel.ErrUntrusted, parcel.ErrVersion,
		parcel.ErrMalformed, parcel.ErrOtherCredential, parcel.ErrOtherGrid,
		parcel.ErrReplayed}
	for _, lang := range i18n.Languages {
		i18n.SetLanguage(lang)
		seen := map[string]bool{}
		for _, err := range errs {
			msg := parcel.Explain(err)
			if msg == "" || seen[msg] || !strings.HasSuffix(msg, ".") {
				t.Errorf("%s: Explain(%v) = %q: want a distinct sentence", lang, err, msg)
			}
			seen[msg] = true
		}
	}
}

// pemOf returns the PEM certificate of s.
func pemOf(s *testSigner) []byte {
	var buf bytes.Buffer
	p := &parcel.Package{Kind: parcel.Results, Credential: "c", GridFingerprint: "g",
		Expert: "e", Sequence: 1, Grid: []byte("{}")}
	if err := parcel.Write(&buf, p, s); err != nil {
		panic(err)
	}
	files, err := parcel.Unpack(buf.Bytes())
	if err != nil {
		panic(err)
	}
	return files["signer.pem"]
}

// rezip packs files with archive/zip, as another tool would.
func rezip(t *testing.T, files map[string][]byte, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawZip packs entries with archive/zip, in the order given by order
// (then the rest), allowing names Write never produces.
func rawZip(t *testing.T, entries map[string]string, order ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := append(order, slices.Sorted(maps.Keys(entries))...)
	for _, name := range names {
		w, err := zw.Create(strings.TrimSpace(name))
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(entries[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func manyEntries(n int) map[string]string {
	m := make(map[string]string)
	for i := range n {
		m[string(rune('a'+i))] = "x"
	}
	return m
}

// bomb returns a small archive whose one entry inflates beyond MaxSize.
func bomb(t *testing.T) []byte {
	big := make([]byte, parcel.MaxSize+1)
	return rezip(t, map[string][]byte{"data.json": big}, zip.Deflate)
}
