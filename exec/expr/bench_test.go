package expr

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
)

// Benchmarks of the kernels TPC-H runs on every lineitem row, over batches
// of benchRows rows shaped like lineitem columns. Report ns/op per batch;
// divide by benchRows for ns/row.

const benchRows = 8192

func benchDecimals(p, s int32, lo, hi int64, nullEvery int) arrow.Array {
	rng := rand.New(rand.NewSource(1))
	vals := make([]num, benchRows)
	var valid []byte
	if nullEvery > 0 {
		valid = allValid(benchRows)
	}
	for i := range vals {
		vals[i] = num64(lo + rng.Int63n(hi-lo))
		if nullEvery > 0 && i%nullEvery == 0 {
			clearBit(valid, i)
		}
	}
	return newFixed(logical.Decimal(p, s), vals, valid)
}

func benchRun(b *testing.B, in input, e logical.Expr) {
	x, err := Compile(e, in.cols)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := x.Eval(in.batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// l_extendedprice * (1 - l_discount), with and without nulls.
func BenchmarkDecimalMulSub(b *testing.B) {
	for _, nulls := range []int{0, 10} {
		b.Run(fmt.Sprintf("nullEvery=%d", nulls), func(b *testing.B) {
			in := newInput(benchDecimals(15, 2, 90000, 10495000, nulls), benchDecimals(15, 2, 0, 11, nulls))
			one := lit(num64(1), logical.Decimal(1, 0))
			benchRun(b, in, bin(logical.OpMul, in.ref(0), bin(logical.OpSub, one, in.ref(1), logical.Decimal(16, 2)), logical.Decimal(31, 4)))
		})
	}
}

func BenchmarkDecimalAdd(b *testing.B) {
	in := newInput(benchDecimals(15, 2, 0, 10495000, 0), benchDecimals(15, 2, 0, 9, 0))
	benchRun(b, in, bin(logical.OpAdd, in.ref(0), in.ref(1), logical.Decimal(16, 2)))
}

func BenchmarkDecimalDiv(b *testing.B) {
	in := newInput(benchDecimals(38, 2, 0, 10495000000, 0), benchDecimals(19, 0, 1, 1000, 0))
	benchRun(b, in, bin(logical.OpDiv, in.ref(0), in.ref(1), logical.Decimal(38, 6)))
}

// l_discount between 0.05 and 0.07 (Q6) as two literal comparisons.
func BenchmarkCompareDecimalLiteral(b *testing.B) {
	in := newInput(benchDecimals(15, 2, 0, 11, 0))
	benchRun(b, in, cmpx(logical.OpGtEq, in.ref(0), lit(num64(5), logical.Decimal(3, 2))))
}

// l_shipdate <= DATE '1998-09-02' (Q1).
func BenchmarkCompareDateLiteral(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	vals := make([]arrow.Date32, benchRows)
	for i := range vals {
		vals[i] = arrow.Date32(8000 + rng.Intn(2500))
	}
	in := newInput(newFixed(logical.Date, vals, nil))
	benchRun(b, in, cmpx(logical.OpLtEq, in.ref(0), lit(arrow.Date32(10471), logical.Date)))
}

func BenchmarkAndFilter(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	vals := make([]arrow.Date32, benchRows)
	for i := range vals {
		vals[i] = arrow.Date32(8000 + rng.Intn(2500))
	}
	in := newInput(newFixed(logical.Date, vals, nil))
	e := bin(logical.OpAnd,
		cmpx(logical.OpGtEq, in.ref(0), lit(arrow.Date32(8766), logical.Date)),
		cmpx(logical.OpLt, in.ref(0), lit(arrow.Date32(9131), logical.Date)), logical.Bool)
	benchRun(b, in, e)
}

func benchStrings(words []string) arrow.Array {
	rng := rand.New(rand.NewSource(1))
	sb := newStringBuilder(benchRows, benchRows*40)
	for i := 0; i < benchRows; i++ {
		s := ""
		for j := 0; j < 5; j++ {
			s += words[rng.Intn(len(words))] + " "
		}
		sb.appendString(s)
	}
	a, _ := sb.finish(nil)
	return a
}

var commentWords = []string{"special", "requests", "furiously", "ironic", "deposits", "carefully", "final", "packages", "green", "forest", "PROMO", "BRASS"}

func BenchmarkLike(b *testing.B) {
	in := newInput(benchStrings(commentWords))
	for _, p := range []string{"PROMO%", "%BRASS", "%green%", "%special%requests%", "%sp_cial%"} {
		b.Run(p, func(b *testing.B) {
			benchRun(b, in, &logical.LikeExpr{Input: in.ref(0), Pattern: lit(p, logical.String), Escape: '\\'})
		})
	}
}

func BenchmarkInListStrings(b *testing.B) {
	in := newInput(benchStrings([]string{"MAIL", "SHIP", "AIR", "RAIL", "TRUCK", "FOB", "REG AIR"}))
	items := []logical.Expr{lit("MAIL AIR RAIL SHIP TRUCK ", logical.String), lit("SHIP", logical.String)}
	benchRun(b, in, &logical.InListExpr{Input: in.ref(0), List: items})
}

func BenchmarkSubstring(b *testing.B) {
	in := newInput(benchStrings([]string{"13-555-1234", "31-123-4567"}))
	benchRun(b, in, fn("substring", logical.String, in.ref(0), lit(1, logical.Int64), lit(2, logical.Int64)))
}

func BenchmarkExtractYear(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	vals := make([]arrow.Date32, benchRows)
	for i := range vals {
		vals[i] = arrow.Date32(8000 + rng.Intn(2500))
	}
	in := newInput(newFixed(logical.Date, vals, nil))
	benchRun(b, in, fn("extract_year", logical.Int64, in.ref(0)))
}

func BenchmarkCaseWhen(b *testing.B) {
	in := newInput(benchStrings([]string{"BRAZIL", "PERU"}), benchDecimals(31, 4, 0, 100000000, 0))
	e := &logical.CaseExpr{
		Whens: []logical.Expr{&logical.LikeExpr{Input: in.ref(0), Pattern: lit("BRAZIL%", logical.String), Escape: '\\'}},
		Thens: []logical.Expr{in.ref(1)},
		Else:  lit(num64(0), logical.Decimal(31, 4)),
		Typ:   logical.Decimal(31, 4),
	}
	benchRun(b, in, e)
}
