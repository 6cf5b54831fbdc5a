package rubric

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"certeval/i18n"
)

// Notice is something of an imported file that has no equivalent in a
// Certeval grid and was left out, or was changed on the way in.
type Notice struct {
	Path string // XML path of the element, e.g. "/openassessment/assessments"
	Line int
	Code string // message key, e.g. "rubric.ora2.ignored_element"
	Args []any
}

// String returns the notice as a sentence naming the line and path.
func (n Notice) String() string {
	return i18n.T("rubric.parse.at", n.Line, n.Path, i18n.T(n.Code, n.Args...))
}

// ParseORA2 reads an Open edX ORA2 rubric: an <openassessment> element
// holding a <rubric>, or a bare <rubric>. Criteria keep their name (as
// key), label, prompt (as description) and feedback mode; options become
// levels (label, explanation as descriptor, points), sorted from the
// lowest points. The title, the prompts (as the task) and the rubric's
// <feedbackprompt> are kept too. What has no equivalent is listed in the
// notices. A file that is not such XML, or whose grid does not validate,
// is refused whole: the error is a *ParseError or Problems.
func ParseORA2(data []byte) (*Grid, []Notice, error) {
	g, notices, err := ParseORA2Draft(data)
	if err != nil {
		return nil, nil, err
	}
	if ps := g.Validate(nil); len(ps) > 0 {
		return nil, nil, Problems(ps)
	}
	return g, notices, nil
}

// ParseORA2Draft reads an ORA2 rubric like ParseORA2 but does not
// validate the grid: a rubric that is well-formed XML becomes a draft to
// finish in the grid editor (a criterion with one option, say).
func ParseORA2Draft(data []byte) (*Grid, []Notice, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, nil, err
	}
	o := &ora2{data: data}
	g := o.grid(root)
	if o.err != nil {
		return nil, nil, o.err
	}
	return g, o.notices, nil
}

// ora2 converts an XML tree into a Grid, keeping the first error and
// collecting notices.
type ora2 struct {
	data    []byte
	err     *ParseError
	notices []Notice
}

func (o *ora2) fail(e *xnode, path, code string, args ...any) {
	if o.err == nil {
		o.err = &ParseError{Path: path, Line: e.line, Code: code, Args: args}
	}
}

func (o *ora2) notice(e *xnode, code string, args ...any) {
	o.notices = append(o.notices, Notice{Path: e.path, Line: e.line, Code: code, Args: args})
}

func (o *ora2) grid(root *xnode) *Grid {
	g := NewGrid("")
	rubric := root
	switch root.name {
	case "openassessment":
		rubric = o.assessment(root, g)
	case "rubric":
	default:
		o.fail(root, root.path, "rubric.ora2.root", root.name)
	}
	if rubric == nil || o.err != nil {
		return nil
	}

	o.rubric(rubric, g)
	if len(g.Criteria) > 0 {
		o.notice(rubric, "rubric.ora2.no_competency")
	}
	return g
}

// assessment reads the <openassessment> element's title and prompts and
// returns its <rubric>.
func (o *ora2) assessment(e *xnode, g *Grid) *xnode {
	o.ignoredAttributes(e)
	var rubric *xnode
	var prompts []string
	for _, c := range e.children {
		switch c.name {
		case "title":
			g.Title = o.text(c)
		case "prompts":
			prompts = append(prompts, o.prompts(c)...)
		case "prompt":
			prompts = append(prompts, o.text(c))
		case "rubric":
			if rubric != nil {
				o.fail(c, c.path, "rubric.ora2.two_rubrics")
			}
			rubric = c
		default:
			o.notice(c, "rubric.ora2.ignored_element", c.name)
		}
	}
	g.Task = strings.Join(prompts, "\n\n")
	if rubric == nil {
		o.fail(e, e.path, "rubric.ora2.no_rubric")
	}
	return rubric
}

func (o *ora2) prompts(e *xnode) []string {
	var out []string
	for _, p := range e.children {
		if p.name != "prompt" {
			o.notice(p, "rubric.ora2.ignored_element", p.name)
			continue
		}
		for _, c := range p.children {
			if c.name == "description" {
				out = append(out, o.text(c))
			} else {
				o.notice(c, "rubric.ora2.ignored_element", c.name)
			}
		}
	}
	return out
}

