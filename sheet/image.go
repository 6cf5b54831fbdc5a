package sheet

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/draw"
	"image/png"

	"github.com/skip2/go-qrcode"
)

// pngMagic starts every PNG file.
const pngMagic = "\x89PNG\r\n\x1a\n"

// drawable returns image bytes gopdf can embed. gopdf refuses 16-bit and
// interlaced PNGs, which logos often are: those are decoded and written
// again as 8-bit PNGs, once per distinct image for the Renderer's life.
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
	rgba := image.NewNRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return nil, fmt.Errorf("convert header image: %w", err)
	}
	r.images.Store(key, buf.Bytes())
	return buf.Bytes(), nil
}

// needsConversion reports a PNG whose header says 16 bits per sample or
// interlacing.
func needsConversion(b []byte) bool {
	const depth, interlace = 24, 28 // offsets in the IHDR chunk
	if len(b) <= interlace || string(b[:8]) != pngMagic || string(b[12:16]) != "IHDR" {
		return false
	}
	return b[depth] > 8 || b[interlace] != 0
}

// qrPNG draws payload as a QR code of fixed size in 8-bit grey, so that
// the same payload always gives the same bytes.
func qrPNG(payload string) ([]byte, error) {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("encode qr code: %w", err)
	}
	q.DisableBorder = true
	src := q.Image(qrPixels)
	grey := image.NewGray(src.Bounds())
	draw.Draw(grey, grey.Bounds(), src, src.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, grey); err != nil {
		return nil, fmt.Errorf("encode qr code: %w", err)
	}
	return buf.Bytes(), nil
}
