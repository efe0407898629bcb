package tpch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValuesEqual(t *testing.T) {
	cases := []struct {
		got, want string
		equal     bool
	}{
		// Text and dates compare exactly.
		{"BUILDING", "BUILDING", true},
		{"building", "BUILDING", false},
		{"1995-03-15", "1995-03-15", true},
		{"1995-03-15", "1995-03-16", false},
		{"", "", true},
		// NULL only equals NULL.
		{"NULL", "NULL", true},
		{"NULL", "", false},
		{"NULL", "0", false},
		{"0", "NULL", false},
		// Same number, other spelling (DECIMAL's scale digits, exponents).
		{"37734107.00", "37734107", true},
		{"1e3", "1000", true},
		{"-0.00", "0", true},
		// Relative 1e-9 for any magnitude.
		{"55909065222.827692", "55909065222.8277", true},
		{"1000000000000.5", "1000000000000", true},
		{"1000000000002", "1000000000000", true},
		{"1002", "1000", false},
		// Absolute 0.006 for |reference| >= 1: cents must be right.
		{"25.52", "25.522005853257337", true},
		{"-25.52", "-25.522005853257337", true},
		{"38273.13", "38273.12", false},
		{"38273.12", "38273.129734621674", false},
		{"1.006", "1", true},
		{"1.0061", "1", false},
		// Absolute 1e-5 below 1.
		{"0.04999", "0.049985295838397614", true},
		{"0.0499", "0.049985295838397614", false},
		{"0.00001", "0", true},
		// Things that parse as floats but are not numbers here.
		{"NaN", "NaN", true}, // the same text
		{"1e400", "1e400", true},
		{"NaN", "0", false},
		{"Inf", "+Inf", false},
		{"0x10", "16", false},
		{"1_000", "1000", false},
		{"25-989-741-2988", "25-989-741-2989", false},
	}
	for _, c := range cases {
		if got := ValuesEqual(c.got, c.want); got != c.equal {
			t.Errorf("ValuesEqual(%q, %q) = %v, want %v", c.got, c.want, got, c.equal)
		}
	}
}

func TestCompareCSV(t *testing.T) {
	want := [][]string{{"A", "F", "37734107"}, {"N", "F", "991417"}, {"R", "F", "NULL"}}
	if err := CompareCSV([][]string{{"A", "F", "37734107.00"}, {"N", "F", "991417.001"}, {"R", "F", "NULL"}}, want); err != nil {
		t.Errorf("equal within tolerance: %v", err)
	}
	if err := CompareCSV(nil, nil); err != nil {
		t.Errorf("two empty results: %v", err)
	}

	cases := []struct {
		name    string
		got     [][]string
		wantErr []string
	}{
		{"value differs", [][]string{{"A", "F", "37734107"}, {"N", "O", "991417"}, {"R", "F", "NULL"}},
			[]string{`row 2: column 2: got "O", want "F"`, "got: [N | O | 991417]", "want: [N | F | 991417]"}},
		{"null vs number", [][]string{{"A", "F", "37734107"}, {"N", "F", "991417"}, {"R", "F", "0"}},
			[]string{`row 3: column 3: got "0", want "NULL"`}},
		{"missing column", [][]string{{"A", "F"}, {"N", "F", "991417"}, {"R", "F", "NULL"}},
			[]string{"row 1: got 2 columns, want 3"}},
		{"too few rows", [][]string{{"A", "F", "37734107"}},
			[]string{"got 1 rows, want 3; first missing row 2: [N | F | 991417]"}},
		{"too many rows", append(append([][]string{}, want...), []string{"X", "Y", "1"}),
			[]string{"got 4 rows, want 3; first extra row 4: [X | Y | 1]"}},
		{"fewer rows that also differ", [][]string{{"A", "F", "1"}},
			[]string{`row 1: column 3: got "1", want "37734107"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CompareCSV(c.got, want)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestReadAnswerSkipsTheHeaderAndUnquotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q02.csv")
	text := "s_acctbal,s_name,s_address\n9938.53,Supplier#000005359,\"QKuHYh,vZGiwu2FWEJoLDx04\"\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadAnswer(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0][2] != "QKuHYh,vZGiwu2FWEJoLDx04" {
		t.Fatalf("got %q", rows)
	}
}

// The reference answers shipped beside the repository read as 22 answers.
func TestSharedAnswersRead(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "tpch", "answers-sf1")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no reference answers at %s", dir)
	}
	for n := 1; n <= NumQueries; n++ {
		rows, err := ReadAnswer(filepath.Join(dir, AnswerFile(n)))
		if err != nil {
			t.Fatal(err)
		}
		if err := CompareCSV(rows, rows); err != nil {
			t.Errorf("q%02d against itself: %v", n, err)
		}
	}
}

func TestEmbeddedQueries(t *testing.T) {
	for n := 1; n <= NumQueries; n++ {
		q, err := Query(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.ToLower(q), "select") {
			t.Errorf("q%02d: %q", n, q)
		}
	}
	for _, n := range []int{0, 23} {
		if _, err := Query(n); err == nil {
			t.Errorf("Query(%d): want an error", n)
		}
	}
}
