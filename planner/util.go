package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
)

// pruningPredicate turns a scan filter of the form "column op literal" (or
// IS [NOT] NULL, or IN with literals) into a catalog.Predicate that the
// source can test against its min/max statistics. Anything else is still
// evaluated row by row; it just does not prune.
func pruningPredicate(f logical.Expr, scan *logical.Scan) (catalog.Predicate, bool) {
	ordinal := func(e logical.Expr) (int, arrow.DataType, bool) {
		// The binder widens every integer column to BIGINT where it meets a
		// comparison (p_size = 15 is CAST(p_size AS BIGINT) = 15). Widening
		// is exact and keeps the order, and integer statistics are int64
		// whatever the width, so the cast does not stop pruning.
		if c, ok := e.(*logical.CastExpr); ok && isWideningIntCast(c) {
			e = c.Input
		}
		ref, ok := e.(*logical.ColumnRef)
		if !ok {
			return 0, nil, false
		}
		for i, c := range scan.Columns {
			if c.ID == ref.ID {
				return scan.Ordinals[i], c.Type, true
			}
		}
		return 0, nil, false
	}
	switch e := f.(type) {
	case *logical.BinaryExpr:
		ops := map[logical.BinaryOp]catalog.PredicateOp{
			logical.OpEq: catalog.PredEq, logical.OpLt: catalog.PredLt, logical.OpLtEq: catalog.PredLtEq,
			logical.OpGt: catalog.PredGt, logical.OpGtEq: catalog.PredGtEq,
		}
		op, ok := ops[e.Op]
		if !ok {
			return catalog.Predicate{}, false
		}
		col, lit := e.Left, e.Right
		if _, isLit := col.(*logical.Literal); isLit {
			col, lit = lit, col
			op = commute(op)
		}
		ord, t, ok := ordinal(col)
		if !ok {
			return catalog.Predicate{}, false
		}
		l, ok := lit.(*logical.Literal)
		if !ok || l.Value == nil {
			return catalog.Predicate{}, false
		}
		v, ok := statValue(l, t)
		if !ok {
			return catalog.Predicate{}, false
		}
		return catalog.Predicate{Column: ord, Op: op, Value: v}, true
	case *logical.UnaryExpr:
		ord, _, ok := ordinal(e.Input)
		if !ok {
			return catalog.Predicate{}, false
		}
		switch e.Op {
		case logical.OpIsNull:
			return catalog.Predicate{Column: ord, Op: catalog.PredIsNull}, true
		case logical.OpIsNotNull:
			return catalog.Predicate{Column: ord, Op: catalog.PredIsNotNull}, true
		}
	case *logical.InListExpr:
		if e.Negated {
			return catalog.Predicate{}, false
		}
		ord, t, ok := ordinal(e.Input)
		if !ok {
			return catalog.Predicate{}, false
		}
		vals := make([]any, 0, len(e.List))
		for _, item := range e.List {
			l, ok := item.(*logical.Literal)
			if !ok || l.Value == nil {
				return catalog.Predicate{}, false
			}
			v, ok := statValue(l, t)
			if !ok {
				return catalog.Predicate{}, false
			}
			vals = append(vals, v)
		}
		return catalog.Predicate{Column: ord, Op: catalog.PredIn, Values: vals}, true
	}
	return catalog.Predicate{}, false
}

// isWideningIntCast reports whether c converts an integer that fits in
// BIGINT exactly (any signed width, unsigned up to 32 bits) to BIGINT.
func isWideningIntCast(c *logical.CastExpr) bool {
	if c.Typ.ID() != arrow.INT64 {
		return false
	}
	switch c.Input.Type().ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return true
	}
	return false
}

func commute(op catalog.PredicateOp) catalog.PredicateOp {
	switch op {
	case catalog.PredLt:
		return catalog.PredGt
	case catalog.PredLtEq:
		return catalog.PredGtEq
	case catalog.PredGt:
		return catalog.PredLt
	case catalog.PredGtEq:
		return catalog.PredLtEq
	}
	return op
}

// statValue converts a literal to the value convention of the column's
// statistics: the same Go type, and decimals at the column's scale. It
// refuses conversions that would not be exact.
func statValue(l *logical.Literal, colType arrow.DataType) (any, bool) {
	if logical.IsDecimal(colType) {
		d, ok := l.Value.(decimal128.Num)
		if !ok || !logical.IsDecimal(l.Typ) {
			return nil, false
		}
		from, to := decimalScale(l.Typ), decimalScale(colType)
		switch {
		case from == to:
			return d, true
		case from < to:
			return d.IncreaseScaleBy(to - from), true
		default:
			r := d.ReduceScaleBy(from-to, false)
			if r.IncreaseScaleBy(from-to) != d {
				return nil, false
			}
			return r, true
		}
	}
	if !arrowTypesEqual(l.Typ, colType) && !(logical.IsInteger(l.Typ) && logical.IsInteger(colType)) {
		return nil, false
	}
	return l.Value, true
}

func arrowTypesEqual(a, b arrow.DataType) bool { return arrow.TypeEqual(a, b) }

func decimalScale(t arrow.DataType) int32 {
	if d, ok := t.(arrow.DecimalType); ok {
		return d.GetScale()
	}
	return 0
}

func castTo(e logical.Expr, t arrow.DataType) logical.Expr {
	if arrow.TypeEqual(e.Type(), t) {
		return e
	}
	return &logical.CastExpr{Input: e, Typ: t}
}

func concatArrays(parts []arrow.Array) (arrow.Array, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}

func newBatch(schema *arrow.Schema, cols []arrow.Array, rows int64) arrow.RecordBatch {
	return array.NewRecordBatch(schema, cols, rows)
}
