package sheet_test

import (
	"encoding/xml"
	"os/exec"
	"testing"
)

// bboxDoc is the part of pdftotext -bbox's output the margin check reads.
type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Words  []struct {
			XMin float64 `xml:"xMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"word"`
	} `xml:"body>doc>page"`
}

// checkInsideMargins fails when a word of the PDF at path runs into the
// side margins or off the page: text that overflowed its cell would.
func checkInsideMargins(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var doc bboxDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("read bbox output: %v", err)
	}
	const minMargin = 30 // points; every document keeps at least this
	for i, p := range doc.Pages {
		for _, w := range p.Words {
			if w.XMin < minMargin || w.XMax > p.Width-minMargin || w.YMax > p.Height {
				t.Errorf("page %d: %q at x %.1f–%.1f leaves the text area",
					i+1, w.Text, w.XMin, w.XMax)
			}
		}
	}
}
