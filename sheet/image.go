package sheet

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/draw"
	"image/png"

	"github.com/signintech/gopdf"
	"rsc.io/qr"
)

// pngMagic starts every PNG file.
const pngMagic = "\x89PNG\r\n\x1a\n"

// drawable returns image bytes gopdf can embed cheaply. gopdf refuses
// 16-bit and interlaced PNGs, which logos often are, and splits the alpha
// channel out of a transparent PNG again for every document. Such images
// are flattened onto white paper and written as opaque 8-bit PNGs, once
// per distinct image for the Renderer's life.
func (r *Renderer) drawable(b []byte) ([]byte, error) {
	if !needsConversion(b) {
		return b, nil
	}
	key := sha256.Sum256(b)
	if v, ok := r.images.Load(key); ok {
		return v.([]byte), nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("read header image: %w", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return nil, fmt.Errorf("convert header image: %w", err)
	}
	r.images.Store(key, buf.Bytes())
	return buf.Bytes(), nil
}

// needsConversion reports a PNG whose header says 16 bits per sample, an
// alpha channel or interlacing.
func needsConversion(b []byte) bool {
	const depth, colour, interlace = 24, 25, 28 // offsets in the IHDR chunk
	if len(b) <= interlace || string(b[:8]) != pngMagic || string(b[12:16]) != "IHDR" {
		return false
	}
	alpha := b[colour] == 4 || b[colour] == 6
	return b[depth] > 8 || alpha || b[interlace] != 0
}

// qrModules returns the dark modules of payload's QR code, row by row.
func qrModules(payload string) ([][]bool, error) {
	q, err := qr.Encode(payload, qr.M)
	if err != nil {
		return nil, fmt.Errorf("encode qr code: %w", err)
	}
	rows := make([][]bool, q.Size)
	for y := range rows {
		rows[y] = make([]bool, q.Size)
		for x := range rows[y] {
			rows[y][x] = q.Black(x, y)
		}
	}
	return rows, nil
}

// qr draws payload's QR code as vector squares in a side × side box: sharp
// at any zoom and cheaper than an image. Each run of dark modules in a row
// is one rectangle.
func (d *doc) qr(payload string, x, y, side float64) error {
	rows, err := qrModules(payload)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	m := side / float64(len(rows))
	d.add(func(gp *gopdf.GoPdf) error {
		gp.SetFillColor(0, 0, 0)
		for r, row := range rows {
			for c := 0; c < len(row); {
				if !row[c] {
					c++
					continue
				}
				start := c
				for c < len(row) && row[c] {
					c++
				}
				gp.RectFromUpperLeftWithStyle(x+float64(start)*m, y+float64(r)*m,
					float64(c-start)*m, m, "F")
			}
		}
		return nil
	})
	return nil
}
