// Package resultrows renders query results as text rows and compares them,
// for tests that check one way of running a query against another (local
// against distributed, Aloft against reference answers).
package resultrows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// Of renders batches as rows of text, each value as the CLI prints it
// (NULL as "NULL").
func Of(batches []arrow.RecordBatch) [][]string {
	out := [][]string{}
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, b.NumCols())
			for c := 0; c < int(b.NumCols()); c++ {
				row[c] = logical.FormatPlain(expr.ScalarValue(b.Column(c), r), b.Column(c).DataType())
			}
			out = append(out, row)
		}
	}
	return out
}

// Equal compares rows in order, values with the TPC-H tolerance rules.
func Equal(got, want [][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if !tpch.ValuesEqual(got[i][j], want[i][j]) {
				return false
			}
		}
	}
	return true
}

// EqualAnyOrder is Equal, or Equal after sorting both sides: rows that tie
// in an ORDER BY may come in any order.
func EqualAnyOrder(got, want [][]string) bool {
	return Equal(got, want) || Equal(sorted(got), sorted(want))
}

func sorted(rows [][]string) [][]string {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, "|"), strings.Join(b, "|")) })
	return out
}

// Table prints the first 20 rows, values separated by '|', for failure messages.
func Table(rows [][]string) string {
	var b strings.Builder
	for i, r := range rows {
		if i == 20 {
			fmt.Fprintf(&b, "... %d more\n", len(rows)-i)
			break
		}
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}
