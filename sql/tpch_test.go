package sql

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

// tpchQueryDir is the shared TPC-H query set, relative to this package.
const tpchQueryDir = "../../shared/tpch/queries"

func TestTPCHQueriesBind(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(tpchQueryDir, "q*.sql"))
	if len(files) == 0 {
		t.Skipf("no TPC-H queries in %s", tpchQueryDir)
	}
	cat := testCatalog(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			stmts, err := Parse(string(text))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(stmts) != 1 {
				t.Fatalf("got %d statements, want 1", len(stmts))
			}
			q, ok := stmts[0].(*Query)
			if !ok {
				t.Fatalf("got %T, want *Query", stmts[0])
			}
			b, err := Bind(q, cat)
			if err != nil {
				t.Fatalf("bind: %v", err)
			}
			if testing.Verbose() {
				t.Logf("\n%s", logical.Format(b.Plan))
			}
		})
	}
}
