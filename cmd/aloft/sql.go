package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chzyer/readline"
	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/cli"
	"github.com/aloftdb/aloft/conf"
)

func newSQLCmd() *cobra.Command {
	var dataDir, execText, file, format string
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "Run SQL: statements from -e or -f, a script on stdin, or an interactive shell",
		Example: `  aloft sql --data ./data/tpch-sf0.1
  aloft sql --data ./data/tpch-sf0.1 -e 'SELECT count(*) FROM lineitem'
  aloft sql --data ./data/tpch-sf0.1 -f query.sql --format csv > out.csv
  echo 'SHOW TABLES;' | aloft sql --data ./data/tpch-sf0.1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := cli.ParseFormat(format)
			if err != nil {
				return err
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			eng, err := newEngine(cfg, dataDir)
			if err != nil {
				return err
			}
			sh := &cli.Shell{
				Exec:   execFunc(eng),
				Out:    cmd.OutOrStdout(),
				Err:    cmd.ErrOrStderr(),
				Format: f,
				Timing: true,
			}
			ctx := cmd.Context()
			switch {
			case cmd.Flags().Changed("execute"):
				return sh.RunText(ctx, execText)
			case file != "":
				text, err := readScript(file, cmd.InOrStdin())
				if err != nil {
					return err
				}
				return sh.RunText(ctx, text)
			case !readline.IsTerminal(int(os.Stdin.Fd())):
				return sh.RunReader(ctx, cmd.InOrStdin())
			}
			fmt.Fprintf(sh.Out, "Aloft %s SQL shell (%s).\n", version, describeConfig(cfg))
			if dataDir != "" {
				fmt.Fprintf(sh.Out, "Tables from %s: \\d lists them.\n", dataDir)
			}
			fmt.Fprintln(sh.Out, `Statements end with ';'. \h for help, \q to quit.`)
			return sh.Interactive(ctx, historyFile())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dataDir, "data", "", "register every Parquet/CSV file and folder in `DIR` as a table")
	fl.StringVarP(&execText, "execute", "e", "", "run the `SQL` statements and exit")
	fl.StringVarP(&file, "file", "f", "", "run the statements in `FILE` (- for stdin) and exit")
	fl.StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.MarkFlagsMutuallyExclusive("execute", "file")
	conf.AddFlags(fl)
	return cmd
}

// readScript reads a -f file; "-" is stdin.
func readScript(path string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// historyFile is ~/.aloft_history, or "" (no history) without a home.
func historyFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".aloft_history")
}
