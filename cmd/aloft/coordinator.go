package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/coordinator"
	"github.com/aloftdb/aloft/flight"
)

// envClusterSecret sets the cluster secret (cluster.secret) when --secret
// is not given.
const envClusterSecret = "ALOFT_CLUSTER_SECRET"

// clusterSecret is --secret, else $ALOFT_CLUSTER_SECRET; it must be set.
func clusterSecret(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if s := os.Getenv(envClusterSecret); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("no cluster secret: give --secret or set %s", envClusterSecret)
}

// signalContext is ctx cancelled on Ctrl-C or SIGTERM.
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

func newCoordinatorCmd() *cobra.Command {
	var (
		dataDir, secret, host string
		port, sqlPort         int
		maxFailures           int
		hbInterval, hbTimeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "coordinator",
		Short: "Run a cluster coordinator that executors register with",
		Long: `Run a cluster coordinator: executors ('aloft executor --coordinator ADDR')
register and heartbeat with it, and it runs queries on them.

It listens on two ports: --port is the cluster's internal Flight server
(executor registration and heartbeats, which require the cluster secret), and
--sql-port is the Flight SQL endpoint clients connect to
('aloft sql --connect grpc://HOST:SQL_PORT'). Queries sent there run on the
registered executors; DDL, SHOW, DESCRIBE and EXPLAIN run on the coordinator.
The Flight SQL endpoint has no authentication yet: bind it to localhost
(the default --host) or a trusted network.

The cluster secret comes from --secret or ALOFT_CLUSTER_SECRET. Heartbeat and
retry settings are flags only for now (not config file keys).`,
		Example: `  ALOFT_CLUSTER_SECRET=s3cret aloft coordinator --port 50050 --data ./data/tpch-sf0.1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sec, err := clusterSecret(secret)
			if err != nil {
				return err
			}
			if port < 0 || port > 65535 {
				return fmt.Errorf("--port: %d is not a port", port)
			}
			if sqlPort < 0 || sqlPort > 65535 {
				return fmt.Errorf("--sql-port: %d is not a port", sqlPort)
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			eng, err := newEngine(cfg, dataDir)
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			c, err := coordinator.New(coordinator.Config{
				Addr:              net.JoinHostPort(host, strconv.Itoa(port)),
				Secret:            sec,
				HeartbeatInterval: hbInterval,
				HeartbeatTimeout:  hbTimeout,
				MaxTaskFailures:   maxFailures,
				Logf: func(format string, args ...any) {
					fmt.Fprintf(stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
				},
			}, eng)
			if err != nil {
				return err
			}
			defer c.Close()
			srv, err := flight.NewServer(c.Engine(), flight.Options{Name: "Aloft", Version: version, Runner: c})
			if err != nil {
				return err
			}
			gs, lis, err := flight.Serve(net.JoinHostPort(host, strconv.Itoa(sqlPort)), srv)
			if err != nil {
				return fmt.Errorf("--sql-port: %w", err)
			}
			defer gs.Stop()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "coordinator listening on %s (executors register here)\n", c.Addr())
			fmt.Fprintf(out, "Flight SQL on grpc://%s (connect with aloft sql --connect grpc://%s; Ctrl-C stops it)\n", lis.Addr(), lis.Addr())
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			<-ctx.Done()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&host, "host", "localhost", "`HOST` to listen on (0.0.0.0: every interface)")
	fl.IntVar(&port, "port", 50050, "`PORT` of the coordinator's internal Flight server (0: any free port)")
	fl.IntVar(&sqlPort, "sql-port", 32010, "`PORT` of the Flight SQL endpoint for clients (0: any free port)")
	fl.StringVar(&dataDir, "data", "", "register every Parquet/CSV file and folder in `DIR` as a table")
	fl.StringVar(&secret, "secret", "", "cluster `SECRET` (default $"+envClusterSecret+")")
	fl.DurationVar(&hbInterval, "heartbeat-interval", coordinator.DefaultHeartbeatInterval, "`INTERVAL` executors heartbeat at")
	fl.DurationVar(&hbTimeout, "heartbeat-timeout", coordinator.DefaultHeartbeatTimeout, "silence after which an executor is declared lost")
	fl.IntVar(&maxFailures, "max-task-failures", 4, "`N` failures of one task that fail its query (task.max_failures)")
	conf.AddFlags(fl)
	return cmd
}
