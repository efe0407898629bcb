package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/cli"
	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/sql"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run benchmarks",
	}
	cmd.AddCommand(newBenchTPCHCmd())
	return cmd
}

// benchOptions are the flags of bench tpch.
type benchOptions struct {
	data       string
	queries    []int
	runs       int
	queriesDir string
	answersDir string
	json       bool
}

func newBenchTPCHCmd() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "tpch",
		Short: "Time the 22 TPC-H queries (median of --runs), optionally checking the answers",
		Example: `  aloft bench tpch --data ./data/tpch-sf1
  aloft bench tpch --data ./data/tpch-sf1 --query 1 --query 6 --runs 5
  aloft bench tpch --data ./data/tpch-sf1 --check ../shared/tpch/answers-sf1 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.data == "" {
				return errors.New("--data: give the directory of the TPC-H Parquet files")
			}
			if o.runs < 1 {
				return errors.New("--runs: must be at least 1")
			}
			if len(o.queries) == 0 {
				for n := 1; n <= tpch.NumQueries; n++ {
					o.queries = append(o.queries, n)
				}
			}
			texts := make(map[int]string, len(o.queries))
			for _, n := range o.queries {
				text, err := queryText(n, o.queriesDir)
				if err != nil {
					return err
				}
				texts[n] = text
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			eng, err := newEngine(cfg, o.data)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !o.json {
				fmt.Fprintf(out, "TPC-H on %s: %s, %d runs per query\n", o.data, describeConfig(cfg), o.runs)
				fmt.Fprintf(out, "%-5s %10s %10s %10s %8s  %s\n", "query", "median s", "min s", "max s", "rows", "check")
			}
			report := benchReport{Benchmark: "tpch", Data: o.data, Runs: o.runs, Config: cfg}
			for _, n := range o.queries {
				r := runQuery(cmd.Context(), eng, n, texts[n], o)
				report.add(r)
				if !o.json {
					printQuery(out, r)
				}
			}
			if o.json {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(report); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "total of medians: %.3f s (%d queries, %d failed)\n", report.TotalMedian, len(report.Queries), report.Failed)
			}
			if report.Failed > 0 {
				return fmt.Errorf("%d of %d queries failed", report.Failed, len(report.Queries))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.data, "data", "", "`DIR` holding the TPC-H Parquet files (aloft datagen tpch)")
	fl.IntSliceVar(&o.queries, "query", nil, "query number to run, 1-22; repeat for several (default all)")
	fl.IntVar(&o.runs, "runs", 3, "runs per query; the median is reported")
	fl.StringVar(&o.queriesDir, "queries-dir", "", "read qNN.sql from `DIR` instead of the queries built into the binary")
	fl.StringVar(&o.answersDir, "check", "", "compare each result with qNN.csv in `ANSWERS_DIR` (shared/tpch/README.md's rules)")
	fl.BoolVar(&o.json, "json", false, "print a JSON document instead of a table")
	conf.AddFlags(fl)
	return cmd
}

// queryText is query n from dir, or the embedded copy when dir is "".
func queryText(n int, dir string) (string, error) {
	if dir == "" {
		return tpch.Query(n)
	}
	if n < 1 || n > tpch.NumQueries {
		return "", fmt.Errorf("no TPC-H query %d (there are 1 to %d)", n, tpch.NumQueries)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.Base(tpch.QueryFile(n))))
	return string(b), err
}

// queryResult is one query's line of the report.
type queryResult struct {
	Query  int       `json:"query"`
	Times  []float64 `json:"times_s"`
	Median float64   `json:"median_s"`
	Rows   int64     `json:"rows"`
	// Check is "pass", "fail" or "" (not checked).
	Check string `json:"check,omitempty"`
	Error string `json:"error,omitempty"`
}

type benchReport struct {
	Benchmark   string        `json:"benchmark"`
	Data        string        `json:"data"`
	Runs        int           `json:"runs"`
	Config      *conf.Config  `json:"config"`
	Queries     []queryResult `json:"queries"`
	TotalMedian float64       `json:"total_median_s"`
	Failed      int           `json:"failed"`
}

func (r *benchReport) add(q queryResult) {
	r.Queries = append(r.Queries, q)
	r.TotalMedian = math.Round((r.TotalMedian+q.Median)*1e6) / 1e6
	if q.Error != "" || q.Check == "fail" {
		r.Failed++
	}
}

// runQuery runs query n o.runs times, and checks the first run's result.
func runQuery(ctx context.Context, eng *engine.Engine, n int, text string, o benchOptions) queryResult {
	r := queryResult{Query: n}
	stmts, rest := sql.SplitStatements(text)
	if rest != "" {
		stmts = append(stmts, rest)
	}
	var times []time.Duration
	for run := 0; run < o.runs; run++ {
		start := time.Now()
		var res *engine.Result
		var err error
		// A query file may set something up first; the last statement's result counts.
		for _, stmt := range stmts {
			if res, err = eng.Execute(ctx, stmt); err != nil {
				break
			}
		}
		elapsed := time.Since(start)
		if err == nil && res == nil {
			err = errors.New("no statement in the query file")
		}
		if err != nil {
			r.Error = err.Error()
			r.Check = ""
			break
		}
		times = append(times, elapsed)
		r.Times = append(r.Times, seconds(elapsed))
		r.Rows = res.NumRows()
		if run == 0 && o.answersDir != "" {
			r.Check = "pass"
			if err := checkAnswer(res, filepath.Join(o.answersDir, tpch.AnswerFile(n))); err != nil {
				r.Check = "fail"
				r.Error = err.Error()
			}
		}
	}
	r.Median = seconds(median(times))
	return r
}

// checkAnswer compares a result with a reference answer file.
func checkAnswer(res *engine.Result, path string) error {
	want, err := tpch.ReadAnswer(path)
	if err != nil {
		return err
	}
	if res.Schema == nil {
		return errors.New("the query returned no rows result")
	}
	return tpch.CompareCSV(cli.Rows(res.Schema, res.Batches, tpch.Null), want)
}

// seconds rounds to microseconds, so the JSON says 1.942846, not 1.9428462469999999.
func seconds(d time.Duration) float64 {
	return d.Round(time.Microsecond).Seconds()
}

// median of the durations; 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printQuery(w io.Writer, r queryResult) {
	name := fmt.Sprintf("Q%02d", r.Query)
	if len(r.Times) == 0 {
		fmt.Fprintf(w, "%-5s %10s %10s %10s %8s  error: %s\n", name, "-", "-", "-", "-", r.Error)
		return
	}
	lo, hi := slices.Min(r.Times), slices.Max(r.Times)
	check := r.Check
	if r.Error != "" {
		check += ": " + r.Error
	}
	line := fmt.Sprintf("%-5s %10.3f %10.3f %10.3f %8d  %s", name, r.Median, lo, hi, r.Rows, check)
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
