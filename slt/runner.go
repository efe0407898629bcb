package slt

import (
	"bufio"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dolthub/sqllogictest/go/logictest"
	"github.com/dolthub/sqllogictest/go/logictest/parser"
)

// Outcome is the verdict on one record.
type Outcome int

const (
	OK Outcome = iota
	NotOK
	Skipped
)

// Failure describes a record that was not ok.
type Failure struct {
	Line    int    `json:"line"`
	SQL     string `json:"sql"`
	Message string `json:"message"`
}

// FileResult counts the records of one file.
type FileResult struct {
	File     string        `json:"file"`
	OK       int           `json:"ok"`
	NotOK    int           `json:"not_ok"`
	Skipped  int           `json:"skipped"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	Failures []Failure     `json:"failures,omitempty"`
	// Halted is set when the file ended at a "halt" record.
	Halted bool `json:"halted,omitempty"`
}

// Rate is ok / (ok + not ok), 1 when nothing ran.
func (r *FileResult) Rate() float64 {
	if r.OK+r.NotOK == 0 {
		return 1
	}
	return float64(r.OK) / float64(r.OK+r.NotOK)
}

// Options tune RunFile.
type Options struct {
	// RecordTimeout bounds each statement or query (default 30s).
	RecordTimeout time.Duration
	// MaxFailures is how many failures a FileResult keeps (all when < 0;
	// default 0 keeps none, only counts).
	MaxFailures int
	// OnRecord, when set, is called after each executed or skipped record.
	OnRecord func(rec *parser.Record, outcome Outcome, message string)
}

// RunFile runs the records of one sqllogictest file on h, starting from a
// fresh database (h.Init). Records whose skipif/onlyif conditions exclude
// the engine "mysql" are skipped. Statements must succeed or fail as the
// record says; queries must return exactly the expected column types
// (I, R, T: no leniency) and values, after the record's sort mode, compared
// value by value or by MD5 hash. A file that cannot be read or parsed is an
// error.
func RunFile(h logictest.Harness, path string, opts Options) (*FileResult, error) {
	if opts.RecordTimeout <= 0 {
		opts.RecordTimeout = 30 * time.Second
	}
	records, err := parser.ParseTestFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	if err := h.Init(); err != nil {
		return nil, err
	}
	res := &FileResult{File: path}
	start := time.Now()
	for _, rec := range records {
		if rec.Type() == parser.Halt {
			if rec.ShouldExecuteForEngine(h.EngineStr()) {
				res.Halted = true
				break
			}
			continue
		}
		sql := recordSQL(lines, rec)
		var outcome Outcome
		var msg string
		if !rec.ShouldExecuteForEngine(h.EngineStr()) {
			outcome = Skipped
		} else {
			outcome, msg = runRecord(h, rec, sql, opts.RecordTimeout)
		}
		switch outcome {
		case OK:
			res.OK++
		case NotOK:
			res.NotOK++
			if opts.MaxFailures < 0 || len(res.Failures) < opts.MaxFailures {
				res.Failures = append(res.Failures, Failure{Line: rec.LineNum(), SQL: sql, Message: msg})
			}
		case Skipped:
			res.Skipped++
		}
		if opts.OnRecord != nil {
			opts.OnRecord(rec, outcome, msg)
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// runRecord executes one statement or query record.
func runRecord(h logictest.Harness, rec *parser.Record, sql string, timeout time.Duration) (outcome Outcome, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			outcome, msg = NotOK, fmt.Sprintf("panic: %v", r)
		}
	}()
	switch rec.Type() {
	case parser.Statement:
		err := h.ExecuteStatementContext(ctx, sql)
		switch {
		case rec.ExpectError() && err == nil:
			return NotOK, "expected an error, got none"
		case !rec.ExpectError() && err != nil:
			return NotOK, "error: " + oneLine(err.Error())
		}
		return OK, ""
	case parser.Query:
		schema, values, err := h.ExecuteQueryContext(ctx, sql)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return NotOK, "timeout"
			}
			return NotOK, "error: " + oneLine(err.Error())
		}
		return checkQuery(rec, schema, values)
	}
	return Skipped, ""
}

// checkQuery compares a query's result with the record's expectation.
func checkQuery(rec *parser.Record, schema string, values []string) (Outcome, string) {
	if schema != rec.Schema() {
		return NotOK, fmt.Sprintf("column types differ: expected %s, got %s", rec.Schema(), schema)
	}
	if len(values) != rec.NumResults() {
		return NotOK, fmt.Sprintf("expected %d values, got %d", rec.NumResults(), len(values))
	}
	values = rec.SortResults(append([]string(nil), values...))
	if rec.IsHashResult() {
		if got := hashValues(values); got != rec.HashResult() {
			return NotOK, fmt.Sprintf("hash differs: expected %s, got %s", rec.HashResult(), got)
		}
		return OK, ""
	}
	want := rec.Result()
	for i := range want {
		if strings.TrimSpace(want[i]) != values[i] {
			return NotOK, fmt.Sprintf("value %d differs: expected %q, got %q", i+1, strings.TrimSpace(want[i]), values[i])
		}
	}
	return OK, ""
}

// hashValues is sqllogictest's MD5 over the values, each followed by "\n".
func hashValues(values []string) string {
	h := md5.New()
	for _, v := range values {
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// recordSQL re-reads a record's SQL from the file, keeping line breaks:
// the library's parser joins lines without a separator ("t1\nUNION" would
// become "t1UNION") and cuts lines at '#' even inside strings. The SQL
// starts at the record's line and ends before "----" or a blank line;
// lines starting with '#' are comments.
func recordSQL(lines []string, rec *parser.Record) string {
	start := rec.LineNum() - 1
	if start < 0 || start >= len(lines) {
		return rec.Query()
	}
	var b strings.Builder
	for i := start; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.TrimSpace(l) == parser.Separator {
			break
		}
		if strings.HasPrefix(l, "#") {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	if b.Len() == 0 {
		return rec.Query()
	}
	return b.String()
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	return lines, sc.Err()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// CollectFiles expands paths: files as given, directories to every *.test
// file under them, sorted.
func CollectFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".test") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
