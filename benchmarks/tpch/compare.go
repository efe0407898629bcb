package tpch

import (
	"encoding/csv"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"strings"
)

// Null is how NULL is written in the answers and in the rows CompareCSV expects.
const Null = "NULL"

// ReadAnswer reads a reference answer CSV (with a header row) and returns
// its rows without the header.
func ReadAnswer(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // CompareCSV reports ragged rows itself
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no header row", path)
	}
	return rows[1:], nil
}

// CompareCSV compares the rows of a result with the rows of a reference
// answer, both without their header (column names are not compared), by
// the rules of shared/tpch/README.md:
//   - the same number of rows, compared in order, with the same number of columns;
//   - text, dates and NULL (written "NULL") compare exactly;
//   - numbers are equal when their relative difference is at most 1e-9, or
//     their absolute difference is at most 0.006 for a reference of
//     magnitude >= 1 (money is right to the cent; averages may be rounded),
//     or at most 1e-5 for a reference below 1.
//
// The error names the first row that differs and shows both rows.
func CompareCSV(got, want [][]string) error {
	for i := 0; i < len(got) && i < len(want); i++ {
		if err := compareRow(got[i], want[i]); err != nil {
			return fmt.Errorf("row %d: %w\n got: %s\nwant: %s", i+1, err, formatRow(got[i]), formatRow(want[i]))
		}
	}
	switch {
	case len(got) > len(want):
		return fmt.Errorf("got %d rows, want %d; first extra row %d: %s", len(got), len(want), len(want)+1, formatRow(got[len(want)]))
	case len(got) < len(want):
		return fmt.Errorf("got %d rows, want %d; first missing row %d: %s", len(got), len(want), len(got)+1, formatRow(want[len(got)]))
	}
	return nil
}

func compareRow(got, want []string) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d columns, want %d", len(got), len(want))
	}
	for c := range got {
		if !ValuesEqual(got[c], want[c]) {
			return fmt.Errorf("column %d: got %q, want %q", c+1, got[c], want[c])
		}
	}
	return nil
}

// number matches plain decimal numbers; ParseFloat alone would also take
// "Inf", "NaN", hex floats and underscores, which are not numbers here.
var number = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// Tolerances, as exact fractions: the answers are decimal text, and
// comparing in binary floating point would put 1.006 more than 0.006 away
// from 1.
var (
	relTolerance   = big.NewRat(1, 1_000_000_000) // 1e-9
	absTolerance   = big.NewRat(6, 1000)          // 0.006, for |reference| >= 1
	smallTolerance = big.NewRat(1, 100_000)       // 1e-5, for |reference| < 1
	one            = big.NewRat(1, 1)
)

// ValuesEqual compares one value with its reference: exactly, or as numbers
// with the tolerance described at CompareCSV.
func ValuesEqual(got, want string) bool {
	if got == want {
		return true
	}
	if !number.MatchString(got) || !number.MatchString(want) {
		return false
	}
	g, ok1 := new(big.Rat).SetString(got)
	w, ok2 := new(big.Rat).SetString(want)
	if !ok1 || !ok2 {
		return false
	}
	diff := new(big.Rat).Sub(g, w)
	diff.Abs(diff)
	absW := new(big.Rat).Abs(w)
	if diff.Cmp(new(big.Rat).Mul(relTolerance, absW)) <= 0 {
		return true
	}
	if absW.Cmp(one) >= 0 {
		return diff.Cmp(absTolerance) <= 0
	}
	return diff.Cmp(smallTolerance) <= 0
}

func formatRow(row []string) string {
	return "[" + strings.Join(row, " | ") + "]"
}
