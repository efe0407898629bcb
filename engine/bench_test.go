package engine

import (
	"context"
	"fmt"
	"testing"

	benchtpch "github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/sql"
)

// BenchmarkTPCH runs each TPC-H query end to end at SF 0.01 (the shared test
// data set): go test ./engine -run '^$' -bench TPCH
func BenchmarkTPCH(b *testing.B) {
	e := newTPCHEngine(b, Options{})
	for n := 1; n <= benchtpch.NumQueries; n++ {
		text, err := benchtpch.Query(n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("q%02d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Execute(context.Background(), text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlanning measures parse, bind, optimize and physical planning
// (no execution) of the TPC-H queries with the most joins.
func BenchmarkPlanning(b *testing.B) {
	e := newTPCHEngine(b, Options{})
	for _, n := range []int{2, 5, 8, 9, 21} {
		text, err := benchtpch.Query(n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("q%02d", n), func(b *testing.B) {
			for b.Loop() {
				stmts, err := sql.Parse(text)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.planQuery(context.Background(), stmts[0].(*sql.Query), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
