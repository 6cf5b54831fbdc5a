package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// header draws a university's sample header: a plain emblem in the
// university's colour, the same bytes at every build. Real headers are
// the universities' own images, loaded in the credential form.
func header(c color.RGBA) []byte {
	const w, h = 240, 80
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.White)
			switch {
			case x < 72 && y > 4 && y < 76 && (x-36)*(x-36)+(y-40)*(y-40) < 34*34:
				img.Set(x, y, c) // the emblem
			case x >= 84 && y >= 36 && y < 44:
				img.Set(x, y, c) // a rule beside it
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("demo: encode header: " + err.Error())
	}
	return buf.Bytes()
}
