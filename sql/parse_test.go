package sql

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseStatementKinds(t *testing.T) {
	tests := []struct {
		text string
		want Statement
	}{
		{"SHOW TABLES", &ShowTables{}},
		{"describe lineitem", &Describe{Name: "lineitem"}},
		{"DESC lineitem", &Describe{Name: "lineitem"}},
		{"show columns from lineitem", &Describe{Name: "lineitem"}},
		{"drop table t", &DropTable{Name: "t"}},
		{"DROP TABLE IF EXISTS t", &DropTable{Name: "t", IfExists: true}},
		{"CREATE EXTERNAL TABLE lineitem STORED AS PARQUET LOCATION '/data/lineitem.parquet'",
			&CreateExternalTable{Name: "lineitem", Format: "parquet", Location: "/data/lineitem.parquet", Options: map[string]string{}}},
		{"create external table if not exists `my t` stored as csv location 'it''s.csv' options ('header' 'true', 'Delimiter' = '|')",
			&CreateExternalTable{Name: "my t", Format: "csv", Location: "it's.csv", IfNotExists: true,
				Options: map[string]string{"header": "true", "delimiter": "|"}}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			stmts, err := Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(stmts) != 1 || !reflect.DeepEqual(stmts[0], tc.want) {
				t.Fatalf("got %#v, want %#v", stmts, tc.want)
			}
		})
	}
}

func TestParseExplain(t *testing.T) {
	tests := []struct {
		text              string
		analyze, verbose  bool
		wantInnerQueryTxt string
	}{
		{"explain select 1", false, false, "select 1"},
		{"EXPLAIN ANALYZE select a from t", true, false, "select a from t"},
		{"explain verbose select 1", false, true, "select 1"},
		{"explain analyze verbose select 1", true, true, "select 1"},
		{"explain format='verbose' select 1", false, true, "select 1"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			stmts, err := Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			ex, ok := stmts[0].(*Explain)
			if !ok {
				t.Fatalf("got %T, want *Explain", stmts[0])
			}
			if ex.Analyze != tc.analyze || ex.Verbose != tc.verbose {
				t.Errorf("analyze=%v verbose=%v, want %v %v", ex.Analyze, ex.Verbose, tc.analyze, tc.verbose)
			}
			q, ok := ex.Statement.(*Query)
			if !ok {
				t.Fatalf("explained %T, want *Query", ex.Statement)
			}
			if q.Text != tc.wantInnerQueryTxt {
				t.Errorf("query text %q, want %q", q.Text, tc.wantInnerQueryTxt)
			}
		})
	}
}

func TestParseMultipleStatements(t *testing.T) {
	text := `create external table t stored as csv location 'a;b.csv';
-- a comment; with a semicolon
select 'x;y' /* ; */ from t;
;
select "q;" as c`
	stmts, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 3 {
		t.Fatalf("got %d statements, want 3", len(stmts))
	}
	if c, ok := stmts[0].(*CreateExternalTable); !ok || c.Location != "a;b.csv" {
		t.Errorf("statement 1 = %#v, want CREATE EXTERNAL TABLE with location a;b.csv", stmts[0])
	}
	q2 := stmts[1].(*Query)
	if !strings.HasPrefix(q2.Text, "-- a comment") || !strings.HasSuffix(q2.Text, "from t") {
		t.Errorf("statement 2 text = %q", q2.Text)
	}
	if q3 := stmts[2].(*Query); q3.Text != `select "q;" as c` {
		t.Errorf("statement 3 text = %q", q3.Text)
	}
	if stmts, err := Parse("  -- nothing\n ; "); err != nil || len(stmts) != 0 {
		t.Errorf("comment-only text: got %v, %v; want no statements", stmts, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"select a from t where a = = 1", `syntax error at line 1, column 27 near "= 1"`},
		{"select a\nfrom t\nwhere a = = 1", `syntax error at line 3, column 11 near "= 1"`},
		// The position counts from the start of the whole text.
		{"select 1;\nselect a fromm t where", `syntax error at line 2, column 16 near "t where"`},
		{"select * from", "syntax error at end of input (line 1, column 14)"},
		{"replace into t values (1)", "unsupported statement: REPLACE"},
		{"truncate table t", "unsupported statement: TRUNCATE TABLE"},
		{"create table x (a int) as select 1", "unsupported statement: CREATE TABLE ... AS SELECT"},
		{"explain insert into t values (1)", "EXPLAIN supports only queries"},
		{"CREATE EXTERNAL TABLE t STORED PARQUET LOCATION 'x'", "CREATE EXTERNAL TABLE: expected STORED AS PARQUET or CSV at line 1, column 32"},
		{"CREATE EXTERNAL TABLE t STORED AS orc LOCATION 'x'", "CREATE EXTERNAL TABLE: expected STORED AS PARQUET or CSV at line 1, column 35"},
		{"create external table t stored as csv", "CREATE EXTERNAL TABLE: expected LOCATION 'path' at end of input"},
		{"create external table t stored as csv location x", "CREATE EXTERNAL TABLE: expected LOCATION 'path' (a quoted string) at line 1, column 48"},
		{"create external table t stored as csv location 'x", "CREATE EXTERNAL TABLE: unterminated string at line 1, column 48"},
		{"create external table t stored as csv location 'x' options ('a')", "CREATE EXTERNAL TABLE: expected a value for option \"a\" at line 1, column 64"},
		{"create external table t stored as csv location 'x' junk", `CREATE EXTERNAL TABLE: unexpected "junk" at line 1, column 52`},
		{"create external table stored as csv location 'x'", "CREATE EXTERNAL TABLE: expected a table name at line 1, column 23"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			_, err := Parse(tc.text)
			if err == nil {
				t.Fatalf("expected error %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestSyntaxErrorPositionAfterDerivedColumnRewrite(t *testing.T) {
	// Parse inserts LATERAL before "(select": positions must still be the user's.
	_, err := Parse("select * from (select 1) d (a) where a = = 1")
	want := `syntax error at line 1, column 42 near "= 1"`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestDoubleDashNeedsWhitespaceToStartAComment(t *testing.T) {
	stmts, err := Parse("select 1--1; select 2 -- ; not a statement\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].(*Query).Text != "select 1--1" {
		t.Fatalf("got %d statements (%v), want select 1--1 and select 2", len(stmts), stmts)
	}
}
