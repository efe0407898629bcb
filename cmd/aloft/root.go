package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/cli"
	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/exec"
)

// version is the release.
const version = "0.1.0-dev"

// commit is the git commit, set by `make build` (-ldflags -X main.commit=...)
// for builds where go build's own VCS stamp is off (-buildvcs=false).
var commit string

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "aloft",
		Short: "Aloft: a SQL query engine over Parquet, built on Apache Arrow",
		Long: `Aloft is a vectorized SQL query engine over Parquet and CSV files, built on
Apache Arrow. It runs queries in one process (aloft sql, aloft server) or on a
coordinator with executors (aloft cluster).`,
		// Errors are printed once, by main, as "Error: ..."; usage is for
		// usage errors only.
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "", "config file (default: ./aloft.yaml when present)")
	root.AddCommand(newSQLCmd(), newDatagenCmd(), newBenchCmd(), newVersionCmd())
	root.AddCommand(newSLTCmd()) // sqllogictest runner (slt.go)
	root.AddCommand(newServerCmd())
	root.AddCommand(newCoordinatorCmd(), newExecutorCmd(), newClusterCmd())
	return root
}

// loadConfig resolves the configuration from the command's flags, the
// environment and the config file.
func loadConfig(cmd *cobra.Command) (*conf.Config, error) {
	file, err := cmd.Flags().GetString("config")
	if err != nil {
		return nil, err
	}
	return conf.Load(cmd.Flags(), file)
}

// newEngine creates an engine configured by cfg and registers the tables
// of dataDir ("" for none).
func newEngine(cfg *conf.Config, dataDir string) (*engine.Engine, error) {
	eng := engine.New(engine.Options{
		Partitions:  cfg.Executor.Cores,
		MemoryLimit: cfg.Executor.Memory,
		BatchSize:   cfg.BatchSize,
		StagePlan:   stagePlan,
	})
	if dataDir == "" {
		return eng, nil
	}
	if st, err := os.Stat(dataDir); err != nil {
		return nil, fmt.Errorf("--data: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("--data: %s is not a directory", dataDir)
	}
	if err := eng.RegisterDirectory(dataDir); err != nil {
		return nil, err
	}
	return eng, nil
}

// execFunc adapts the engine to the shell.
func execFunc(eng *engine.Engine) cli.ExecFunc {
	return func(ctx context.Context, sql string) (*cli.Result, error) {
		res, err := eng.Execute(ctx, sql)
		if err != nil {
			return nil, err
		}
		return &cli.Result{Schema: res.Schema, Batches: res.Batches, Message: res.Message, Elapsed: res.Elapsed}, nil
	}
}

// describeConfig is a one-line summary of the resources, for banners.
func describeConfig(cfg *conf.Config) string {
	return fmt.Sprintf("%d cores, %s executor memory, batch size %d",
		cfg.Executor.Cores, exec.HumanBytes(cfg.Executor.Memory), cfg.BatchSize)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), versionString())
		},
	}
}

// versionString is "aloft 0.1.0-dev (commit 715d773, modified) go1.26.8 linux/amd64".
// The commit comes from go build's VCS stamp, else from -X main.commit.
func versionString() string {
	rev, modified := commit, false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				modified = kv.Value == "true"
			}
		}
	}
	s := "aloft " + version
	if rev != "" {
		s += " (commit " + rev[:min(len(rev), 7)]
		if modified {
			s += ", modified"
		}
		s += ")"
	}
	return fmt.Sprintf("%s %s %s/%s", s, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// stagePlan prints a physical plan cut into the stages a cluster runs (EXPLAIN DISTRIBUTED).
func stagePlan(plan exec.Exec) (string, error) {
	g, err := distplan.Cut(plan)
	if err != nil {
		return "", err
	}
	return g.Format(), nil
}
