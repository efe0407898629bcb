package wire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/datasource"
)

func TestSplitsRoundTrip(t *testing.T) {
	var all []catalog.Split
	for q := 1; q <= 22; q++ {
		for _, s := range Scans(tpchPlan(t, q)) {
			all = append(all, s.Splits()...)
		}
	}
	all = append(all,
		datasource.CSVSplit{Path: "/data/t/a.csv"},
		datasource.CSVSplit{Path: "/data/t/b.csv"},
		datasource.CSVSplit{Path: "/data/t/a.csv"},
		datasource.ParquetSplit{Path: "/x.parquet", RowGroup: 1 << 20, Rows: -1},
	)
	for _, splits := range [][]catalog.Split{nil, all[:1], all} {
		data, err := EncodeSplits(splits)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeSplits(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(splits) || (len(got) > 0 && !reflect.DeepEqual(got, splits)) {
			t.Fatalf("%d splits decode as %d (%v...)", len(splits), len(got), got[:min(3, len(got))])
		}
		if len(splits) == len(all) {
			t.Logf("%d splits: %d bytes (%.1f bytes a split)", len(all), len(data), float64(len(data))/float64(len(all)))
		}
	}
	// Pointers encode as the values they point to.
	data, err := EncodeSplits([]catalog.Split{&datasource.ParquetSplit{Path: "p", RowGroup: 2, Rows: 9}, &datasource.CSVSplit{Path: "c"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSplits(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Split{datasource.ParquetSplit{Path: "p", RowGroup: 2, Rows: 9}, datasource.CSVSplit{Path: "c"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := EncodeSplits([]catalog.Split{otherSplit{}}); err == nil {
		t.Fatal("foreign split encoded")
	}

	// Corruption: every truncation fails, with the header intact or fixed up.
	data, _ = EncodeSplits(all)
	for n := 0; n < len(data); n++ {
		if _, err := DecodeSplits(data[:n]); err == nil {
			t.Fatalf("cut at %d: no error", n)
		}
	}
	payload := data[HeaderSize:]
	for n := 0; n < len(payload); n++ {
		buf := make([]byte, HeaderSize+n)
		copy(buf[HeaderSize:], payload[:n])
		framed, _ := frame(buf, contentSplits)
		if _, err := DecodeSplits(framed); err == nil {
			t.Fatalf("payload cut at %d: no error", n)
		}
	}
	if _, err := DecodePlan(data, DecodeEnv{}); err == nil || !strings.Contains(err.Error(), "holds splits") {
		t.Fatalf("splits decoded as a plan: %v", err)
	}
}

type otherSplit struct{}

func (otherSplit) String() string       { return "other" }
func (otherSplit) EstimatedRows() int64 { return 0 }
