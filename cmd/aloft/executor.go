package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/executor"
	"github.com/aloftdb/aloft/shuffle"
)

func newExecutorCmd() *cobra.Command {
	var (
		coordAddr, secret, host, advertise, workDir, memory string
		port, cores                                         int
		hbInterval                                          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "executor",
		Short: "Run an executor that registers with a coordinator and runs its tasks",
		Long: `Run an executor: a Flight server that runs the tasks a coordinator ships to
it and serves its shuffle data to the other executors. It registers with the
coordinator at --coordinator and heartbeats until stopped (Ctrl-C or SIGTERM).

The cluster secret comes from --secret or ALOFT_CLUSTER_SECRET. Shuffle data
beyond --memory goes to --work-dir (default: a new temporary directory,
deleted on exit).`,
		Example: `  ALOFT_CLUSTER_SECRET=s3cret aloft executor --coordinator localhost:50050 --cores 2`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if coordAddr == "" {
				return errors.New("--coordinator: give the coordinator's HOST:PORT")
			}
			sec, err := clusterSecret(secret)
			if err != nil {
				return err
			}
			if port < 0 || port > 65535 {
				return fmt.Errorf("--port: %d is not a port", port)
			}
			if cores < 0 {
				return fmt.Errorf("--cores: must not be negative")
			}
			mem, err := conf.ParseBytes(memory)
			if err != nil {
				return fmt.Errorf("--memory: %w", err)
			}
			if workDir == "" {
				if workDir, err = os.MkdirTemp("", "aloft-executor-"); err != nil {
					return err
				}
				defer os.RemoveAll(workDir)
			}
			ex, err := executor.New(executor.Config{
				Addr:        net.JoinHostPort(host, strconv.Itoa(port)),
				WorkDir:     workDir,
				MemoryLimit: mem,
				Secret:      sec,
				Cores:       cores,
			})
			if err != nil {
				return err
			}
			defer ex.Close()
			self := executor.Registration{Addr: ex.Addr(), Cores: ex.Cores()}
			if advertise != "" {
				self.Addr = advertise
			} else if h, p, err := net.SplitHostPort(ex.Addr()); err == nil && net.ParseIP(h) != nil && net.ParseIP(h).IsUnspecified() {
				// Listening on every interface: peers reach us by host name.
				if name, err := os.Hostname(); err == nil {
					self.Addr = net.JoinHostPort(name, p)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "executor listening on %s with %d cores, registering as %s with %s\n",
				ex.Addr(), ex.Cores(), self.Addr, coordAddr)
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			go logShuffleStats(ctx, cmd.OutOrStdout(), ex.Store())
			defer func() { printShuffleStats(cmd.OutOrStdout(), ex.Store().Stats()) }()
			return executor.RegisterAs(ctx, coordAddr, sec, self, hbInterval)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&coordAddr, "coordinator", "", "the coordinator's `HOST:PORT` (required)")
	fl.StringVar(&host, "host", "localhost", "`HOST` to listen on (0.0.0.0: every interface)")
	fl.IntVar(&port, "port", 0, "`PORT` of the executor's Flight server (0: any free port)")
	fl.StringVar(&advertise, "advertise", "", "`HOST:PORT` peers reach this executor at (default: the listening address)")
	fl.IntVar(&cores, "cores", executor.DefaultCores, "`N` tasks run at once")
	fl.StringVar(&workDir, "work-dir", "", "`DIR` for shuffle data spilled to disk (executor.work_dir)")
	fl.StringVar(&memory, "memory", "256m", "`SIZE` of shuffle data kept in memory before spilling to disk")
	fl.StringVar(&secret, "secret", "", "cluster `SECRET` (default $"+envClusterSecret+")")
	fl.DurationVar(&hbInterval, "heartbeat-interval", 0, "`INTERVAL` between heartbeats (default: the coordinator's)")
	return cmd
}

// logShuffleStats prints the executor's shuffle counters every few seconds
// while they change, so an operator (or a test reading the logs) can see
// that shuffle data really crosses processes.
func logShuffleStats(ctx context.Context, w io.Writer, store *shuffle.Store) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	var last shuffle.Stats
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			st := store.Stats()
			if st.BytesWritten != last.BytesWritten || st.BytesServed != last.BytesServed || st.BytesReadLocal != last.BytesReadLocal {
				printShuffleStats(w, st)
				last = st
			}
		}
	}
}

func printShuffleStats(w io.Writer, st shuffle.Stats) {
	fmt.Fprintf(w, "shuffle: written %d bytes, served to other executors %d bytes, read locally %d bytes, in memory %d, on disk %d\n",
		st.BytesWritten, st.BytesServed, st.BytesReadLocal, st.BytesInMemory, st.BytesOnDisk)
}