func (o *ora2) rubric(e *xnode, g *Grid) {
	o.ignoredAttributes(e)
	for _, c := range e.children {
		switch c.name {
		case "criterion":
			if len(g.Criteria) == MaxCriteria {
				o.fail(c, c.path, "rubric.parse.too_many", MaxCriteria)
				return
			}
			g.Criteria = append(g.Criteria, o.criterion(c, g))
		case "feedbackprompt":
			g.FeedbackPrompt = o.text(c)
		case "prompt":
			// Older rubrics held the task's prompt here.
			if g.Task == "" {
				g.Task = o.text(c)
			} else {
				o.notice(c, "rubric.ora2.ignored_element", c.name)
			}
		default:
			o.notice(c, "rubric.ora2.ignored_element", c.name)
		}
	}
}

func (o *ora2) criterion(e *xnode, g *Grid) Criterion {
	c := Criterion{Weight: 1, Feedback: FeedbackDisabled}
	if v, ok := e.attr("feedback"); ok {
		m, known := ParseFeedbackMode(strings.TrimSpace(v))
		if !known {
			o.fail(e, e.path+"/@feedback", "rubric.parse.enum", v,
				strings.Join(feedbackNames, ", "))
		}
		c.Feedback = m
	}
	o.ignoredAttributes(e, "feedback")

	for _, ch := range e.children {
		switch ch.name {
		case "name":
			c.Key = o.text(ch)
		case "label":
			c.Label = o.text(ch)
		case "prompt":
			c.Description = o.text(ch)
		case "option":
			if len(c.Levels) == MaxLevels {
				o.fail(ch, ch.path, "rubric.parse.too_many", MaxLevels)
				return c
			}
			c.Levels = append(c.Levels, o.option(ch))
		default:
			o.notice(ch, "rubric.ora2.ignored_element", ch.name)
		}
	}

	if c.Label == "" {
		c.Label = c.Key
	}
	o.checkKey(e, g, &c)
	o.sortLevels(e, &c)
	return c
}

// checkKey gives the criterion a key of the form "cN" when its name is
// empty or already taken.
func (o *ora2) checkKey(e *xnode, g *Grid, c *Criterion) {
	taken := func(k string) bool {
		return slices.ContainsFunc(g.Criteria, func(o Criterion) bool { return o.Key == k })
	}
	if c.Key != "" && !taken(c.Key) {
		return
	}
	n := len(g.Criteria) + 1
	for taken("c" + strconv.Itoa(n)) {
		n++
	}
	key := "c" + strconv.Itoa(n)
	o.notice(e, "rubric.ora2.key", c.Key, key)
	c.Key = key
}

func (o *ora2) sortLevels(e *xnode, c *Criterion) {
	rising := func(a, b Level) int {
		switch {
		case a.Points < b.Points:
			return -1
		case a.Points > b.Points:
			return 1
		}
		return 0
	}
	if !slices.IsSortedFunc(c.Levels, rising) {
		slices.SortStableFunc(c.Levels, rising)
		o.notice(e, "rubric.ora2.reordered")
	}
}

