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
	"github.com/aloftdb/aloft/flight"
)

func newSQLCmd() *cobra.Command {
	var dataDir, execText, file, format, connect string
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
			var exec cli.ExecFunc
			if connect != "" {
				// Statements run on a Flight SQL server (flight.Client.Execute).
				c, err := flight.Dial(connect)
				if err != nil {
					return err
				}
				defer c.Close()
				exec = c.Execute
			} else {
				eng, err := newEngine(cfg, dataDir)
				if err != nil {
					return err
				}
				exec = execFunc(eng)
			}
			sh := &cli.Shell{
				Exec:   exec,
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
			if connect != "" {
				fmt.Fprintf(sh.Out, "Aloft %s SQL shell, connected to %s.\n", version, connect)
			} else {
				fmt.Fprintf(sh.Out, "Aloft %s SQL shell (%s).\n", version, describeConfig(cfg))
			}
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
	fl.StringVar(&connect, "connect", "", "run the statements on the Flight SQL server at `grpc://HOST:PORT`")
	cmd.MarkFlagsMutuallyExclusive("execute", "file")
	cmd.MarkFlagsMutuallyExclusive("connect", "data")
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
