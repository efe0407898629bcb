package sql

import (
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/logical"
)

// The binder folds the constant arithmetic that TPC-H-style predicates are
// written with (1 + 10, 0.06 - 0.01, DATE '1998-12-01' - INTERVAL '90' DAY)
// so that comparisons see literals: literal operands keep their exact digits
// in the typing rules, and scans can prune with literal bounds. Folding is
// exact or it does not happen.

// foldArithmetic returns the literal value of l op r when both are literals
// and the result is exact (+ - * on BIGINT without overflow, on DECIMAL when
// the value fits the result type); otherwise e unchanged.
func foldArithmetic(e *logical.BinaryExpr) logical.Expr {
	l, lok := e.Left.(*logical.Literal)
	r, rok := e.Right.(*logical.Literal)
	if !lok || !rok || l.Value == nil || r.Value == nil {
		return e
	}
	if e.Op != logical.OpAdd && e.Op != logical.OpSub && e.Op != logical.OpMul {
		return e
	}
	switch lv := l.Value.(type) {
	case int64:
		rv, ok := r.Value.(int64)
		if !ok || !logical.IsInteger(e.Typ) {
			return e
		}
		res := apply(e.Op, big.NewInt(lv), big.NewInt(rv))
		if !res.IsInt64() {
			return e
		}
		return &logical.Literal{Value: res.Int64(), Typ: e.Typ}
	case decimal128.Num:
		rv, ok := r.Value.(decimal128.Num)
		if !ok || !logical.IsDecimal(e.Typ) {
			return e
		}
		_, ls := decimalParams(l.Typ)
		_, rs := decimalParams(r.Typ)
		p, s := decimalParams(e.Typ)
		a, b := lv.BigInt(), rv.BigInt()
		var res *big.Int
		if e.Op == logical.OpMul {
			res = apply(e.Op, a, b)
			res = rescaleBig(res, ls+rs, s)
		} else {
			res = apply(e.Op, rescaleBig(a, ls, s), rescaleBig(b, rs, s))
		}
		if new(big.Int).Abs(res).Cmp(pow10(p)) >= 0 {
			return e
		}
		return &logical.Literal{Value: decimal128.FromBigInt(res), Typ: e.Typ}
	}
	return e
}

func apply(op logical.BinaryOp, a, b *big.Int) *big.Int {
	switch op {
	case logical.OpAdd:
		return new(big.Int).Add(a, b)
	case logical.OpSub:
		return new(big.Int).Sub(a, b)
	}
	return new(big.Int).Mul(a, b)
}

// foldDateArith computes date_add/date_sub of a literal date or timestamp
// and an interval literal with MySQL semantics: months are added first and
// the day is clamped to the end of the month (2020-01-31 + 1 month =
// 2020-02-29), then days, then nanoseconds.
func foldDateArith(fn string, d logical.Expr, iv *logical.Literal, typ arrow.DataType) logical.Expr {
	call := &logical.FuncCall{Name: fn, Args: []logical.Expr{d, iv}, Typ: typ}
	lit, ok := d.(*logical.Literal)
	if !ok || lit.Value == nil {
		return call
	}
	interval := iv.Value.(arrow.MonthDayNanoInterval)
	sign := int64(1)
	if fn == "date_sub" {
		sign = -1
	}
	var t time.Time
	switch v := lit.Value.(type) {
	case arrow.Date32:
		t = v.ToTime()
	case arrow.Timestamp:
		t = v.ToTime(arrow.Microsecond)
	default:
		return call
	}
	t = addMonthsClamped(t, int(sign)*int(interval.Months))
	t = t.AddDate(0, 0, int(sign)*int(interval.Days))
	t = t.Add(time.Duration(sign * interval.Nanoseconds))
	if t.Year() < 1 || t.Year() > 9999 {
		return call
	}
	if typ.ID() == arrow.DATE32 {
		return &logical.Literal{Value: arrow.Date32FromTime(t), Typ: typ}
	}
	return &logical.Literal{Value: arrow.Timestamp(t.UnixMicro()), Typ: typ}
}

// addMonthsClamped adds months, clamping the day to the target month's length.
func addMonthsClamped(t time.Time, months int) time.Time {
	if months == 0 {
		return t
	}
	total := t.Year()*12 + int(t.Month()) - 1 + months
	year, month := total/12, time.Month(total%12+1)
	if total < 0 {
		return t // out of range; caller checks the year
	}
	lastDay := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	day := min(t.Day(), lastDay)
	return time.Date(year, month, day, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
