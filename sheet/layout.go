package sheet

import (
	"compress/zlib"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"certeval/i18n"
)

// rgb is a colour.
type rgb struct{ r, g, b uint8 }

// The palette: restrained, prints well in grey.
var (
	black  = rgb{0x1a, 0x1a, 0x1a}
	grey   = rgb{0x5f, 0x63, 0x68}
	accent = rgb{0x1f, 0x3a, 0x68}
	rule   = rgb{0xa0, 0xa6, 0xb0}
	shade  = rgb{0xe4, 0xe9, 0xf1}
	zebra  = rgb{0xf5, 0xf6, 0xf8}
)

// style is a font choice.
type style struct {
	bold  bool
	size  float64
	color rgb
}

func (s style) lineHeight() float64 { return s.size * 1.3 }

// withSize returns s at another size.
func (s style) withSize(size float64) style {
	s.size = size
	return s
}

// Styles used across the documents.
var (
	body   = style{size: 9.5, color: black}
	small  = style{size: 8, color: grey}
	strong = style{bold: true, size: 9.5, color: black}
	cellSt = style{size: 8.5, color: black}
	headSt = style{bold: true, size: 8.5, color: accent}
)

// align is a horizontal alignment.
type align int

const (
	left align = iota
	center
	right
)

// op is one drawing operation, recorded during layout and replayed once
// the number of pages is known.
type op func(gp *gopdf.GoPdf) error

// doc lays a document out page by page, then writes it. Layout measures
// text with the real fonts; drawing is deferred so that every page can
// carry "page x / n".
type doc struct {
	r      *Renderer
	gp     *gopdf.GoPdf
	lang   string
	w, h   float64 // page size in points
	margin float64
	top    float64 // first usable y on a page
	bottom float64 // last usable y on a page
	pages  [][]op
	y      float64
	// bodyTop is where the current page's own content starts.
	bodyTop float64
	footer  string
	// onNewPage draws what repeats on each page (a table's header).
	onNewPage func()
	err       error
}

// newDoc starts a document in lang, portrait or landscape, whose footer
// shows footer beside the page number.
func (r *Renderer) newDoc(lang string, landscape bool, footer string) (*doc, error) {
	size := *gopdf.PageSizeA4
	if landscape {
		size = *gopdf.PageSizeA4Landscape
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	gp.SetCompressLevel(zlib.BestSpeed)
	for _, f := range []string{familyRegular, familyBold} {
		if err := gp.AddTTFFontFromFontContainer(f, r.fonts); err != nil {
			return nil, fmt.Errorf("add font %s: %w", f, err)
		}
	}
	d := &doc{
		r: r, gp: gp, lang: i18n.Normalize(lang), w: size.W, h: size.H,
		margin: 50, top: 48, footer: footer,
	}
	d.bottom = d.h - 52
	d.newPage()
	return d, nil
}

// info sets the document's metadata; no date, so the bytes stay the same.
func (d *doc) info(title, author string) {
	d.gp.SetInfo(gopdf.PdfInfo{Title: title, Author: author, Creator: "Certeval"})
}

// t translates key in the document's language.
func (d *doc) t(key string, args ...any) string { return i18n.In(d.lang, key, args...) }

// fail keeps the first layout error; finish returns it.
func (d *doc) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// width is the usable width between the margins.
func (d *doc) width() float64 { return d.w - 2*d.margin }

// add records an operation on the current page.
func (d *doc) add(o op) {
	d.pages[len(d.pages)-1] = append(d.pages[len(d.pages)-1], o)
}

// newPage starts a page and redraws what repeats.
func (d *doc) newPage() {
	d.pages = append(d.pages, nil)
	d.y = d.top
	if d.onNewPage != nil {
		d.onNewPage()
	}
	d.bodyTop = d.y
}

// ensure starts a new page unless h points still fit on this one.
func (d *doc) ensure(h float64) {
	if d.y+h > d.bottom && !d.atPageTop() {
		d.newPage()
	}
}

// atPageTop reports whether nothing but repeated headers is on this page.
func (d *doc) atPageTop() bool { return d.y <= d.bodyTop+0.01 }

// setFont selects st on gp.
func setFont(gp *gopdf.GoPdf, st style) error {
	family := familyRegular
	if st.bold {
		family = familyBold
	}
	if err := gp.SetFont(family, "", st.size); err != nil {
		return fmt.Errorf("set font: %w", err)
	}
	gp.SetTextColor(st.color.r, st.color.g, st.color.b)
	return nil
}

// measure returns the width of s in st.
func (d *doc) measure(s string, st style) float64 {
	if s == "" {
		return 0
	}
	if err := setFont(d.gp, st); err != nil {
		d.fail(err)
		return 0
	}
	w, err := d.gp.MeasureTextWidth(s)
	if err != nil {
		d.fail(fmt.Errorf("measure text: %w", err))
	}
	return w
}

// wrap breaks text into lines no wider than width, at spaces where it can
// and inside a word too long for a line. Newlines in text are kept.
func (d *doc) wrap(text string, st style, width float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, d.wrapPara(para, st, width)...)
	}
	return lines
}

