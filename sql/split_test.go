package sql

import (
	"reflect"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		stmts []string
		rest  string
	}{
		{"empty", "", nil, ""},
		{"only whitespace", " \n\t ", nil, ""},
		{"one terminated", "select 1;", []string{"select 1"}, ""},
		{"one unterminated", "  select 1  ", nil, "select 1"},
		{"several, trimmed", " select 1 ;\n select 2;select 3", []string{"select 1", "select 2"}, "select 3"},
		{"empty statements dropped", ";; select 1;;", []string{"select 1"}, ""},
		{"statement spans lines", "select\n  a\nfrom t\n;", []string{"select\n  a\nfrom t"}, ""},
		{"semicolon in single quotes", "select 'a;b';", []string{"select 'a;b'"}, ""},
		{"semicolon in double quotes", `select "a;b";`, []string{`select "a;b"`}, ""},
		{"semicolon in backticks", "select `a;b` from t;", []string{"select `a;b` from t"}, ""},
		{"doubled quote", "select 'it''s;';", []string{"select 'it''s;'"}, ""},
		{"backslash escape", `select 'it\';s';`, []string{`select 'it\';s'`}, ""},
		{"backslash is literal in backticks", "select `a\\`;", []string{"select `a\\`"}, ""},
		{"unterminated quote is the rest", "select 'abc;\ndef", nil, "select 'abc;\ndef"},
		{"dash comment", "select 1 -- no; split\n, 2;", []string{"select 1 -- no; split\n, 2"}, ""},
		{"hash comment", "select 1 # x;y\n;", []string{"select 1 # x;y"}, ""},
		{"block comment", "select /* ; */ 1;", []string{"select /* ; */ 1"}, ""},
		{"unterminated block comment", "select 1 /* ;", nil, "select 1 /* ;"},
		{"open comment is pending", "select 1; /* still\n in; it", []string{"select 1"}, "/* still\n in; it"},
		{"double dash without space is minus", "select 1--1;", []string{"select 1--1"}, ""},
		{"comment-only statement dropped", "-- header\n;select 1;", []string{"select 1"}, ""},
		{"leading comment kept", "-- Q1\nselect 1;", []string{"-- Q1\nselect 1"}, ""},
		{"trailing comment is no rest", "select 1; -- done\n/* bye */\n", []string{"select 1"}, ""},
		{"dash comment at end of text", "select 1;--", []string{"select 1"}, ""},
		{"hint is code", "/*+ hint */;", []string{"/*+ hint */"}, ""},
		{"quote inside comment ignored", "-- don't\nselect 1;", []string{"-- don't\nselect 1"}, ""},
		{"comment marker inside string", "select '--', '#', '/*';", []string{"select '--', '#', '/*'"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, rest := SplitStatements(c.in)
			if !reflect.DeepEqual(stmts, c.stmts) || rest != c.rest {
				t.Fatalf("SplitStatements(%q)\n got %q, rest %q\nwant %q, rest %q", c.in, stmts, rest, c.stmts, c.rest)
			}
		})
	}
}

// The shell feeds the text read so far after every line; a statement is
// complete on the line where its ';' arrives.
func TestSplitStatementsLineByLine(t *testing.T) {
	lines := []string{"select 'a  ", "b;' as x", "from t; select", "2;"}
	var buf string
	var got []string
	for _, line := range lines {
		if buf != "" {
			buf += "\n"
		}
		buf += line
		var stmts []string
		stmts, buf = SplitPending(buf)
		got = append(got, stmts...)
	}
	want := []string{"select 'a  \nb;' as x\nfrom t", "select\n2"}
	if !reflect.DeepEqual(got, want) || buf != "" {
		t.Fatalf("got %q (rest %q), want %q", got, buf, want)
	}
}

func TestSplitPendingKeepsTheRemainderAsTyped(t *testing.T) {
	stmts, pending := SplitPending("select 1;\nselect 'two  ")
	if len(stmts) != 1 || pending != "\nselect 'two  " {
		t.Fatalf("got %q, pending %q", stmts, pending)
	}
	if _, pending := SplitPending("select 1; -- done\n"); pending != "" {
		t.Fatalf("only a finished comment remains: pending = %q, want empty", pending)
	}
}
