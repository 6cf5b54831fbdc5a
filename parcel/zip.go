package parcel

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
)

// The entries of a package.
const (
	entryManifest  = "manifest.json"
	entryGrid      = "grid.json"
	entryData      = "data.json"
	entrySigner    = "signer.pem"
	entrySignature = "signature"
)

// hashedEntries are the entries the manifest lists, sorted.
var hashedEntries = []string{entryData, entryGrid, entrySigner}

// Fixed fields of the canonical archive.
const (
	sigLocal     = 0x04034b50
	sigCentral   = 0x02014b50
	sigEnd       = 0x06054b50
	zipVersion   = 20                // 2.0: stored entries, no zip64
	madeBy       = 3<<8 | zipVersion // Unix, so that unzip keeps the mode
	fileMode     = 0o100644 << 16    // regular file, rw-r--r--
	dosDate      = 1<<5 | 1          // 1980-01-01, the first date zip can hold
	endRecordLen = 22                // end of central directory, no comment
	maxInput     = MaxSize + 1<<16   // MaxSize of content and its headers
)

// file is one entry of an archive.
type file struct {
	name string
	data []byte
}

// encodeZip returns the canonical archive of files: entries sorted by
// name, stored uncompressed, dated 1980-01-01 00:00, no extra fields, no
// data descriptors, no comment. Read accepts only archives in this form.
func encodeZip(files []file) []byte {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })

	var out, central bytes.Buffer
	for _, f := range files {
		offset := uint32(out.Len())
		crc := crc32.ChecksumIEEE(f.data)
		size := uint32(len(f.data))

		le(&out, uint32(sigLocal), uint16(zipVersion), uint16(0), uint16(0),
			uint16(0), uint16(dosDate), crc, size, size,
			uint16(len(f.name)), uint16(0))
		out.WriteString(f.name)
		out.Write(f.data)

		le(&central, uint32(sigCentral), uint16(madeBy), uint16(zipVersion),
			uint16(0), uint16(0), uint16(0), uint16(dosDate), crc, size, size,
			uint16(len(f.name)), uint16(0), uint16(0), uint16(0), uint16(0),
			uint32(fileMode), offset)
		central.WriteString(f.name)
	}

	start := uint32(out.Len())
	out.Write(central.Bytes())
	n := uint16(len(files))
	le(&out, uint32(sigEnd), uint16(0), uint16(0), n, n,
		uint32(central.Len()), start, uint16(0))
	return out.Bytes()
}

// le writes fixed-size values in little-endian order.
func le(w *bytes.Buffer, vals ...any) {
	for _, v := range vals {
		_ = binary.Write(w, binary.LittleEndian, v) // a bytes.Buffer does not fail
	}
}

// decodeZip returns the entries of a package archive, by name, after
// checking the archive's structure and bounds, and that it is in the
// canonical form Write produces.
func decodeZip(data []byte) (map[string][]byte, error) {
	if len(data) > maxInput {
		return nil, fmt.Errorf("read package: %d bytes: %w", len(data), ErrTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("open archive: %v: %w", err, damage(data))
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("open archive: %d entries: %w", len(zr.File), ErrTooLarge)
	}

	files, err := readEntries(zr)
	if err != nil {
		return nil, err
	}
	if err := checkEntries(files); err != nil {
		return nil, err
	}

	// Any byte outside the entries' content (dates, attributes, headers)
	// changed since signing shows as a difference from the canonical form.
	if !bytes.Equal(encodeZip(files), data) {
		return nil, fmt.Errorf("open archive: not in canonical form: %w", ErrTampered)
	}
	m := make(map[string][]byte, len(files))
	for _, f := range files {
		m[f.name] = f.data
	}
	return m, nil
}

// damage tells why an archive could not be opened: not a zip at all, cut
// short (its end record is missing), or damaged inside.
func damage(data []byte) error {
	switch {
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return ErrNotPackage
	case len(data) >= endRecordLen &&
		binary.LittleEndian.Uint32(data[len(data)-endRecordLen:]) == sigEnd:
		return ErrTampered
	default:
		return ErrTruncated
	}
}

// readEntries reads every entry, refusing unsafe or duplicate names and a
// total size over MaxSize.
func readEntries(zr *zip.Reader) ([]file, error) {
	var files []file
	seen := make(map[string]bool)
	budget := int64(MaxSize)
	for _, zf := range zr.File {
		name := zf.Name
		if !safeName(name) {
			return nil, fmt.Errorf("read entry %q: unsafe name: %w", name, ErrMalformed)
		}
		if seen[name] {
			return nil, fmt.Errorf("read entry %q: duplicate: %w", name, ErrMalformed)
		}
		seen[name] = true

		b, err := readEntry(zf, budget)
		if err != nil {
			return nil, fmt.Errorf("read entry %q: %w", name, err)
		}
		budget -= int64(len(b))
		files = append(files, file{name, b})
	}
	return files, nil
}

// readEntry reads one entry, at most budget bytes.
func readEntry(zf *zip.File, budget int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrTampered)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, budget+1))
	if int64(len(b)) > budget {
		return nil, ErrTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrTampered)
	}
	return b, nil
}

// safeName reports whether name is a plain file name: no folder, no
// parent reference, no absolute path, no control character.
func safeName(name string) bool {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\:`) {
		return false
	}
	return !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// checkEntries checks the archive holds a Certeval package's entries and
// nothing else.
func checkEntries(files []file) error {
	has := func(name string) bool {
		return slices.ContainsFunc(files, func(f file) bool { return f.name == name })
	}
	if !has(entryManifest) {
		return fmt.Errorf("check entries: no %s: %w", entryManifest, ErrNotPackage)
	}
	for _, f := range files {
		if (f.name == entrySignature || f.name == entrySigner) && len(f.data) == 0 {
			return fmt.Errorf("check entries: empty %s: %w", f.name, ErrUnsigned)
		}
	}
	if !has(entrySignature) || !has(entrySigner) {
		return fmt.Errorf("check entries: no signature: %w", ErrUnsigned)
	}
	for _, f := range files {
		known := f.name == entryManifest || f.name == entrySignature ||
			slices.Contains(hashedEntries, f.name)
		if !known {
			return fmt.Errorf("check entries: unexpected %q: %w", f.name, ErrTampered)
		}
	}
	if !has(entryData) || !has(entryGrid) {
		return fmt.Errorf("check entries: missing content: %w", ErrTampered)
	}
	return nil
}