func (d *doc) wrapPara(para string, st style, width float64) []string {
	words := strings.Fields(para)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	line := ""
	for _, w := range words {
		cand := w
		if line != "" {
			cand = line + " " + w
		}
		if d.measure(cand, st) <= width {
			line = cand
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = w
		for d.measure(line, st) > width {
			head, tail := d.breakWord(line, st, width)
			lines = append(lines, head)
			line = tail
		}
	}
	return append(lines, line)
}

// breakWord cuts a word too long for width after as many runes as fit
// (at least one), or after the last hyphen among them when there is one.
func (d *doc) breakWord(word string, st style, width float64) (string, string) {
	n := 0
	for i := range word {
		if i > 0 && d.measure(word[:i], st) > width {
			break
		}
		n = i
	}
	if n == 0 {
		_, size := utf8.DecodeRuneInString(word)
		n = size
	}
	if h := strings.LastIndex(word[:n], "-"); h > 0 {
		n = h + 1
	}
	return word[:n], word[n:]
}

// text draws one line of s with its top at y.
func (d *doc) text(x, y float64, s string, st style) {
	if s == "" {
		return
	}
	d.add(func(gp *gopdf.GoPdf) error {
		if err := setFont(gp, st); err != nil {
			return err
		}
		gp.SetXY(x, y)
		return gp.Cell(nil, s)
	})
}

// textIn draws one line of s aligned inside [x, x+w].
func (d *doc) textIn(x, y, w float64, s string, st style, a align) {
	switch a {
	case center:
		x += (w - d.measure(s, st)) / 2
	case right:
		x += w - d.measure(s, st)
	}
	d.text(x, y, s, st)
}

// rect draws a rectangle, filled when fill is set, stroked when stroke is.
func (d *doc) rect(x, y, w, h float64, fill *rgb, stroke *rgb) {
	style := ""
	if fill != nil {
		style += "F"
	}
	if stroke != nil {
		style += "D"
	}
	if style == "" {
		return
	}
	d.add(func(gp *gopdf.GoPdf) error {
		gp.SetLineWidth(0.5)
		if fill != nil {
			gp.SetFillColor(fill.r, fill.g, fill.b)
		}
		if stroke != nil {
			gp.SetStrokeColor(stroke.r, stroke.g, stroke.b)
		}
		gp.RectFromUpperLeftWithStyle(x, y, w, h, style)
		return nil
	})
}

// line draws a straight line.
func (d *doc) line(x1, y1, x2, y2, width float64, c rgb) {
	d.add(func(gp *gopdf.GoPdf) error {
		gp.SetLineWidth(width)
		gp.SetStrokeColor(c.r, c.g, c.b)
		gp.Line(x1, y1, x2, y2)
		return nil
	})
}

// image draws PNG or JPEG bytes in the box.
func (d *doc) image(b []byte, x, y, w, h float64) {
	b, err := d.r.drawable(b)
	if err != nil {
		d.fail(err)
		return
	}
	holder, err := gopdf.ImageHolderByBytes(b)
	if err != nil {
		d.fail(fmt.Errorf("read image: %w", err))
		return
	}
	d.add(func(gp *gopdf.GoPdf) error {
		rect := &gopdf.Rect{W: w, H: h}
		if err := gp.ImageByHolder(holder, x, y, rect); err != nil {
			return fmt.Errorf("draw image: %w", err)
		}
		return nil
	})
}

// para flows text over the lines of a column, breaking pages between lines.
func (d *doc) para(text string, st style, x, w float64, a align) {
	lh := st.lineHeight()
	for _, l := range d.wrap(text, st, w) {
		d.ensure(lh)
		d.textIn(x, d.y, w, l, st, a)
		d.y += lh
	}
}

// space moves down by h points.
func (d *doc) space(h float64) { d.y += h }

// heading draws a section title with a rule under it, kept with at least
// the next few lines.
func (d *doc) heading(s string) {
	d.ensure(headingHeight + 4*body.lineHeight())
	st := headingSt
	d.text(d.margin, d.y, s, st)
	d.y += st.lineHeight() + 1
	d.line(d.margin, d.y, d.margin+d.width(), d.y, 0.6, accent)
	d.y += 5
}

// headingSt is the style of section titles; headingHeight the room one
// takes with its rule.
var headingSt = style{bold: true, size: 11, color: accent}

var headingHeight = headingSt.lineHeight() + 6

// header draws a university's letterhead at the top of the current page
// and moves below it.
func (d *doc) header(h Header) {
	x := d.margin
	imgH := 0.0
	if len(h.Image) > 0 {
		iw, ih, err := fitImage(h.Image, d.width()/2, 46)
		if err != nil {
			d.fail(err)
			return
		}
		d.image(h.Image, x, d.y, iw, ih)
		x += iw + 14
		imgH = ih
	}
	w := d.margin + d.width() - x
	y := d.y
	name := style{bold: true, size: 13, color: accent}
	for _, l := range d.wrap(h.Name, name, w) {
		d.text(x, y, l, name)
		y += name.lineHeight()
	}
	for _, line := range h.Lines {
		for _, l := range d.wrap(line, small, w) {
			d.text(x, y, l, small)
			y += small.lineHeight()
		}
	}
	y = max(y, d.y+imgH)
	d.y = y + 8
	d.line(d.margin, d.y, d.margin+d.width(), d.y, 1.2, accent)
	d.y += 14
}

// title draws a document title, centred.
func (d *doc) title(s string, size float64) {
	st := style{bold: true, size: size, color: accent}
	d.para(s, st, d.margin, d.width(), center)
}

// finish writes every page with its footer and returns the PDF bytes.
func (d *doc) finish() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	n := len(d.pages)
	for i, ops := range d.pages {
		d.gp.AddPage()
		for _, o := range ops {
			if err := o(d.gp); err != nil {
				return nil, fmt.Errorf("draw page %d: %w", i+1, err)
			}
		}
		if err := d.drawFooter(i+1, n); err != nil {
			return nil, err
		}
	}
	b, err := d.gp.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return b, nil
}

// drawFooter writes the rule, the document reference and "page x / n".
func (d *doc) drawFooter(page, n int) error {
	gp := d.gp
	y := d.h - 38
	gp.SetLineWidth(0.4)
	gp.SetStrokeColor(rule.r, rule.g, rule.b)
	gp.Line(d.margin, y, d.margin+d.width(), y)
	if err := setFont(gp, small); err != nil {
		return err
	}
	if d.footer != "" {
		gp.SetXY(d.margin, y+5)
		if err := gp.Cell(nil, d.footer); err != nil {
			return fmt.Errorf("draw footer: %w", err)
		}
	}
	num := d.t("sheet.page", page, n)
	w, err := gp.MeasureTextWidth(num)
	if err != nil {
		return fmt.Errorf("measure footer: %w", err)
	}
	gp.SetXY(d.margin+d.width()-w, y+5)
	if err := gp.Cell(nil, num); err != nil {
		return fmt.Errorf("draw footer: %w", err)
	}
	return nil
}
