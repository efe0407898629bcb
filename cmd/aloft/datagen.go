package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/exec"
)

func newDatagenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "datagen",
		Short: "Generate benchmark data",
	}
	cmd.AddCommand(newDatagenTPCHCmd())
	return cmd
}

func newDatagenTPCHCmd() *cobra.Command {
	var (
		sf           float64
		out          string
		rowGroupRows int64
		tables       []string
	)
	cmd := &cobra.Command{
		Use:   "tpch",
		Short: "Generate the TPC-H tables as Parquet files (dbgen's rows)",
		Example: `  aloft datagen tpch --sf 0.1 --out ./data/tpch-sf0.1
  aloft datagen tpch --sf 1 --out ./data/tpch-sf1 --tables lineitem,orders`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sf <= 0 {
				return errors.New("--sf: give a scale factor above 0, e.g. --sf 1")
			}
			if out == "" {
				return errors.New("--out: give the output directory")
			}
			if rowGroupRows < 0 {
				return errors.New("--row-group-rows: must not be negative")
			}
			stderr := cmd.ErrOrStderr()
			progress := newProgress(stderr)
			// dbgen builds a 300 MB text pool before the first row; say so,
			// or the first progress line seems long in coming.
			fmt.Fprintf(stderr, "generating TPC-H SF %g into %s (dbgen first builds its text pool, which takes a while)\n", sf, out)
			err := tpch.Generate(cmd.Context(), tpch.Options{
				ScaleFactor:  sf,
				OutDir:       out,
				RowGroupRows: rowGroupRows,
				Tables:       tables,
				Progress:     progress.report,
			})
			if err != nil {
				return err
			}
			progress.summary(out, tables)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.Float64Var(&sf, "sf", 0, "scale factor: 1 is about 1 GB of raw data (6M lineitem rows); fractions like 0.1 work")
	fl.StringVar(&out, "out", "", "output `DIR` (created if missing); receives <table>.parquet files")
	fl.Int64Var(&rowGroupRows, "row-group-rows", 0, fmt.Sprintf("rows per Parquet row group (default %d)", tpch.DefaultRowGroupRows))
	fl.StringSliceVar(&tables, "tables", nil, "tables to generate (default all: "+strings.Join(tpch.TableNames(), ",")+")")
	return cmd
}

// progress prints generation progress to stderr: a line when a table starts
// and then at most every few seconds, so that SF 100 stays readable.
type progress struct {
	w     io.Writer
	start time.Time
	last  map[string]time.Time
	rows  map[string]int64
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, start: time.Now(), last: map[string]time.Time{}, rows: map[string]int64{}}
}

const progressEvery = 5 * time.Second

// report is tpch.Options.Progress; calls are serialised by tpch.Generate.
func (p *progress) report(table string, rows int64) {
	p.rows[table] = rows
	now := time.Now()
	if last, ok := p.last[table]; ok && now.Sub(last) < progressEvery {
		return
	}
	p.last[table] = now
	fmt.Fprintf(p.w, "[%6.1fs] %-8s %12d rows\n", now.Sub(p.start).Seconds(), table, rows)
}

// summary lists the files written.
func (p *progress) summary(dir string, tables []string) {
	if len(tables) == 0 {
		tables = tpch.TableNames()
	}
	var total int64
	for _, t := range tables {
		st, err := os.Stat(filepath.Join(dir, t+".parquet"))
		if err != nil {
			continue
		}
		total += st.Size()
		fmt.Fprintf(p.w, "  %-8s %12d rows %10s\n", t, p.rows[t], exec.HumanBytes(st.Size()))
	}
	fmt.Fprintf(p.w, "wrote %d tables (%s) to %s in %.1f s\n", len(tables), exec.HumanBytes(total), dir, time.Since(p.start).Seconds())
}
