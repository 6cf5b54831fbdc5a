package rubric

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"certeval/i18n"
)

// The Certeval grid format, described in FORMAT.md.
const (
	FormatName    = "certeval-grid"
	FormatVersion = 1
)

// Bounds on what the parsers accept, so that hostile input cannot make them
// run long or use much memory.
const (
	MaxInputSize = 1 << 20 // bytes of JSON or XML
	MaxCriteria  = 200
	MaxLevels    = 20
	maxDepth     = 16
	maxItems     = 1000 // elements of any other array
)

// wire types: the JSON format, member by member, in its documented order.
type (
	gridWire struct {
		Format         string          `json:"format"`
		Version        int             `json:"version"`
		Credential     string          `json:"credential"`
		GridVersion    int             `json:"grid_version"`
		Title          string          `json:"title"`
		Task           string          `json:"task,omitempty"`
		FeedbackPrompt string          `json:"feedback_prompt,omitempty"`
		Criteria       []criterionWire `json:"criteria"`
		Rules          rulesWire       `json:"rules"`
	}
	criterionWire struct {
		Key         string      `json:"key"`
		Label       string      `json:"label"`
		Description string      `json:"description,omitempty"`
		Guidance    string      `json:"guidance,omitempty"`
		Competency  string      `json:"competency,omitempty"`
		Outcomes    []string    `json:"outcomes,omitempty"`
		Weight      float64     `json:"weight"`
		Feedback    string      `json:"feedback"`
		Eliminatory bool        `json:"eliminatory,omitempty"`
		MinLevel    int         `json:"min_level,omitempty"`
		Levels      []levelWire `json:"levels"`
	}
	levelWire struct {
		Label      string  `json:"label"`
		Descriptor string  `json:"descriptor,omitempty"`
		Points     float64 `json:"points"`
	}
	rulesWire struct {
		MinTotal       float64    `json:"min_total"`
		MinTotalIsMark bool       `json:"min_total_is_mark"`
		MinMastery     int        `json:"min_mastery"`
		Competencies   []compWire `json:"competencies,omitempty"`
		Scale          scaleWire  `json:"scale"`
	}
	compWire struct {
		Competency string `json:"competency"`
		MinLevel   int    `json:"min_level"`
	}
	scaleWire struct {
		OutOf   float64 `json:"out_of"`
		Mapping string  `json:"mapping"`
		Step    float64 `json:"step"`
	}
)

// JSON returns g in the Certeval grid format, indented. The output is the
// same for equal grids.
func (g *Grid) JSON() ([]byte, error) {
	b, err := encode(g, "  ")
	if err != nil {
		return nil, fmt.Errorf("export grid: %w", err)
	}
	return b, nil
}

