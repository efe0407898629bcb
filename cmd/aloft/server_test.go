package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aloftdb/aloft/conf"
	"github.com/aloftdb/aloft/flight"
)

// TestSQLConnect runs the same statements locally and through `aloft sql
// --connect` against a Flight SQL server, and expects the same output.
func TestSQLConnect(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte("id,name\n1,ann\n2,bob\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eng, err := newEngine(&conf.Config{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := flight.NewServer(eng, flight.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gs, lis, err := flight.Serve("localhost:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	defer gs.Stop()
	const stmts = "CREATE TABLE t (a INT); INSERT INTO t VALUES (5); SELECT * FROM t; SELECT name FROM people ORDER BY id DESC; SHOW TABLES; DROP TABLE t"
	for _, format := range []string{"csv", "json"} {
		local, _, err := run(t, "sql", "--data", dir, "--format", format, "-e", stmts)
		if err != nil {
			t.Fatal(err)
		}
		remote, _, err := run(t, "sql", "--connect", "grpc://"+lis.Addr().String(), "--format", format, "-e", stmts)
		if err != nil {
			t.Fatal(err)
		}
		if local != remote {
			t.Errorf("%s: --connect printed\n%s\nlocal mode printed\n%s", format, remote, local)
		}
	}
	_, _, err = run(t, "sql", "--connect", "grpc://"+lis.Addr().String(), "-e", "SELECT * FROM nosuch")
	if err == nil || err.Error() != `table "nosuch" does not exist` {
		t.Errorf("error %v", err)
	}
}
