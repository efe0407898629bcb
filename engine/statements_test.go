package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aloftdb/aloft/optimizer"
)

func TestShowTables(t *testing.T) {
	e := newTPCHEngine(t, Options{})
	res := run(t, e, "SHOW TABLES")
	if names := fieldNames(res); !reflect.DeepEqual(names, []string{"table_name"}) {
		t.Errorf("SHOW TABLES columns %v", names)
	}
	want := "customer\nlineitem\nnation\norders\npart\npartsupp\nregion\nsupplier\n"
	if got := table(resultRows(res)); got != want {
		t.Errorf("SHOW TABLES:\n%s\nwant (sorted):\n%s", got, want)
	}
	if got := rows(t, New(Options{}), "SHOW TABLES"); len(got) != 0 {
		t.Errorf("SHOW TABLES on an empty catalog: %v", got)
	}
}

func fieldNames(res *Result) []string {
	var out []string
	for _, f := range res.Schema.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func TestDescribe(t *testing.T) {
	e := newTPCHEngine(t, Options{})
	res := run(t, e, "DESCRIBE nation")
	if names := fieldNames(res); !reflect.DeepEqual(names, []string{"column_name", "data_type", "nullable"}) {
		t.Errorf("DESCRIBE columns %v", names)
	}
	want := "n_nationkey|INT|NO\nn_name|VARCHAR|NO\nn_regionkey|INT|NO\nn_comment|VARCHAR|NO\n"
	if got := table(resultRows(res)); got != want {
		t.Errorf("DESCRIBE nation:\n%s\nwant:\n%s", got, want)
	}
	got := table(rows(t, e, "DESCRIBE LINEITEM")) // names are case-insensitive
	for _, line := range []string{"l_orderkey|BIGINT|NO\n", "l_quantity|DECIMAL(15,2)|NO\n", "l_shipdate|DATE|NO\n", "l_comment|VARCHAR|NO\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("DESCRIBE lineitem lacks %q:\n%s", line, got)
		}
	}
}

