package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aloftdb/aloft/flight"
)

// TestClusterProcesses builds the binary, starts `aloft cluster` with two
// executors, runs a GROUP BY through its Flight SQL endpoint and stops it
// with SIGINT.
func TestClusterProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts processes")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "aloft")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "sales.csv"), []byte("id,city,amount\n1,oslo,5\n2,lima,7\n3,oslo,9\n4,rome,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "cluster", "--executors", "2", "--port", "0", "--data", data)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "connect with: aloft sql --connect "); ok {
				addrc <- strings.Fields(a)[0]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	var addr string
	select {
	case addr = <-addrc:
	case err := <-exited:
		t.Fatalf("aloft cluster exited: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("aloft cluster not ready\n%s", stderr.String())
	}
	c, err := flight.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.Execute(ctx, "SELECT city, sum(amount) AS total FROM sales GROUP BY city ORDER BY city")
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, b := range res.Batches {
		for i := 0; i < int(b.NumRows()); i++ {
			rows = append(rows, fmt.Sprintf("%s=%s", b.Column(0).ValueStr(i), b.Column(1).ValueStr(i)))
		}
	}
	if got := strings.Join(rows, " "); got != "lima=7 oslo=14 rome=1" {
		t.Errorf("rows %q", got)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("aloft cluster after SIGINT: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("aloft cluster did not stop\n%s", stderr.String())
	}
}
