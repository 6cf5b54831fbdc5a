package rubric

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// node is one value of a JSON document, read token by token so that
// duplicate keys, which encoding/json silently accepts, are refused.
type node struct {
	kind   byte   // '{' object, '[' array, '"' string, '0' number, 'b' boolean, 'n' null
	text   string // string value, number as written, "true" or "false"
	items  []*node
	keys   []string // object members in document order
	fields map[string]*node
	path   string
	off    int64 // input offset just after the value's first token
}

// parseTree reads data as one JSON value, bounded in size and depth.
func parseTree(data []byte) (*node, error) {
	if len(data) > MaxInputSize {
		return nil, &ParseError{Path: "$", Line: 1, Code: "rubric.parse.too_large",
			Args: []any{MaxInputSize}}
	}
	if !utf8.Valid(data) {
		return nil, &ParseError{Path: "$", Line: lineAt(data, int64(invalidUTF8(data))),
			Code: "rubric.parse.utf8"}
	}

	t := &treeReader{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	t.dec.UseNumber()
	root, err := t.value("$", 0)
	if err != nil {
		return nil, err
	}
	if _, err := t.dec.Token(); err != io.EOF {
		return nil, t.fail("$", "rubric.parse.trailing")
	}
	return root, nil
}

type treeReader struct {
	data []byte
	dec  *json.Decoder
}

func (t *treeReader) fail(path, code string, args ...any) *ParseError {
	return &ParseError{Path: path, Line: lineAt(t.data, t.dec.InputOffset()), Code: code,
		Args: args}
}

// syntax turns a decoder error into a ParseError at path.
func (t *treeReader) syntax(path string, err error) *ParseError {
	off := t.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{Path: path, Line: lineAt(t.data, off), Code: "rubric.parse.truncated"}
	}
	return &ParseError{Path: path, Line: lineAt(t.data, off), Code: "rubric.parse.syntax",
		Args: []any{err.Error()}}
}

func (t *treeReader) value(path string, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, t.fail(path, "rubric.parse.too_deep", maxDepth)
	}
	tok, err := t.dec.Token()
	if err != nil {
		return nil, t.syntax(path, err)
	}
	n := &node{path: path, off: t.dec.InputOffset()}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return n, t.object(n, depth)
		}
		return n, t.array(n, depth)
	case string:
		n.kind, n.text = '"', v
	case json.Number:
		n.kind, n.text = '0', string(v)
	case bool:
		n.kind, n.text = 'b', strconv.FormatBool(v)
	default:
		n.kind = 'n'
	}
	return n, nil
}

func (t *treeReader) object(n *node, depth int) error {
	n.kind, n.fields = '{', make(map[string]*node)
	for t.dec.More() {
		tok, err := t.dec.Token()
		if err != nil {
			return t.syntax(n.path, err)
		}
		key, _ := tok.(string) // the decoder only yields strings as keys
		path := childPath(n.path, key)
		if _, dup := n.fields[key]; dup {
			return t.fail(path, "rubric.parse.duplicate")
		}
		child, err := t.value(path, depth+1)
		if err != nil {
			return err
		}
		n.keys = append(n.keys, key)
		n.fields[key] = child
	}
	return t.close(n.path)
}

func (t *treeReader) array(n *node, depth int) error {
	n.kind = '['
	for t.dec.More() {
		if len(n.items) >= maxItems {
			return t.fail(n.path, "rubric.parse.too_many", maxItems)
		}
		child, err := t.value(n.path+"["+strconv.Itoa(len(n.items))+"]", depth+1)
		if err != nil {
			return err
		}
		n.items = append(n.items, child)
	}
	return t.close(n.path)
}

// close reads the delimiter that ends an object or array.
func (t *treeReader) close(path string) error {
	if _, err := t.dec.Token(); err != nil {
		return t.syntax(path, err)
	}
	return nil
}

// childPath returns the JSON path of member key of the value at path.
func childPath(path, key string) string {
	if isIdentifier(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// lineAt returns the line, from 1, of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