// Fingerprint returns the SHA-256, in lowercase hex, of g's canonical form:
// the compact JSON export (see FORMAT.md). Documents print it so that the
// exact grid applied can be checked.
func (g *Grid) Fingerprint() string {
	b, err := encode(g, "")
	if err != nil {
		// Only non-finite numbers fail to encode; such a grid never validates.
		b = fmt.Appendf(nil, "%#v", g)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func encode(g *Grid, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(toWire(g)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if indent == "" {
		b = bytes.TrimSuffix(b, []byte("\n"))
	}
	return b, nil
}

func toWire(g *Grid) gridWire {
	w := gridWire{
		Format: FormatName, Version: FormatVersion,
		Credential: g.Credential, GridVersion: g.Version, Title: g.Title, Task: g.Task,
		FeedbackPrompt: g.FeedbackPrompt,
		Criteria:       make([]criterionWire, len(g.Criteria)),
		Rules: rulesWire{
			MinTotal: z(g.Rules.MinTotal), MinTotalIsMark: g.Rules.MinTotalIsMark,
			MinMastery: g.Rules.MinMastery,
			Scale: scaleWire{OutOf: z(g.Rules.Scale.OutOf),
				Mapping: g.Rules.Scale.Mapping.String(), Step: z(g.Rules.Scale.Step)},
		},
	}
	for _, cr := range g.Rules.Competencies {
		w.Rules.Competencies = append(w.Rules.Competencies, compWire(cr))
	}
	for i, c := range g.Criteria {
		cw := criterionWire{
			Key: c.Key, Label: c.Label, Description: c.Description, Guidance: c.Guidance,
			Competency: c.Competency, Outcomes: c.Outcomes, Weight: z(c.Weight),
			Feedback: c.Feedback.String(), Eliminatory: c.Eliminatory, MinLevel: c.MinLevel,
			Levels: make([]levelWire, len(c.Levels)),
		}
		for j, l := range c.Levels {
			cw.Levels[j] = levelWire{Label: l.Label, Descriptor: l.Descriptor, Points: z(l.Points)}
		}
		w.Criteria[i] = cw
	}
	return w
}

// z turns -0 into 0, so that equal grids print alike.
func z(x float64) float64 { return x + 0 }

// Problems is the error of an import whose grid does not validate: every
// problem found, in order.
type Problems []Problem

// Error returns the problems' sentences, one a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// ParseError is an import refused for its syntax or structure. Path is a
// JSON path ("$.criteria[2].levels[0].points") or an XML path
// ("/openassessment/rubric/criterion[3]/option[1]/@points"); Line counts
// from 1.
type ParseError struct {
	Path string
	Line int
	Code string // message key, e.g. "rubric.parse.expected_number"
	Args []any
}

// Error returns a sentence naming the line and path at fault.
func (e *ParseError) Error() string {
	return i18n.T("rubric.parse.at", e.Line, e.Path, i18n.T(e.Code, e.Args...))
}

// ParseJSON reads a grid in the Certeval format and validates it (without
// the credential's competencies, which the caller checks with Validate).
// Unknown members, duplicate keys, wrong types and invalid grids are
// refused whole: the error is a *ParseError or Problems.
func ParseJSON(data []byte) (*Grid, error) {
	g, err := ParseJSONDraft(data)
	if err != nil {
		return nil, err
	}
	if ps := g.Validate(nil); len(ps) > 0 {
		return nil, Problems(ps)
	}
	return g, nil
}

// ParseJSONDraft reads a grid in the Certeval format as ParseJSON does but
// does not validate it, for drafts saved while being edited.
func ParseJSONDraft(data []byte) (*Grid, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	d := &decoder{data: data}
	g := d.grid(root)
	if d.err != nil {
		return nil, d.err
	}
	return g, nil
}

// decoder turns a syntax tree into a Grid, keeping the first error.
type decoder struct {
	data []byte
	err  *ParseError
}

func (d *decoder) fail(n *node, path, code string, args ...any) {
	if d.err == nil {
		d.err = &ParseError{Path: path, Line: lineAt(d.data, n.off), Code: code, Args: args}
	}
}

// object checks that n is an object with only the given members, and that
// the required ones (marked with a leading "!") are present.
func (d *decoder) object(n *node, members ...string) *node {
	if n == nil || d.err != nil {
		return nil
	}
	if n.kind != '{' {
		d.fail(n, n.path, "rubric.parse.expected_object")
		return nil
	}
	allowed := make(map[string]bool, len(members))
	for _, m := range members {
		name := strings.TrimPrefix(m, "!")
		allowed[name] = true
		if name != m && n.fields[name] == nil {
			d.fail(n, childPath(n.path, name), "rubric.parse.missing")
		}
	}
	for _, k := range n.keys {
		if !allowed[k] {
			d.fail(n.fields[k], n.fields[k].path, "rubric.parse.unknown")
		}
	}
	return n
}

func (d *decoder) array(n *node, limit int) []*node {
	if n == nil || d.err != nil {
		return nil
	}
	if n.kind != '[' {
		d.fail(n, n.path, "rubric.parse.expected_array")
		return nil
	}
	if len(n.items) > limit {
		d.fail(n, n.path, "rubric.parse.too_many", limit)
		return nil
	}
	return n.items
}

func (d *decoder) str(n *node) string {
	if n == nil || d.err != nil {
		return ""
	}
	if n.kind != '"' {
		d.fail(n, n.path, "rubric.parse.expected_string")
	}
	return n.text
}

func (d *decoder) boolean(n *node) bool {
	if n == nil || d.err != nil {
		return false
	}
	if n.kind != 'b' {
		d.fail(n, n.path, "rubric.parse.expected_boolean")
	}
	return n.text == "true"
}

func (d *decoder) number(n *node, def float64) float64 {
	if n == nil || d.err != nil {
		return def
	}
	if n.kind != '0' {
		d.fail(n, n.path, "rubric.parse.expected_number")
		return def
	}
	x, err := json.Number(n.text).Float64()
	if err != nil || math.IsInf(x, 0) {
		d.fail(n, n.path, "rubric.parse.out_of_range")
	}
	return x
}

func (d *decoder) integer(n *node, def int) int {
	x := d.number(n, float64(def))
	if d.err == nil && (x != math.Trunc(x) || math.Abs(x) > 1e6) {
		d.fail(n, n.path, "rubric.parse.expected_integer")
	}
	return int(x)
}

// enum reads a string among names and returns its index.
func (d *decoder) enum(n *node, names []string) int {
	s := d.str(n)
	if n == nil || d.err != nil {
		return 0
	}
	for i, name := range names {
		if s == name {
			return i
		}
	}
	d.fail(n, n.path, "rubric.parse.enum", s, strings.Join(names, ", "))
	return 0
}

func (d *decoder) grid(root *node) *Grid {
	o := d.object(root, "!format", "!version", "credential", "grid_version", "title",
		"task", "feedback_prompt", "!criteria", "rules")
	if o == nil {
		return nil
	}

	// The header first: a file of another kind or version is refused as such.
	if f := o.fields["format"]; d.str(f) != FormatName && d.err == nil {
		d.fail(f, f.path, "rubric.parse.format", FormatName)
	}
	if v := o.fields["version"]; d.integer(v, 0) != FormatVersion && d.err == nil {
		d.fail(v, v.path, "rubric.parse.version", FormatVersion)
	}

	g := &Grid{
		Credential:     d.str(o.fields["credential"]),
		Version:        d.integer(o.fields["grid_version"], 1),
		Title:          d.str(o.fields["title"]),
		Task:           d.str(o.fields["task"]),
		FeedbackPrompt: d.str(o.fields["feedback_prompt"]),
	}
	for _, n := range d.array(o.fields["criteria"], MaxCriteria) {
		g.Criteria = append(g.Criteria, d.criterion(n))
	}
	g.Rules = d.rules(o.fields["rules"])
	return g
}

func (d *decoder) criterion(n *node) Criterion {
	o := d.object(n, "!key", "!label", "description", "guidance", "competency", "outcomes",
		"weight", "feedback", "eliminatory", "min_level", "!levels")
	if o == nil {
		return Criterion{}
	}
	c := Criterion{
		Key:         d.str(o.fields["key"]),
		Label:       d.str(o.fields["label"]),
		Description: d.str(o.fields["description"]),
		Guidance:    d.str(o.fields["guidance"]),
		Competency:  d.str(o.fields["competency"]),
		Weight:      d.number(o.fields["weight"], 1),
		Feedback:    FeedbackMode(d.enum(o.fields["feedback"], feedbackNames)),
		Eliminatory: d.boolean(o.fields["eliminatory"]),
		MinLevel:    d.integer(o.fields["min_level"], 0),
	}
	for _, item := range d.array(o.fields["outcomes"], maxItems) {
		c.Outcomes = append(c.Outcomes, d.str(item))
	}
	for _, item := range d.array(o.fields["levels"], MaxLevels) {
		c.Levels = append(c.Levels, d.level(item))
	}
	return c
}

func (d *decoder) level(n *node) Level {
	o := d.object(n, "!label", "descriptor", "!points")
	if o == nil {
		return Level{}
	}
	return Level{
		Label:      d.str(o.fields["label"]),
		Descriptor: d.str(o.fields["descriptor"]),
		Points:     d.number(o.fields["points"], 0),
	}
}

func (d *decoder) rules(n *node) PassRules {
	r := PassRules{Scale: MarkScale{OutOf: DefaultOutOf, Step: DefaultStep}}
	o := d.object(n, "min_total", "min_total_is_mark", "min_mastery", "competencies", "scale")
	if o == nil {
		return r
	}
	r.MinTotal = d.number(o.fields["min_total"], 0)
	r.MinTotalIsMark = d.boolean(o.fields["min_total_is_mark"])
	r.MinMastery = d.integer(o.fields["min_mastery"], 0)
	for _, item := range d.array(o.fields["competencies"], maxItems) {
		if co := d.object(item, "!competency", "!min_level"); co != nil {
			r.Competencies = append(r.Competencies, CompetencyRule{
				Competency: d.str(co.fields["competency"]),
				MinLevel:   d.integer(co.fields["min_level"], 0),
			})
		}
	}
	if so := d.object(o.fields["scale"], "out_of", "mapping", "step"); so != nil {
		r.Scale.OutOf = d.number(so.fields["out_of"], DefaultOutOf)
		r.Scale.Mapping = Mapping(d.enum(so.fields["mapping"], mappingNames))
		r.Scale.Step = d.number(so.fields["step"], DefaultStep)
	}
	return r
}
