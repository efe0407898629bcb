package flight

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/aloftdb/aloft/coordinator"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/executor"
)

// TestCoordinatorRunner: a Flight SQL server whose statements run on a
// coordinator with two executors answers a GROUP BY as the local engine
// does, and lists the tables created through it.
func TestCoordinatorRunner(t *testing.T) {
	const secret = "flight-test-secret"
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("id,city,amount\n")
	cities := []string{"oslo", "lima", "rome", "kyiv", "nara"}
	for i := range 500 {
		fmt.Fprintf(&sb, "%d,%s,%d\n", i, cities[(i*7)%len(cities)], i%37)
	}
	path := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	create := fmt.Sprintf("CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION '%s'", path)
	const q = "SELECT city, count(*) AS n, sum(amount) AS total FROM sales WHERE amount > 3 GROUP BY city"

	coord, err := coordinator.New(coordinator.Config{
		Secret: secret, HeartbeatInterval: 50 * time.Millisecond, HeartbeatTimeout: 2 * time.Second, Logf: t.Logf,
	}, engine.New(engine.Options{Partitions: 2}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { coord.Close() })
	srv, err := NewServer(coord.Engine(), Options{Runner: coord})
	if err != nil {
		t.Fatal(err)
	}
	gs, lis, err := Serve("localhost:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gs.Stop)
	c, err := flightsql.NewClient(lis.Addr().String(), nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// DDL runs on the coordinator's engine, without executors.
	if _, err := c.ExecuteUpdate(ctx, create); err != nil {
		t.Fatal(err)
	}
	// Queries run on the executors: none yet.
	if _, err := c.Execute(ctx, q); err == nil || !strings.Contains(err.Error(), "no executors registered") {
		t.Fatalf("query without executors: %v, want no executors registered", err)
	}

	for i := range 2 {
		ex, err := executor.New(executor.Config{WorkDir: t.TempDir(), MemoryLimit: 64 << 20, Secret: secret, Cores: 2})
		if err != nil {
			t.Fatalf("executor %d: %v", i, err)
		}
		rctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- ex.RegisterWith(rctx, coord.Addr(), secret, 0) }()
		t.Cleanup(func() { stop(); <-done; ex.Close() })
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(coord.Executors()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for 2 executors")
		}
		time.Sleep(10 * time.Millisecond)
	}

	_, got := query(t, c, q)

	local := engine.New(engine.Options{Partitions: 3})
	if _, err := local.Execute(ctx, create); err != nil {
		t.Fatal(err)
	}
	res, err := local.Execute(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	for _, b := range res.Batches {
		for i := 0; i < int(b.NumRows()); i++ {
			var row []string
			for _, col := range b.Columns() {
				row = append(row, col.ValueStr(i))
			}
			want = append(want, row)
		}
	}
	if len(want) != len(cities) {
		t.Fatalf("local engine returned %d groups, want %d", len(want), len(cities))
	}
	sortRows(got)
	sortRows(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cluster rows %v\nlocal rows   %v", got, want)
	}

	// The catalog listing comes from the coordinator's engine.
	info, err := c.GetTables(ctx, &flightsql.GetTablesOpts{})
	if err != nil {
		t.Fatal(err)
	}
	_, tables := fetch(t, c, info)
	if fmt.Sprint(tables) != "[[aloft public sales TABLE]]" {
		t.Errorf("tables %v", tables)
	}
}

func sortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool { return strings.Join(rows[i], "\x00") < strings.Join(rows[j], "\x00") })
}
