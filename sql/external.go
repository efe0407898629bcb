package sql

import (
	"fmt"
	"strings"
)

// tokenKind classifies the tokens of the small tokenizer used for statements
// TiDB's grammar lacks.
type tokenKind int

const (
	tokWord   tokenKind = iota // identifier or keyword (backquoted identifiers too)
	tokString                  // '...' with '' and backslash escapes decoded
	tokNumber
	tokPunct // one byte: ( ) , = ; and anything else
)

type token struct {
	kind   tokenKind
	text   string // the source text of the token
	value  string // decoded value: unquoted string or identifier
	offset int    // byte offset in the statement text
	closed bool   // for strings and quoted identifiers: the closing quote was found
}

func (t token) isWord(w string) bool {
	return t.kind == tokWord && !strings.HasPrefix(t.text, "`") && strings.EqualFold(t.value, w)
}

// tokenize splits s into tokens, skipping whitespace and comments. It never
// fails: an unterminated quote yields a token with closed=false, so that
// TiDB (which reports such errors well) judges ordinary statements.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isDashComment(s, i), c == '#':
			i = skipLineComment(s, i)
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			i = skipBlockComment(s, i)
		case c == '\'' || c == '"':
			end := skipQuoted(s, i)
			raw := s[i:end]
			closed := len(raw) >= 2 && raw[len(raw)-1] == c
			out = append(out, token{kind: tokString, text: raw, value: unquote(raw, c), offset: i, closed: closed})
			i = end
		case c == '`':
			end := skipQuoted(s, i)
			raw := s[i:end]
			closed := len(raw) >= 2 && raw[len(raw)-1] == '`'
			out = append(out, token{kind: tokWord, text: raw, value: unquote(raw, '`'), offset: i, closed: closed})
			i = end
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			kind := tokWord
			if c >= '0' && c <= '9' {
				kind = tokNumber
			}
			out = append(out, token{kind: kind, text: s[i:j], value: s[i:j], offset: i, closed: true})
			i = j
		default:
			out = append(out, token{kind: tokPunct, text: s[i : i+1], value: s[i : i+1], offset: i, closed: true})
			i++
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// unquote removes the quotes of raw and decodes doubled quotes and (for
// strings) MySQL backslash escapes.
func unquote(raw string, q byte) string {
	body := raw[1:]
	if len(body) > 0 && body[len(body)-1] == q {
		body = body[:len(body)-1]
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == q && i+1 < len(body) && body[i+1] == q:
			b.WriteByte(q)
			i++
		case c == '\\' && q != '`' && i+1 < len(body):
			i++
			switch body[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			default:
				b.WriteByte(body[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// externalTableParser parses CREATE EXTERNAL TABLE with positions for errors.
type externalTableParser struct {
	full  string
	piece stmtPiece
	toks  []token
	pos   int
}

const createExternalPrefix = "CREATE EXTERNAL TABLE"

// parseCreateExternalTable parses
// CREATE EXTERNAL TABLE [IF NOT EXISTS] name STORED AS PARQUET|CSV LOCATION 'path'
// [OPTIONS ('key' 'value' [, ...])]   (also 'key' = 'value').
func parseCreateExternalTable(full string, piece stmtPiece, toks []token) (Statement, error) {
	p := &externalTableParser{full: full, piece: piece, toks: toks, pos: 2}
	st := &CreateExternalTable{Options: map[string]string{}}
	if err := p.expectWord("TABLE", "expected TABLE"); err != nil {
		return nil, err
	}
	if p.peekWord("IF") {
		p.pos++
		if err := p.expectWord("NOT", "expected IF NOT EXISTS"); err != nil {
			return nil, err
		}
		if err := p.expectWord("EXISTS", "expected IF NOT EXISTS"); err != nil {
			return nil, err
		}
		st.IfNotExists = true
	}
	name, ok := p.next()
	if !ok || name.kind != tokWord || !name.closed || name.isWord("STORED") {
		return nil, p.errorAt(name, ok, "expected a table name")
	}
	st.Name = name.value
	if err := p.expectWord("STORED", "expected STORED AS PARQUET or CSV"); err != nil {
		return nil, err
	}
	if err := p.expectWord("AS", "expected STORED AS PARQUET or CSV"); err != nil {
		return nil, err
	}
	format, ok := p.next()
	if !ok || !(format.isWord("PARQUET") || format.isWord("CSV")) {
		return nil, p.errorAt(format, ok, "expected STORED AS PARQUET or CSV")
	}
	st.Format = strings.ToLower(format.value)
	if err := p.expectWord("LOCATION", "expected LOCATION 'path'"); err != nil {
		return nil, err
	}
	loc, ok := p.next()
	if !ok || loc.kind != tokString || loc.text[0] != '\'' {
		return nil, p.errorAt(loc, ok, "expected LOCATION 'path' (a quoted string)")
	}
	if !loc.closed {
		return nil, p.errorAt(loc, true, "unterminated string")
	}
	st.Location = loc.value
	if p.peekWord("OPTIONS") {
		p.pos++
		if err := p.parseOptions(st.Options); err != nil {
			return nil, err
		}
	}
	if t, ok := p.next(); ok {
		return nil, p.errorAt(t, true, fmt.Sprintf("unexpected %q", t.text))
	}
	return st, nil
}

func (p *externalTableParser) parseOptions(opts map[string]string) error {
	if err := p.expectPunct("(", "expected ( after OPTIONS"); err != nil {
		return err
	}
	for {
		key, ok := p.next()
		if !ok || !(key.kind == tokString || key.kind == tokWord) || !key.closed {
			return p.errorAt(key, ok, "expected an option name")
		}
		if t, ok := p.peek(); ok && t.kind == tokPunct && t.text == "=" {
			p.pos++
		}
		val, ok := p.next()
		if !ok || !(val.kind == tokString || val.kind == tokWord || val.kind == tokNumber) || !val.closed {
			return p.errorAt(val, ok, fmt.Sprintf("expected a value for option %q", key.value))
		}
		opts[strings.ToLower(key.value)] = val.value
		sep, ok := p.next()
		if !ok || sep.kind != tokPunct || (sep.text != "," && sep.text != ")") {
			return p.errorAt(sep, ok, "expected , or ) in OPTIONS")
		}
		if sep.text == ")" {
			return nil
		}
	}
}

func (p *externalTableParser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{}, false
}

func (p *externalTableParser) peekWord(w string) bool {
	t, ok := p.peek()
	return ok && t.isWord(w)
}

func (p *externalTableParser) next() (token, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

func (p *externalTableParser) expectWord(w, msg string) error {
	t, ok := p.next()
	if !ok || !t.isWord(w) {
		return p.errorAt(t, ok, msg)
	}
	return nil
}

func (p *externalTableParser) expectPunct(s, msg string) error {
	t, ok := p.next()
	if !ok || t.kind != tokPunct || t.text != s {
		return p.errorAt(t, ok, msg)
	}
	return nil
}

// errorAt reports msg at token t, or at the end of the statement when the
// input ran out (ok=false).
func (p *externalTableParser) errorAt(t token, ok bool, msg string) error {
	offset := len(strings.TrimRight(p.piece.text, " \t\r\n"))
	if ok {
		offset = t.offset
	}
	line, col := lineColumn(p.full, p.piece.start+offset)
	if !ok {
		return fmt.Errorf("%s: %s at end of input (line %d, column %d)", createExternalPrefix, msg, line, col)
	}
	return fmt.Errorf("%s: %s at line %d, column %d", createExternalPrefix, msg, line, col)
}
