package sql

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	// The test driver supplies the literal value types (ValueExpr, Datum,
	// MyDecimal) that the parser needs; the binder reads them.
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Parse splits text into statements separated by ';' (quotes and comments
// respected) and parses each one. Statements the TiDB grammar lacks (CREATE
// EXTERNAL TABLE, EXPLAIN VERBOSE) are recognised before it.
func Parse(text string) ([]Statement, error) {
	var out []Statement
	p := parser.New()
	for _, piece := range scanStatements(text) {
		st, err := parseOne(p, text, piece)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// stmtPiece is one statement's text and where it starts in the whole input,
// so errors can report positions in the user's text.
type stmtPiece struct {
	text         string
	start        int
	unterminated bool // no ';' ends it
}

func parseOne(p *parser.Parser, full string, piece stmtPiece) (Statement, error) {
	toks := tokenize(piece.text)
	if len(toks) >= 2 && toks[0].isWord("CREATE") && toks[1].isWord("EXTERNAL") {
		return parseCreateExternalTable(full, piece, toks)
	}
	text := piece.text
	verbose, distributed := false, false
	// EXPLAIN [ANALYZE] VERBOSE and EXPLAIN DISTRIBUTED are not in TiDB's
	// grammar: blank the word out (keeping offsets for error positions) and
	// remember it.
	if len(toks) >= 2 && toks[0].isWord("EXPLAIN") {
		i := 1
		if toks[i].isWord("ANALYZE") && len(toks) > 2 {
			i++
		}
		if toks[i].isWord("VERBOSE") || toks[i].isWord("DISTRIBUTED") {
			verbose = toks[i].isWord("VERBOSE")
			distributed = !verbose
			t := toks[i]
			text = text[:t.offset] + strings.Repeat(" ", len(t.text)) + text[t.offset+len(t.text):]
		}
	}
	text, inserted := rewriteDerivedColumnLists(text, toks)
	nodes, _, err := p.ParseSQL(text)
	if err != nil {
		return nil, syntaxError(full, piece, text, inserted, err)
	}
	if len(nodes) != 1 {
		return nil, fmt.Errorf("expected one statement, found %d", len(nodes))
	}
	st, err := convertStatement(nodes[0], strings.TrimSpace(piece.text))
	if err != nil {
		return nil, err
	}
	markRewrittenLateral(st, len(inserted) > 0)
	if ex, ok := st.(*Explain); ok {
		ex.Verbose = ex.Verbose || verbose
		ex.Distributed = distributed
		if q, ok := ex.Statement.(*Query); ok {
			q.Text = explainedText(piece.text, toks)
		}
	}
	return st, nil
}

// explainedText is the statement after EXPLAIN [ANALYZE] [VERBOSE]
// [FORMAT = '...'].
func explainedText(text string, toks []token) string {
	i := 1
	for i < len(toks) {
		t := toks[i]
		if t.isWord("ANALYZE") || t.isWord("VERBOSE") || t.isWord("DISTRIBUTED") || t.isWord("FORMAT") ||
			t.kind == tokString || t.kind == tokPunct && t.text == "=" {
			i++
			continue
		}
		break
	}
	if i >= len(toks) {
		return strings.TrimSpace(text)
	}
	return strings.TrimSpace(text[toks[i].offset:])
}

// convertStatement maps a TiDB statement node to our Statement types.
func convertStatement(node ast.StmtNode, text string) (Statement, error) {
	// Hook: writable tables, indexes and views (parse_dml.go).
	if st, ok, err := convertDML(node, text); ok {
		return st, err
	}
	switch n := node.(type) {
	case *ast.SelectStmt:
		if n.Kind != ast.SelectStmtKindSelect {
			return nil, fmt.Errorf("unsupported statement: %s", strings.ToUpper(n.Kind.String()))
		}
		if n.SelectIntoOpt != nil {
			return nil, errors.New("unsupported statement: SELECT ... INTO")
		}
		if n.LockInfo != nil && n.LockInfo.LockType != ast.SelectLockNone {
			return nil, errors.New("unsupported statement: SELECT ... FOR UPDATE")
		}
		return &Query{AST: n, Text: text}, nil
	case *ast.SetOprStmt:
		return &Query{AST: n, Text: text}, nil
	case *ast.ShowStmt:
		switch n.Tp {
		case ast.ShowTables:
			if n.Pattern != nil || n.Where != nil || n.DBName != "" {
				return nil, errors.New("unsupported statement: SHOW TABLES with LIKE, WHERE or FROM")
			}
			return &ShowTables{}, nil
		case ast.ShowColumns:
			return &Describe{Name: n.Table.Name.O}, nil
		}
		return nil, errors.New("unsupported statement: SHOW (only SHOW TABLES and SHOW COLUMNS)")
	case *ast.ExplainStmt:
		if show, ok := n.Stmt.(*ast.ShowStmt); ok && show.Tp == ast.ShowColumns {
			// TiDB parses DESC t / DESCRIBE t as EXPLAIN of SHOW COLUMNS.
			return &Describe{Name: show.Table.Name.O}, nil
		}
		format := strings.ToLower(n.Format)
		if format != "" && format != "row" && format != "verbose" {
			return nil, fmt.Errorf("unsupported EXPLAIN FORMAT=%q (use EXPLAIN, EXPLAIN ANALYZE or EXPLAIN VERBOSE)", n.Format)
		}
		// parseOne replaces the text with the explained statement's own.
		inner, err := convertStatement(n.Stmt, text)
		if err != nil {
			return nil, err
		}
		if _, ok := inner.(*Query); !ok {
			return nil, errors.New("EXPLAIN supports only queries")
		}
		return &Explain{Statement: inner, Analyze: n.Analyze, Verbose: format == "verbose"}, nil
	case *ast.DropTableStmt:
		if n.IsView {
			return nil, errors.New("unsupported statement: DROP VIEW")
		}
		if len(n.Tables) != 1 {
			return nil, errors.New("DROP TABLE: exactly one table name expected")
		}
		return &DropTable{Name: n.Tables[0].Name.O, IfExists: n.IfExists}, nil
	}
	return nil, fmt.Errorf("unsupported statement: %s", statementKind(node))
}

// statementKind names a statement for the "unsupported" error: InsertStmt → INSERT,
// CreateTableStmt → CREATE TABLE.
func statementKind(node ast.StmtNode) string {
	name := reflect.TypeOf(node).Elem().Name()
	name = strings.TrimSuffix(name, "Stmt")
	var words []string
	start := 0
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' && !(name[i-1] >= 'A' && name[i-1] <= 'Z') {
			words = append(words, name[start:i])
			start = i
		}
	}
	words = append(words, name[start:])
	return strings.ToUpper(strings.Join(words, " "))
}

// tidbErrorPattern matches the TiDB lexer's "line L column C near "..."" errors.
var tidbErrorPattern = regexp.MustCompile(`(?s)^line \d+ column \d+ near "(.*)"(.*)$`)
var totalLengthPattern = regexp.MustCompile(`\(total length (\d+)\)`)

// syntaxError turns a TiDB parse error into "syntax error at line L, column C
// near "..."", with the position of the offending token in the whole input.
func syntaxError(full string, piece stmtPiece, parsed string, inserted []int, err error) error {
	msg := err.Error()
	m := tidbErrorPattern.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("syntax error: %s", msg)
	}
	near, rest := m[1], m[2]
	// The regexp is greedy: the near text ends at the last quote, and TiDB
	// may append a message and "(total length N)" after it.
	remaining := len(near)
	if t := totalLengthPattern.FindStringSubmatch(rest); t != nil {
		remaining, _ = strconv.Atoi(t[1])
	}
	offset := len(parsed) - remaining
	// Map the offset in the rewritten text back to the user's text.
	shift := 0
	for _, at := range inserted {
		if at+shift < offset {
			shift += len(lateralKeyword)
		}
	}
	offset -= shift
	if offset < 0 || offset > len(piece.text) {
		return fmt.Errorf("syntax error: %s", msg)
	}
	snippet := strings.TrimSpace(near)
	if i := strings.IndexByte(snippet, '\n'); i >= 0 {
		snippet = strings.TrimSpace(snippet[:i])
	}
	if utf8.RuneCountInString(snippet) > 40 {
		snippet = string([]rune(snippet)[:40]) + "..."
	}
	if snippet == "" {
		return positionError(full, piece.start+offset, "syntax error")
	}
	line, col := lineColumn(full, piece.start+offset)
	return fmt.Errorf("syntax error at line %d, column %d near %q", line, col, snippet)
}