func (o *ora2) option(e *xnode) Level {
	var l Level
	v, ok := e.attr("points")
	if !ok {
		o.fail(e, e.path+"/@points", "rubric.parse.missing")
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if ok && (err != nil || math.IsNaN(p) || math.IsInf(p, 0)) {
		o.fail(e, e.path+"/@points", "rubric.parse.expected_number")
	}
	l.Points = p
	o.ignoredAttributes(e, "points")

	var name string
	for _, ch := range e.children {
		switch ch.name {
		case "name":
			name = o.text(ch)
		case "label":
			l.Label = o.text(ch)
		case "explanation":
			l.Descriptor = o.text(ch)
		default:
			o.notice(ch, "rubric.ora2.ignored_element", ch.name)
		}
	}
	switch {
	case l.Label == "":
		l.Label = name
	case name != "" && name != l.Label:
		o.notice(e, "rubric.ora2.option_name", name)
	}
	return l
}

// text returns the trimmed text of e, noting markup flattened into it.
func (o *ora2) text(e *xnode) string {
	o.ignoredAttributes(e)
	if len(e.children) > 0 {
		o.notice(e, "rubric.ora2.markup")
	}
	return strings.TrimSpace(e.allText())
}

func (o *ora2) ignoredAttributes(e *xnode, known ...string) {
	var names []string
	for _, a := range e.attrs {
		if !slices.Contains(known, a.Name.Local) {
			names = append(names, a.Name.Local)
		}
	}
	if len(names) > 0 {
		o.notice(e, "rubric.ora2.ignored_attributes", strings.Join(names, ", "))
	}
}

// xnode is one XML element with its text and children.
type xnode struct {
	name     string
	attrs    []xml.Attr
	text     []string // character data, in order, with children's text between
	children []*xnode
	order    []int          // for each text piece, how many children came before it
	counts   map[string]int // children per name, for their paths
	path     string
	line     int
}

func (e *xnode) attr(name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// allText returns the character data of e and its descendants in
// document order.
func (e *xnode) allText() string {
	var b strings.Builder
	e.writeText(&b)
	return b.String()
}

func (e *xnode) writeText(b *strings.Builder) {
	next := 0
	for i, s := range e.text {
		for ; next < e.order[i]; next++ {
			e.children[next].writeText(b)
		}
		b.WriteString(s)
	}
	for ; next < len(e.children); next++ {
		e.children[next].writeText(b)
	}
}

// parseXML reads data as one XML element, bounded in size and depth.
// HTML's named entities (&eacute;, &nbsp;) are accepted beside XML's.
func parseXML(data []byte) (*xnode, error) {
	if len(data) > MaxInputSize {
		return nil, &ParseError{Path: "/", Line: 1, Code: "rubric.parse.too_large",
			Args: []any{MaxInputSize}}
	}
	if !utf8.Valid(data) {
		return nil, &ParseError{Path: "/", Line: lineAt(data, int64(invalidUTF8(data))),
			Code: "rubric.parse.utf8"}
	}

	x := &xmlReader{dec: xml.NewDecoder(bytes.NewReader(data))}
	x.dec.Strict = true
	x.dec.Entity = xml.HTMLEntity
	for {
		tok, err := x.dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, x.syntax(err)
		}
		if err := x.token(tok); err != nil {
			return nil, err
		}
	}
	if x.root == nil || len(x.stack) > 0 {
		return nil, x.fail("/", "rubric.parse.truncated")
	}
	return x.root, nil
}

type xmlReader struct {
	dec   *xml.Decoder
	root  *xnode
	stack []*xnode
}

func (x *xmlReader) line() int {
	l, _ := x.dec.InputPos()
	return l
}

func (x *xmlReader) fail(path, code string, args ...any) *ParseError {
	return &ParseError{Path: path, Line: x.line(), Code: code, Args: args}
}

func (x *xmlReader) syntax(err error) *ParseError {
	path := "/"
	if len(x.stack) > 0 {
		path = x.stack[len(x.stack)-1].path
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Path: path, Line: se.Line, Code: "rubric.parse.syntax",
			Args: []any{se.Msg}}
	}
	return x.fail(path, "rubric.parse.syntax", err.Error())
}

func (x *xmlReader) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return x.start(t)
	case xml.EndElement:
		x.stack = x.stack[:len(x.stack)-1]
	case xml.CharData:
		if len(x.stack) == 0 {
			switch {
			case len(bytes.TrimSpace(t)) == 0:
			case x.root == nil:
				return x.fail("/", "rubric.parse.not_xml")
			default:
				return x.fail("/", "rubric.parse.trailing")
			}
			return nil
		}
		top := x.stack[len(x.stack)-1]
		top.text = append(top.text, string(t))
		top.order = append(top.order, len(top.children))
	}
	return nil
}

func (x *xmlReader) start(t xml.StartElement) error {
	e := &xnode{name: t.Name.Local, attrs: slices.Clone(t.Attr), line: x.line()}
	if len(x.stack) == 0 {
		if x.root != nil {
			return x.fail("/", "rubric.parse.trailing")
		}
		e.path = "/" + e.name
		x.root = e
	} else {
		parent := x.stack[len(x.stack)-1]
		if parent.counts == nil {
			parent.counts = make(map[string]int)
		}
		parent.counts[e.name]++
		e.path = parent.path + "/" + e.name + "[" + strconv.Itoa(parent.counts[e.name]) + "]"
		parent.children = append(parent.children, e)
	}
	if len(x.stack) >= maxDepth {
		return x.fail(e.path, "rubric.parse.too_deep", maxDepth)
	}
	x.stack = append(x.stack, e)
	return nil
}