func TestCreateExternalTable(t *testing.T) {
	dir := t.TempDir()
	csvPath := writeFile(t, dir, "people.csv", []byte("id,name,score,born\n1,ann,1.5,1990-01-02\n2,bob,,1985-12-31\n3,cy,-2.25,\n"))
	tsvPath := writeFile(t, dir, "people.tsv", []byte("1\tann\n2\tbob\n"))
	semiPath := writeFile(t, dir, "semi.txt", []byte("a;b\n1;x\n2;y\n"))
	nation := filepath.Join(tpchData(t), "nation.parquet")

	e := New(Options{Partitions: testPartitions})
	if res := run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE n STORED AS PARQUET LOCATION '%s'", nation)); res.Message != "created table n" {
		t.Errorf("CREATE message %q", res.Message)
	}
	if got := rows(t, e, "SELECT count(*), min(n_name) FROM n"); !reflect.DeepEqual(got, [][]string{{"25", "ALGERIA"}}) {
		t.Errorf("parquet table: %v", got)
	}
	wantError(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE N STORED AS PARQUET LOCATION '%s'", nation), `table "N" already exists`)
	if res := run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE IF NOT EXISTS n STORED AS CSV LOCATION '%s'", csvPath)); res.Message != "table n already exists" {
		t.Errorf("IF NOT EXISTS message %q", res.Message)
	}
	if got := rows(t, e, "SELECT count(*) FROM n"); got[0][0] != "25" {
		t.Errorf("IF NOT EXISTS replaced the table: %v", got)
	}
	// IF NOT EXISTS does not even open the location when the table exists.
	run(t, e, "CREATE EXTERNAL TABLE IF NOT EXISTS n STORED AS PARQUET LOCATION '/nonexistent'")

	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '%s' OPTIONS ('header' 'true')", csvPath))
	want := "id|BIGINT|YES\nname|VARCHAR|YES\nscore|DOUBLE|YES\nborn|DATE|YES\n"
	if got := table(rows(t, e, "DESCRIBE people")); got != want {
		t.Errorf("CSV schema:\n%s\nwant:\n%s", got, want)
	}
	want = "1|ann|1.5|1990-01-02\n2|bob|NULL|1985-12-31\n3|cy|-2.25|NULL\n"
	if got := table(rows(t, e, "SELECT * FROM people ORDER BY id")); got != want {
		t.Errorf("CSV rows:\n%s\nwant:\n%s", got, want)
	}

	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE nohead STORED AS CSV LOCATION '%s' OPTIONS ('header' 'false')", csvPath))
	if got := rows(t, e, "SELECT count(*) FROM nohead"); got[0][0] != "4" {
		t.Errorf("header=false counts the header line as a row: got %v", got)
	}
	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE tsv STORED AS CSV LOCATION '%s' OPTIONS ('header' 'false')", tsvPath))
	if got := table(rows(t, e, "SELECT * FROM tsv ORDER BY 1")); got != "1|ann\n2|bob\n" {
		t.Errorf(".tsv file read with tabs: %q", got)
	}
	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE semi STORED AS CSV LOCATION '%s' OPTIONS ('delimiter' ';')", semiPath))
	if got := table(rows(t, e, "SELECT b, a FROM semi ORDER BY a")); got != "x|1\ny|2\n" {
		t.Errorf("delimiter ';': %q", got)
	}
	wantError(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE bad STORED AS CSV LOCATION '%s' OPTIONS ('header' 'maybe')", csvPath), `option header="maybe" is not a boolean`)
	wantError(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE bad STORED AS CSV LOCATION '%s' OPTIONS ('delimiter' ';;')", csvPath), `option delimiter=";;" must be one character`)
	wantError(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE bad STORED AS CSV LOCATION '%s' OPTIONS ('quote' '\"')", csvPath), `unknown CSV option "quote"`)

	// A folder of Parquet files is one table.
	parts := filepath.Join(dir, "parts")
	if err := os.Mkdir(parts, 0o755); err != nil {
		t.Fatal(err)
	}
	data := readTPCHFile(t, "nation")
	writeFile(t, parts, "1.parquet", data)
	writeFile(t, parts, "2.parquet", data)
	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE twice STORED AS PARQUET LOCATION '%s'", parts))
	if got := rows(t, e, "SELECT count(*), count(DISTINCT n_nationkey) FROM twice"); !reflect.DeepEqual(got, [][]string{{"50", "25"}}) {
		t.Errorf("folder of two copies of nation: %v", got)
	}

	if res := run(t, e, "DROP TABLE people"); res.Message != "dropped table people" {
		t.Errorf("DROP message %q", res.Message)
	}
	wantError(t, e, "SELECT * FROM people", `table "people" does not exist`)
	wantError(t, e, "DROP TABLE people", `table "people" does not exist`)
	if res := run(t, e, "DROP TABLE IF EXISTS people"); res.Message != "table people does not exist" {
		t.Errorf("DROP IF EXISTS message %q", res.Message)
	}
	run(t, e, "DROP TABLE IF EXISTS TWICE")
	if got := table(rows(t, e, "SHOW TABLES")); got != "n\nnohead\nsemi\ntsv\n" {
		t.Errorf("SHOW TABLES after the drops:\n%s", got)
	}
	// Dropped names can be reused.
	run(t, e, fmt.Sprintf("CREATE EXTERNAL TABLE people STORED AS PARQUET LOCATION '%s'", nation))
	if got := rows(t, e, "SELECT count(*) FROM people"); got[0][0] != "25" {
		t.Errorf("recreated table: %v", got)
	}
}

func TestRegisterDirectoryNaming(t *testing.T) {
	dir := t.TempDir()
	nation := readTPCHFile(t, "nation")
	region := readTPCHFile(t, "region")
	writeFile(t, dir, "nation.parquet", nation)
	writeFile(t, dir, "Region.PARQUET", region)
	writeFile(t, dir, "cities.csv", []byte("city,pop\nparis,2\nrome,3\n"))
	writeFile(t, dir, ".hidden.parquet", nation)
	writeFile(t, dir, ".parquet", nation) // hidden too, not a table named ""
	writeFile(t, dir, ".csv", []byte("a\n1\n"))
	writeFile(t, dir, "notes.txt", []byte("not a table"))
	writeFile(t, dir, "data.json", []byte("{}"))
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nations := mk("nations")
	writeFile(t, nations, "part-0.parquet", nation)
	writeFile(t, nations, "part-1.parquet", nation)
	csvs := mk("csvs")
	writeFile(t, csvs, "a.csv", []byte("k,v\n1,x\n"))
	writeFile(t, csvs, "b.csv", []byte("k,v\n2,y\n3,z\n"))
	writeFile(t, mk("empty"), "readme.md", []byte("nothing here"))
	writeFile(t, mk(".git"), "x.parquet", nation)

	e := New(Options{Partitions: testPartitions})
	if err := e.RegisterDirectory(dir); err != nil {
		t.Fatal(err)
	}
	want := []string{"cities", "csvs", "nation", "nations", "Region"}
	got := e.Catalog().Names()
	// Names keeps the spelling of the file; lookups ignore case.
	sort.Slice(got, func(i, j int) bool { return strings.ToLower(got[i]) < strings.ToLower(got[j]) })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tables %v, want %v", got, want)
	}
	for _, c := range []struct{ sql, want string }{
		{"SELECT count(*) FROM nation", "25"},
		{"SELECT count(*) FROM region", "5"}, // Region.PARQUET, looked up case-insensitively
		{"SELECT count(*) FROM REGION", "5"},
		{"SELECT sum(pop) FROM cities", "5"},
		{"SELECT count(*) FROM nations", "50"}, // a folder of two files
		{"SELECT count(*) FROM csvs WHERE v IN ('x', 'y', 'z')", "3"},
	} {
		if got := rows(t, e, c.sql); got[0][0] != c.want {
			t.Errorf("%s = %v, want %s", c.sql, got, c.want)
		}
	}
	// Registering again replaces the tables (no "already exists").
	if err := e.RegisterDirectory(dir); err != nil {
		t.Errorf("second RegisterDirectory: %v", err)
	}
}

func TestExplainVerbose(t *testing.T) {
	e := newTPCHEngine(t, Options{})
	res := run(t, e, "EXPLAIN VERBOSE SELECT n_name FROM nation WHERE n_regionkey = 1 ORDER BY n_name LIMIT 3")
	if names := fieldNames(res); !reflect.DeepEqual(names, []string{"plan_type", "plan"}) {
		t.Errorf("EXPLAIN columns %v", names)
	}
	// The stages in order: bound, each rule, then the final plans.
	var stages []string
	for _, r := range resultRows(res) {
		if len(stages) == 0 || stages[len(stages)-1] != r[0] {
			stages = append(stages, r[0])
		}
	}
	want := []string{"bound"}
	for _, r := range optimizer.DefaultRules() {
		if len(want) > 0 && want[len(want)-1] == r.Name() {
			// Two runs of one rule in a row print as one block.
			continue
		}
		want = append(want, r.Name())
	}
	want = append(want, "logical", "physical")
	if !reflect.DeepEqual(stages, want) {
		t.Errorf("EXPLAIN VERBOSE stages\n%v\nwant\n%v", stages, want)
	}
	// Every stage prints a whole plan: its first line is the root, unindented.
	seen := map[string]bool{}
	for _, r := range resultRows(res) {
		if !seen[r[0]] {
			seen[r[0]] = true
			if strings.HasPrefix(r[1], " ") {
				t.Errorf("stage %s starts with an indented line %q", r[0], r[1])
			}
		}
	}
	// The plain EXPLAIN is the tail of the verbose one.
	plain := resultRows(run(t, e, "EXPLAIN SELECT n_name FROM nation WHERE n_regionkey = 1 ORDER BY n_name LIMIT 3"))
	all := resultRows(res)
	if tail := all[len(all)-len(plain):]; !reflect.DeepEqual(tail, plain) {
		t.Errorf("EXPLAIN is not the end of EXPLAIN VERBOSE:\n%v\n%v", plain, tail)
	}
	for _, r := range plain {
		if r[0] != "logical" && r[0] != "physical" {
			t.Errorf("plain EXPLAIN has a %q row", r[0])
		}
	}

	// Before decorrelation the subqueries are expressions: their plans print
	// under the node that evaluates them.
	bound := ""
	for _, r := range resultRows(run(t, e, "EXPLAIN VERBOSE SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name = 'ASIA')")) {
		if r[0] == "bound" {
			bound += r[1] + "\n"
		}
	}
	for _, want := range []string{"\n    Subquery: (CAST(nation.n_regionkey#3 AS BIGINT) IN (<subquery>))\n", "\n          Filter: (region.r_name#6 = 'ASIA')\n            Scan: region [r_regionkey#5, r_name#6, r_comment#7]\n"} {
		if !strings.Contains(bound, want) {
			t.Errorf("bound plan lacks %q:\n%s", want, bound)
		}
	}
}

func TestExplainAnalyze(t *testing.T) {
	e := newTPCHEngine(t, Options{})
	got := resultRows(run(t, e, "EXPLAIN ANALYZE SELECT l_returnflag, count(*) FROM lineitem GROUP BY l_returnflag"))
	last := got[len(got)-1]
	if last[0] != "analyze" || !regexp.MustCompile(`^rows=3\b`).MatchString(last[1]) {
		t.Errorf("last EXPLAIN ANALYZE row %q, want (analyze, rows=3 ...)", last)
	}
	if got[0][0] != "logical" {
		t.Errorf("EXPLAIN ANALYZE starts with %q", got[0])
	}
	// VERBOSE and ANALYZE together.
	got = resultRows(run(t, e, "EXPLAIN ANALYZE VERBOSE SELECT count(*) FROM nation"))
	if got[0][0] != "bound" || got[len(got)-1][0] != "analyze" || got[len(got)-1][1][:6] != "rows=1" {
		t.Errorf("EXPLAIN ANALYZE VERBOSE: first %q, last %q", got[0], got[len(got)-1])
	}
	// EXPLAIN ANALYZE runs the query, so run-time errors surface.
	small := newTPCHEngine(t, Options{MemoryLimit: 1 << 20})
	wantError(t, small, "EXPLAIN ANALYZE SELECT l_comment FROM lineitem ORDER BY l_comment", "memory limit exceeded", "SortExec")
	// Plain EXPLAIN does not run it.
	run(t, small, "EXPLAIN SELECT l_comment FROM lineitem ORDER BY l_comment")
	// EXPLAIN of a binding error is the binding error.
	wantError(t, e, "EXPLAIN SELECT nosuch FROM nation", `unknown column "nosuch"`)
	wantError(t, e, "EXPLAIN ANALYZE SELECT * FROM nosuch", `table "nosuch" does not exist`)
}

// TestScripts: Execute runs statements in order and returns the last result.
func TestScripts(t *testing.T) {
	e := New(Options{})
	dir := t.TempDir()
	path := writeFile(t, dir, "t.csv", []byte("a\n1\n2\n"))
	res := run(t, e, fmt.Sprintf(`
		-- a comment
		CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '%s';
		SELECT sum(a) AS s FROM t; /* another */
		SELECT count(*) AS n FROM t`, path))
	if got := resultRows(res); !reflect.DeepEqual(got, [][]string{{"2"}}) || fieldNames(res)[0] != "n" {
		t.Errorf("script result %v %v", fieldNames(res), got)
	}
	if res.Elapsed <= 0 {
		t.Errorf("Elapsed %v", res.Elapsed)
	}
	if res := run(t, e, "DROP TABLE t;"); res.Message != "dropped table t" || res.Schema != nil {
		t.Errorf("DDL result: message %q schema %v", res.Message, res.Schema)
	}
}

// TestCreateIfNotExistsConcurrently: concurrent CREATE ... IF NOT EXISTS of
// one name all succeed, and exactly one creates the table.
func TestCreateIfNotExistsConcurrently(t *testing.T) {
	nation := filepath.Join(tpchData(t), "nation.parquet")
	const n = 8
	for round := 0; round < 50 && !t.Failed(); round++ {
		e := New(Options{})
		var wg sync.WaitGroup
		results := make([]*Result, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i], errs[i] = e.Execute(context.Background(), fmt.Sprintf("CREATE EXTERNAL TABLE IF NOT EXISTS n STORED AS PARQUET LOCATION '%s'", nation))
			}(i)
		}
		wg.Wait()
		created := 0
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Errorf("round %d: CREATE IF NOT EXISTS %d: %v", round, i, errs[i])
				continue
			}
			switch results[i].Message {
			case "created table n":
				created++
			case "table n already exists":
			default:
				t.Errorf("round %d: CREATE IF NOT EXISTS %d: message %q", round, i, results[i].Message)
			}
		}
		if created != 1 {
			t.Errorf("round %d: %d of %d concurrent CREATEs created the table, want 1", round, created, n)
		}
	}
}
