package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/flight"
)

// newServerCmd is `aloft server`: the Flight SQL endpoint over an engine
// in this process.
func newServerCmd() *cobra.Command {
	var dataDir, host string
	var port int
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Serve Flight SQL from one process (connect with aloft sql --connect grpc://HOST:PORT)",
		Example: `  aloft server --data ./data/tpch-sf0.1
  aloft sql --connect grpc://localhost:32010 -e 'SELECT count(*) FROM lineitem'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			eng, err := newEngine(cfg, dataDir)
			if err != nil {
				return err
			}
			srv, err := flight.NewServer(eng, flight.Options{Name: "Aloft", Version: version})
			if err != nil {
				return err
			}
			gs, lis, err := flight.Serve(net.JoinHostPort(host, strconv.Itoa(port)), srv)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Aloft %s Flight SQL server on grpc://%s (%s)\n", version, lis.Addr(), describeConfig(cfg))
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			select {
			case <-sig:
			case <-cmd.Context().Done():
			}
			gs.Stop()
			fmt.Fprintln(cmd.OutOrStdout(), "stopped")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&port, "port", 32010, "listen on `PORT` (0: any free port)")
	fl.StringVar(&host, "host", "localhost", "listen on `HOST` (0.0.0.0: every interface)")
	fl.StringVar(&dataDir, "data", "", "register every Parquet/CSV file and folder in `DIR` as a table")
	conf.AddFlags(fl)
	return cmd
}