// positionError formats msg with the line and column of offset in text.
func positionError(text string, offset int, msg string) error {
	line, col := lineColumn(text, offset)
	if offset >= len(strings.TrimRight(text, " \t\r\n;")) {
		return fmt.Errorf("%s at end of input (line %d, column %d)", msg, line, col)
	}
	return fmt.Errorf("%s at line %d, column %d", msg, line, col)
}

// lineColumn returns the 1-based line and column (in characters) of offset.
func lineColumn(text string, offset int) (line, col int) {
	if offset > len(text) {
		offset = len(text)
	}
	before := text[:offset]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCountInString(before[lineStart:]) + 1
	return line, col
}

// scanStatements splits text at ';' outside quotes and comments. Pieces that
// hold only whitespace and comments are dropped. The last piece is marked
// unterminated when no ';' closes it (the shell keeps reading lines then).
func scanStatements(text string) []stmtPiece {
	var out []stmtPiece
	start := 0
	emit := func(end int, terminated bool) {
		piece := text[start:end]
		if hasContent(piece) {
			out = append(out, stmtPiece{text: piece, start: start, unterminated: !terminated})
		}
		start = end + 1
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(text, i)
		case isDashComment(text, i), c == '#':
			i = skipLineComment(text, i)
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			i = skipBlockComment(text, i)
		case c == ';':
			emit(i, true)
			i++
		default:
			i++
		}
	}
	if start < len(text) {
		emit(len(text), false)
	}
	return out
}

