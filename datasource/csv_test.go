package datasource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const sampleCSV = `id,price,day,at,ok,name,mixed
1,1.5,2024-01-31,2024-01-31 10:00:00,true,alpha,1
2,,2024-02-01,2024-02-01 00:00:00.5,false,"beta, gamma",2.5
,3,,,,,x
4,4.25,2024-02-03,2024-02-03T23:59:59,TRUE,,4
`

func TestCSVInfersTypesAndNulls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	writeFile(t, path, sampleCSV)
	tbl, err := Open(path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []arrow.DataType{
		arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Date32,
		arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String, arrow.BinaryTypes.String,
	}
	for i, f := range tbl.Schema().Fields() {
		if !arrow.TypeEqual(f.Type, wantTypes[i]) {
			t.Errorf("column %s: inferred %s, want %s", f.Name, f.Type, wantTypes[i])
		}
	}
	if tbl.Statistics().RowCount != -1 {
		t.Errorf("row count %d, want unknown", tbl.Statistics().RowCount)
	}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: allColumns(7), BatchSize: 3})
	if got.NumRows() != 4 {
		t.Fatalf("%d rows, want 4", got.NumRows())
	}
	want := []string{
		`[1 2 (null) 4]`,
		`[1.5 (null) 3 4.25]`,
		`[2024-01-31 2024-02-01 (null) 2024-02-03]`,
		fmt.Sprintf("[%d %d (null) %d]", // microseconds since the epoch, UTC
			time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC).UnixMicro(),
			time.Date(2024, 2, 1, 0, 0, 0, 500_000_000, time.UTC).UnixMicro(),
			time.Date(2024, 2, 3, 23, 59, 59, 0, time.UTC).UnixMicro()),
		`[true false (null) true]`,
		`["alpha" "beta, gamma" (null) (null)]`,
		`["1" "2.5" "x" "4"]`,
	}
	for i, w := range want {
		if s := got.Column(i).String(); s != w {
			t.Errorf("column %s: %s, want %s", tbl.Schema().Field(i).Name, s, w)
		}
	}
}

func TestCSVProjectionAndFilter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	writeFile(t, path, sampleCSV)
	tbl, err := OpenCSV(path, DefaultCSVOptions())
	if err != nil {
		t.Fatal(err)
	}
	f := funcFilter{cols: []int{1}, keep: func(v int64) bool { return v > 1 }}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: []int{5, 0}, Filter: f})
	if got.NumRows() != 2 || got.Column(0).String() != `["beta, gamma" (null)]` || got.Column(1).String() != `[2 4]` {
		t.Errorf("got %v rows: %s %s", got.NumRows(), got.Column(0), got.Column(1))
	}
}

func TestCSVWithoutHeaderAndOtherDelimiter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.tbl")
	writeFile(t, path, "1|x\n2|y\n")
	tbl, err := Open(path, "csv", map[string]string{"header": "false", "delimiter": "|"})
	if err != nil {
		t.Fatal(err)
	}
	if n := tbl.Schema().Field(0).Name; n != "column0" {
		t.Errorf("first column named %q, want column0", n)
	}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: []int{1, 0}})
	if got.Column(0).String() != `["x" "y"]` || got.Column(1).String() != `[1 2]` {
		t.Errorf("got %s %s", got.Column(0), got.Column(1))
	}
	if _, err := Open(path, "csv", map[string]string{"delimiter": "||"}); err == nil {
		t.Error("two-character delimiter: want an error")
	}
}

func TestCSVDirectoryTable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), "k,v\n1,a\n2,b\n")
	writeFile(t, filepath.Join(dir, "b.csv"), "k,v\n3,c\n")
	tbl, err := Open(dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	splits, _ := tbl.Splits(context.Background(), nil)
	if len(splits) != 2 || splits[0].EstimatedRows() != -1 {
		t.Fatalf("splits %v, want one per file with unknown rows", splits)
	}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: []int{0}})
	if got.Column(0).String() != `[1 2 3]` {
		t.Errorf("got %s", got.Column(0))
	}
}

func TestCSVBadValueAfterSampleIsAnError(t *testing.T) {
	var b strings.Builder
	b.WriteString("n\n")
	for i := 0; i < csvSampleRows+10; i++ {
		b.WriteString("7\n")
	}
	b.WriteString("seven\n")
	path := filepath.Join(t.TempDir(), "t.csv")
	writeFile(t, path, b.String())
	tbl, err := OpenCSV(path, CSVOptions{Header: true})
	if err != nil {
		t.Fatal(err)
	}
	splits, _ := tbl.Splits(context.Background(), nil)
	r, err := tbl.Open(context.Background(), splits[0], catalog.ScanOptions{Columns: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if err != nil {
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "seven") {
				t.Errorf("error %q should name the file and the value", err)
			}
			return
		}
		if rec == nil {
			t.Fatal("read past a non-integer in a BIGINT column without an error")
		}
	}
}

func TestCSVMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "none.csv")
	if _, err := Open(p, "", nil); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("got %v, want an error naming %s", err, p)
	}
}

func TestOpenDetectsFormat(t *testing.T) {
	dir := t.TempDir()
	written, _ := sampleData(10)
	// A Parquet file without the extension is recognised by its magic bytes.
	noExt := filepath.Join(dir, "data")
	writeParquet(t, noExt, written, 10)
	tbl, err := Open(noExt, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Statistics().RowCount != 10 || tbl.Location() != noExt {
		t.Errorf("opened %s with %d rows", tbl.Location(), tbl.Statistics().RowCount)
	}
	if _, err := Open(noExt, "orc", nil); err == nil {
		t.Error("unknown format: want an error")
	}
}
