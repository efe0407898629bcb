package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/slt"
)

// errSLTFailures makes the exit status 1 when some record was not ok; the
// summary has already been printed.
var errSLTFailures = errors.New("some sqllogictest records were not ok")

func newSLTCmd() *cobra.Command {
	var (
		asJSON   bool
		failures int
		jobs     int
		timeout  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "slt FILE|DIR...",
		Short: "Run sqllogictest files (directories: every *.test under them) and count ok / not ok / skipped",
		Long: `Runs sqllogictest files against a fresh in-process engine per file, as the
engine "mysql" for skipif/onlyif. Prints one line per file and a total:

  FILE: ok N, not ok M, skipped K
  total: ok N, not ok M, skipped K

(--json prints one JSON document instead). The exit status is 1 when some
record was not ok.`,
		Example: `  aloft slt ../shared/slt
  aloft slt --failures 5 ../shared/slt/select1.test
  aloft slt --json ../shared/slt/evidence`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			files, err := slt.CollectFiles(args)
			if err != nil {
				return err
			}
			if jobs <= 0 {
				jobs = max(1, runtime.NumCPU()/2)
			}
			// Test tables are tiny: a few partitions per engine, several
			// files at once.
			parts := cfg.Executor.Cores
			if !cmd.Flags().Changed("executor-cores") {
				parts = 2
			}
			opts := engine.Options{Partitions: parts, MemoryLimit: cfg.Executor.Memory, BatchSize: cfg.BatchSize}
			results := make([]*slt.FileResult, len(files))
			errs := make([]error, len(files))
			var wg sync.WaitGroup
			sem := make(chan struct{}, jobs)
			for i, f := range files {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					h := slt.NewEngineHarness(opts)
					results[i], errs[i] = slt.RunFile(h, f, slt.Options{RecordTimeout: timeout, MaxFailures: failures})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			total := slt.FileResult{File: "total"}
			for _, r := range results {
				total.OK += r.OK
				total.NotOK += r.NotOK
				total.Skipped += r.Skipped
				total.Elapsed += r.Elapsed
			}
			out := cmd.OutOrStdout()
			if asJSON {
				type fileJSON struct {
					*slt.FileResult
					Rate float64 `json:"rate"`
				}
				doc := struct {
					Files []fileJSON `json:"files"`
					Total fileJSON   `json:"total"`
				}{Total: fileJSON{&total, total.Rate()}}
				for _, r := range results {
					doc.Files = append(doc.Files, fileJSON{r, r.Rate()})
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(doc); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					for _, f := range r.Failures {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s:%d: not ok: %s\n    %s\n", r.File, f.Line, f.Message, f.SQL)
					}
					fmt.Fprintf(out, "%s: ok %d, not ok %d, skipped %d\n", r.File, r.OK, r.NotOK, r.Skipped)
				}
				fmt.Fprintf(out, "total: ok %d, not ok %d, skipped %d\n", total.OK, total.NotOK, total.Skipped)
			}
			if total.NotOK > 0 {
				return errSLTFailures
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print one JSON document (per-file counts, rates and kept failures)")
	fl.IntVar(&failures, "failures", 0, "print up to `N` failing records per file on standard error")
	fl.IntVar(&jobs, "jobs", 0, "files run at once (default: half the CPUs)")
	fl.DurationVar(&timeout, "timeout", 30*time.Second, "time limit per statement or query")
	conf.AddFlags(fl)
	return cmd
}