// hasContent reports whether s holds anything besides whitespace and
// comments. Executable comments (/*! ... */) and optimizer hints (/*+ ... */)
// are code to the parser, and an unclosed /* counts too: the lines that
// follow it belong to the statement.
func hasContent(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isDashComment(s, i), c == '#':
			i = skipLineComment(s, i)
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			if strings.HasPrefix(s[i:], "/*!") || strings.HasPrefix(s[i:], "/*+") || !strings.Contains(s[i+2:], "*/") {
				return true
			}
			i = skipBlockComment(s, i)
		default:
			return true
		}
	}
	return false
}

// skipQuoted returns the offset after the quoted text starting at i. A
// doubled quote is an escaped quote; in strings a backslash escapes the next
// byte (MySQL). An unterminated quote runs to the end.
func skipQuoted(s string, i int) int {
	q := s[i]
	i++
	for i < len(s) {
		switch {
		case s[i] == '\\' && q != '`':
			i += 2
		case s[i] == q:
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		default:
			i++
		}
	}
	return len(s)
}

// isDashComment reports whether "--" at i starts a comment: as in MySQL,
// only when followed by whitespace or the end of the text (1--1 is 1 - -1).
func isDashComment(s string, i int) bool {
	if !strings.HasPrefix(s[i:], "--") {
		return false
	}
	return i+2 == len(s) || s[i+2] == ' ' || s[i+2] == '\t' || s[i+2] == '\n' || s[i+2] == '\r'
}

func skipLineComment(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(s)
}

func skipBlockComment(s string, i int) int {
	if j := strings.Index(s[i+2:], "*/"); j >= 0 {
		return i + 2 + j + 2
	}
	return len(s)
}

// lateralKeyword is inserted before derived tables with a column alias list.
const lateralKeyword = "LATERAL "

// notAliases are keywords that can follow a derived table but are not its alias.
var notAliases = map[string]bool{
	"ON": true, "USING": true, "WHERE": true, "GROUP": true, "ORDER": true, "LIMIT": true,
	"HAVING": true, "JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "CROSS": true,
	"NATURAL": true, "UNION": true, "EXCEPT": true, "INTERSECT": true, "AND": true, "OR": true,
	"NOT": true, "IN": true, "EXISTS": true, "STRAIGHT_JOIN": true, "WINDOW": true,
}

// rewriteDerivedColumnLists makes "(SELECT ...) [AS] d (a, b)" in a FROM
// clause parse: TiDB's grammar accepts a column alias list only on LATERAL
// derived tables, so LATERAL is inserted before such a derived table (a
// statement that says LATERAL itself is left alone). It returns the text and
// the offsets (in the original text) where the keyword was inserted.
func rewriteDerivedColumnLists(text string, toks []token) (string, []int) {
	for _, t := range toks {
		if t.isWord("LATERAL") {
			return text, nil
		}
	}
	var inserts []int
	for i := 1; i+1 < len(toks); i++ {
		prev, open, first := toks[i-1], toks[i], toks[i+1]
		if !(prev.isWord("FROM") || prev.isWord("JOIN") || prev.kind == tokPunct && prev.text == ",") ||
			open.kind != tokPunct || open.text != "(" || !(first.isWord("SELECT") || first.isWord("WITH")) {
			continue
		}
		closeAt := matchingParen(toks, i)
		if closeAt < 0 {
			continue
		}
		j := closeAt + 1
		if j < len(toks) && toks[j].isWord("AS") {
			j++
		}
		if j+1 >= len(toks) || toks[j].kind != tokWord || notAliases[strings.ToUpper(toks[j].value)] ||
			toks[j+1].kind != tokPunct || toks[j+1].text != "(" {
			continue
		}
		inserts = append(inserts, open.offset)
	}
	if len(inserts) == 0 {
		return text, nil
	}
	var b strings.Builder
	last := 0
	for _, at := range inserts {
		b.WriteString(text[last:at])
		b.WriteString(lateralKeyword)
		last = at
	}
	b.WriteString(text[last:])
	return b.String(), inserts
}

// matchingParen returns the index of the token closing the parenthesis at open.
func matchingParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		if toks[i].kind != tokPunct {
			continue
		}
		switch toks[i].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// markRewrittenLateral records on a query that its LATERAL derived tables
// came from rewriteDerivedColumnLists, so the binder treats them as
// ordinary derived tables.
func markRewrittenLateral(st Statement, rewritten bool) {
	if !rewritten {
		return
	}
	switch s := st.(type) {
	case *Query:
		s.derivedColumnLists = true
	case *Explain:
		markRewrittenLateral(s.Statement, rewritten)
	}
}
