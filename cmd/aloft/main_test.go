package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run runs the aloft command line with args, as main does.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	t.Chdir(t.TempDir()) // no ./aloft.yaml
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := run(t, "version")
	if err != nil || !strings.HasPrefix(out, "aloft "+version) {
		t.Fatalf("version: %q, %v", out, err)
	}
}

// Bad invocations fail with a clear message before any work is done.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sql", "--format", "xml", "-e", "select 1"}, `unknown format "xml"`},
		{[]string{"sql", "--executor-memory", "8x", "-e", "select 1"}, `executor.memory: invalid size "8x"`},
		{[]string{"sql", "--executor-cores", "0", "-e", "select 1"}, `executor.cores: must be at least 1`},
		{[]string{"sql", "--config", "missing.yaml", "-e", "select 1"}, `config file missing.yaml`},
		{[]string{"sql", "-e", "select 1", "-f", "q.sql"}, `none of the others can be`},
		{[]string{"sql", "--data", "no-such-dir", "-e", "select 1"}, `--data: stat no-such-dir`},
		{[]string{"sql", "extra"}, `unknown command "extra"`},
		{[]string{"datagen", "tpch", "--out", "x"}, `--sf: give a scale factor above 0`},
		{[]string{"datagen", "tpch", "--sf", "1"}, `--out: give the output directory`},
		{[]string{"bench", "tpch"}, `--data: give the directory`},
		{[]string{"bench", "tpch", "--data", ".", "--runs", "0"}, `--runs: must be at least 1`},
		{[]string{"bench", "tpch", "--data", ".", "--query", "23"}, `no TPC-H query 23`},
		{[]string{"bench", "tpch", "--data", ".", "--queries-dir", "nowhere"}, `nowhere/q01.sql`},
	}
	for _, c := range cases {
		_, _, err := run(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("aloft %s: err = %v, want it to contain %q", strings.Join(c.args, " "), err, c.want)
		}
	}
}

func TestMedian(t *testing.T) {
	s := time.Second
	cases := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3 * s}, 3 * s},
		{[]time.Duration{5 * s, 1 * s, 3 * s}, 3 * s},
		{[]time.Duration{4 * s, 1 * s, 2 * s, 3 * s}, 2500 * time.Millisecond},
	}
	for _, c := range cases {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestEmbeddedQueriesAreTheDefault(t *testing.T) {
	q, err := queryText(6, "")
	if err != nil || !strings.Contains(q, "l_discount") {
		t.Fatalf("Q6: %q, %v", q, err)
	}
}

// dataDir holds one small CSV table, fruit(id, name, price).
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	csv := "id,name,price\n1,apple,1.50\n2,,2.25\n"
	if err := os.WriteFile(filepath.Join(dir, "fruit.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSQLRunsStatementsThroughTheEngine(t *testing.T) {
	dir := dataDir(t)
	out, _, err := run(t, "sql", "--data", dir, "--format", "csv",
		"-e", "select id, name from fruit order by id; select count(*) as n from fruit")
	if err != nil {
		t.Fatal(err)
	}
	if want := "id,name\r\n1,apple\r\n2,\r\nn\r\n2\r\n"; out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}

	out, _, err = run(t, "sql", "--data", dir, "-e", "select name from fruit where id = 1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "| apple |") || !strings.Contains(out, "\n1 row (") {
		t.Fatalf("table output:\n%s", out)
	}
}

// The first failing statement stops the script; what ran before it was printed.
func TestSQLStopsAtTheFirstError(t *testing.T) {
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetIn(strings.NewReader("select 1 as one;\nselect nope from fruit;\nselect 2;\n"))
	cmd.SetArgs([]string{"sql", "--data", dataDir(t), "--format", "json", "-f", "-"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v, want the unknown column", err)
	}
	if want := "[\n{\"one\":1}\n]\n"; out.String() != want {
		t.Fatalf("stdout %q, want %q", out.String(), want)
	}
}
