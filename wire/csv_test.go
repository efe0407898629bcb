package wire

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/datasource"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
)

// TestCSVScan reopens a CSV table read with non-default options from the
// format string in the plan.
func TestCSVScan(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(path, []byte("1|x\n2|y\n3|z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	table, err := datasource.Open(path, "csv", map[string]string{"header": "false", "delimiter": "|"})
	if err != nil {
		t.Fatal(err)
	}
	splits, err := table.Splits(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := columnsOf(table.Schema())
	pred := compile(t, &logical.BinaryExpr{Op: logical.OpGtEq, Left: cols[0].Ref(), Right: &logical.Literal{Value: int64(2), Typ: cols[0].Type}, Typ: logical.Bool}, cols)
	scan := exec.NewScanExec("t", table, splits, []int{0, 1}, table.Schema(), nilFilterOr(pred, []int{0}), pred.String(), 2)

	var gotFormat string
	env := DecodeEnv{OpenTable: func(name, location, format string) (catalog.Table, error) {
		gotFormat = format
		return DefaultOpenTable(name, location, format)
	}}
	decoded, _ := roundTrip(t, scan, env)
	base, opts, err := SplitFormat(gotFormat)
	if err != nil || base != "csv" || opts["header"] != "false" || opts["delimiter"] != "|" {
		t.Fatalf("format %q: %s %v %v", gotFormat, base, opts, err)
	}
	if got, want := rowsOf(t, decoded, false), rowsOf(t, scan, false); !slices.Equal(got, want) || len(got) != 2 {
		t.Fatalf("rows %q, want %q", got, want)
	}

	// Default CSV options give the plain format name.
	def, err := datasource.Open(path, "csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := tableFormat(def); !ok || f != "csv" {
		t.Fatalf("default CSV format %q", f)
	}
}
