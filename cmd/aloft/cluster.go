package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aloftdb/aloft/flight"
)

// newClusterCmd is `aloft cluster`: a coordinator and N executors of this
// binary as child processes on this machine, for trying the distributed
// engine out.
func newClusterCmd() *cobra.Command {
	var (
		dataDir, secret, host  string
		executors, port, cores int
		startTimeout           time.Duration
	)
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Run a coordinator and N executors on this machine (connect with aloft sql --connect)",
		Long: `Run a local cluster: one 'aloft coordinator' and --executors 'aloft executor'
processes of this binary, wired together on free internal ports with a
generated cluster secret (or --secret / ALOFT_CLUSTER_SECRET). When every
executor has registered, it prints the Flight SQL address to connect to.
Ctrl-C or SIGTERM stops every process; if one of them dies, the others are
stopped and the command fails.`,
		Example: `  aloft cluster --executors 3 --data ./data/tpch-sf0.1
  aloft sql --connect grpc://localhost:32010 -e 'SELECT count(*) FROM lineitem'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if executors < 1 {
				return fmt.Errorf("--executors: want at least 1, got %d", executors)
			}
			if port < 0 || port > 65535 {
				return fmt.Errorf("--port: %d is not a port", port)
			}
			if cores < 0 {
				return fmt.Errorf("--cores: must not be negative")
			}
			if dataDir != "" {
				if st, err := os.Stat(dataDir); err != nil {
					return fmt.Errorf("--data: %w", err)
				} else if !st.IsDir() {
					return fmt.Errorf("--data: %s is not a directory", dataDir)
				}
			}
			sec := secret
			if sec == "" {
				sec = os.Getenv(envClusterSecret)
			}
			if sec == "" {
				var b [16]byte
				if _, err := rand.Read(b[:]); err != nil {
					return err
				}
				sec = hex.EncodeToString(b[:])
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("cannot find the aloft binary: %w", err)
			}
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			cl := &localCluster{
				exe:  exe,
				env:  append(os.Environ(), envClusterSecret+"="+sec),
				out:  &lockedWriter{w: cmd.OutOrStdout()},
				err:  &lockedWriter{w: cmd.ErrOrStderr()},
				died: make(chan error, 1),
			}
			defer cl.stopAll()

			// The coordinator: its stdout gives the addresses, its log the
			// registrations.
			internal, sqlAddr := make(chan string, 1), make(chan string, 1)
			registered := make(chan struct{}, 64)
			args := []string{"coordinator", "--host", host, "--port", "0", "--sql-port", strconv.Itoa(port)}
			if dataDir != "" {
				args = append(args, "--data", dataDir)
			}
			if f, _ := cmd.Flags().GetString("config"); f != "" {
				args = append(args, "--config", f)
			}
			err = cl.start("coordinator", args, func(line string) {
				if a, ok := strings.CutPrefix(line, "coordinator listening on "); ok {
					sendOnce(internal, strings.Fields(a)[0])
				} else if a, ok := strings.CutPrefix(line, "Flight SQL on grpc://"); ok {
					sendOnce(sqlAddr, strings.Fields(a)[0])
				}
			}, func(line string) {
				if strings.Contains(line, " registered with ") {
					select {
					case registered <- struct{}{}:
					default:
					}
				}
			})
			if err != nil {
				return err
			}
			deadline := time.After(startTimeout)
			var coordAddr, clientAddr string
			for coordAddr == "" || clientAddr == "" {
				select {
				case coordAddr = <-internal:
				case clientAddr = <-sqlAddr:
				case d := <-cl.died:
					return d
				case <-ctx.Done():
					return nil
				case <-deadline:
					return fmt.Errorf("the coordinator did not start within %s", startTimeout)
				}
			}

			for i := range executors {
				args := []string{"executor", "--coordinator", coordAddr, "--host", host, "--port", "0"}
				if cores > 0 {
					args = append(args, "--cores", strconv.Itoa(cores))
				}
				if err := cl.start(fmt.Sprintf("executor-%d", i+1), args, nil, nil); err != nil {
					return err
				}
			}
			for n := 0; n < executors; {
				select {
				case <-registered:
					n++
				case d := <-cl.died:
					return d
				case <-ctx.Done():
					return nil
				case <-deadline:
					return fmt.Errorf("only %d of %d executors registered within %s", n, executors, startTimeout)
				}
			}
			// The Flight SQL endpoint answers.
			if err := pingSQL(ctx, clientAddr); err != nil {
				return fmt.Errorf("the Flight SQL endpoint grpc://%s does not answer: %w", clientAddr, err)
			}
			fmt.Fprintf(cl.out, "Aloft cluster ready: 1 coordinator and %d executors\n", executors)
			fmt.Fprintf(cl.out, "connect with: aloft sql --connect grpc://%s   (Ctrl-C stops the cluster)\n", clientAddr)

			select {
			case d := <-cl.died:
				// Ctrl-C reaches the children too: a child exiting at the
				// same moment is the shutdown, not a failure.
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(200 * time.Millisecond):
				}
				return d
			case <-ctx.Done():
				fmt.Fprintln(cl.out, "stopping the cluster")
				return nil
			}
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&executors, "executors", 3, "`N` executor processes")
	fl.IntVar(&port, "port", 32010, "`PORT` of the Flight SQL endpoint (0: any free port)")
	fl.StringVar(&host, "host", "localhost", "`HOST` every process listens on")
	fl.IntVar(&cores, "cores", 0, "`N` tasks each executor runs at once (default: the executor's default)")
	fl.StringVar(&dataDir, "data", "", "register every Parquet/CSV file and folder in `DIR` as a table")
	fl.StringVar(&secret, "secret", "", "cluster `SECRET` (default $"+envClusterSecret+", else a random one)")
	fl.DurationVar(&startTimeout, "start-timeout", time.Minute, "how long the processes may take to start and register")
	return cmd
}

func sendOnce(ch chan string, v string) {
	select {
	case ch <- v:
	default:
	}
}

// pingSQL runs SHOW TABLES through the Flight SQL endpoint at addr.
func pingSQL(ctx context.Context, addr string) error {
	c, err := flight.Dial("grpc://" + addr)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = c.Execute(ctx, "SHOW TABLES")
	return err
}

// localCluster is the child processes of `aloft cluster`.
type localCluster struct {
	exe      string
	env      []string
	out, err io.Writer

	mu       sync.Mutex
	procs    []*childProc
	stopping bool
	died     chan error // the coordinator exiting unasked
	diedOnce sync.Once
}

type childProc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs the binary with args; each line of its stdout and stderr is
// printed prefixed with the name and passed to onOut and onErr.
func (c *localCluster) start(name string, args []string, onOut, onErr func(string)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd := exec.Command(c.exe, args...)
	cmd.Env = c.env
	cmd.Stdout = &lineWriter{prefix: "[" + name + "] ", w: c.out, fn: onOut}
	cmd.Stderr = &lineWriter{prefix: "[" + name + "] ", w: c.err, fn: onErr}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	p := &childProc{name: name, cmd: cmd, done: make(chan struct{})}
	c.procs = append(c.procs, p)
	go func() {
		err := cmd.Wait()
		cmd.Stdout.(*lineWriter).flush()
		cmd.Stderr.(*lineWriter).flush()
		close(p.done)
		c.mu.Lock()
		stopping := c.stopping
		c.mu.Unlock()
		if stopping {
			return
		}
		if err == nil {
			err = errors.New("exited")
		}
		if name != "coordinator" {
			// A lost executor is what the coordinator is built to survive:
			// it stops heartbeating, is declared lost, and its tasks and
			// shuffle outputs are recomputed on the others.
			fmt.Fprintf(c.err, "aloft cluster: %s (pid %d) died: %v; the cluster goes on with the other executors\n", name, cmd.Process.Pid, err)
			return
		}
		fmt.Fprintf(c.err, "aloft cluster: %s (pid %d) died: %v\n", name, cmd.Process.Pid, err)
		c.diedOnce.Do(func() { c.died <- fmt.Errorf("%s died: %v", name, err) })
	}()
	return nil
}

// stopAll asks every child to stop (SIGTERM), waits up to 10 seconds and
// kills the ones still running. Executors go first.
func (c *localCluster) stopAll() {
	c.mu.Lock()
	c.stopping = true
	procs := c.procs
	c.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		_ = procs[i].cmd.Process.Signal(syscall.SIGTERM)
	}
	timeout := time.After(10 * time.Second)
	for i := len(procs) - 1; i >= 0; i-- {
		p := procs[i]
		select {
		case <-p.done:
		case <-timeout:
			fmt.Fprintf(c.err, "aloft cluster: killing %s (pid %d)\n", p.name, p.cmd.Process.Pid)
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// lineWriter splits a child's output into lines, prints each with a
// prefix and passes it to fn.
type lineWriter struct {
	prefix string
	w      io.Writer
	fn     func(string)
	mu     sync.Mutex
	buf    []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.line(string(l.buf))
		l.buf = nil
	}
}

func (l *lineWriter) line(s string) {
	fmt.Fprintf(l.w, "%s%s\n", l.prefix, s)
	if l.fn != nil {
		l.fn(s)
	}
}
