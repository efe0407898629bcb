package datasource

import (
	"math/big"
	"strings"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// rowGroupMayMatch reports whether a row group can hold a row satisfying all
// predicates, given its per-column ranges. It answers true whenever the
// statistics do not prove otherwise (unknown stats, mismatched value types).
func rowGroupMayMatch(ranges []columnRange, rows int64, cols []parquetColumn, preds []catalog.Predicate) bool {
	for _, p := range preds {
		if !rangeMayMatch(ranges[p.Column], rows, cols[p.Column].scale, p) {
			return false
		}
	}
	return true
}

func rangeMayMatch(r columnRange, rows int64, scale int32, p catalog.Predicate) bool {
	allNull := r.nulls >= 0 && r.nulls == rows
	switch p.Op {
	case catalog.PredIsNull:
		return r.nulls != 0
	case catalog.PredIsNotNull:
		return !allNull
	}
	if allNull {
		return false // a comparison with NULL is never true
	}
	if r.min == nil || r.max == nil {
		return true
	}
	switch p.Op {
	case catalog.PredIn:
		for _, v := range p.Values {
			if v == nil {
				continue
			}
			if valueMayBeIn(v, r, scale) {
				return true
			}
		}
		return false
	case catalog.PredEq:
		if p.Value == nil {
			return true
		}
		return valueMayBeIn(p.Value, r, scale)
	}
	if p.Value == nil {
		return true
	}
	switch p.Op {
	case catalog.PredLt: // some x < v  <=>  min < v
		c, ok := compareValues(r.min, p.Value, scale)
		return !ok || c < 0
	case catalog.PredLtEq:
		c, ok := compareValues(r.min, p.Value, scale)
		return !ok || c <= 0
	case catalog.PredGt: // some x > v  <=>  max > v
		c, ok := compareValues(r.max, p.Value, scale)
		return !ok || c > 0
	case catalog.PredGtEq:
		c, ok := compareValues(r.max, p.Value, scale)
		return !ok || c >= 0
	}
	return true
}

// valueMayBeIn reports whether min <= v <= max might hold.
func valueMayBeIn(v any, r columnRange, scale int32) bool {
	if c, ok := compareValues(v, r.min, scale); ok && c < 0 {
		return false
	}
	if c, ok := compareValues(v, r.max, scale); ok && c > 0 {
		return false
	}
	return true
}

// compareValues orders two logical values of a column with decimal scale
// scale. ok is false when the values are not comparable (then no pruning
// decision may rest on the answer). Integers compare with decimals at the
// column's scale and with floats numerically; strings compare bytewise.
func compareValues(a, b any, scale int32) (c int, ok bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp3(x, y), true
		case float64:
			return cmpFloat(float64(x), y), true
		case decimal128.Num:
			return cmpDecimal(scaleInt(x, scale), y), true
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmpFloat(x, y), true
		case int64:
			return cmpFloat(x, float64(y)), true
		case decimal128.Num:
			return cmpFloat(x, y.ToFloat64(scale)), true
		}
	case decimal128.Num:
		switch y := b.(type) {
		case decimal128.Num:
			return cmpDecimal(x, y), true
		case int64:
			return cmpDecimal(x, scaleInt(y, scale)), true
		case float64:
			return cmpFloat(x.ToFloat64(scale), y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case arrow.Date32:
		switch y := b.(type) {
		case arrow.Date32:
			return cmp3(x, y), true
		case arrow.Timestamp:
			return cmp3(int64(x)*86_400_000_000, int64(y)), true
		}
	case arrow.Timestamp:
		switch y := b.(type) {
		case arrow.Timestamp:
			return cmp3(x, y), true
		case arrow.Date32:
			return cmp3(int64(x), int64(y)*86_400_000_000), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, true
			case !x:
				return -1, true
			}
			return 1, true
		}
	}
	return 0, false
}

func cmp3[T int64 | arrow.Date32 | arrow.Timestamp](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpDecimal(a, b decimal128.Num) int {
	return a.Cmp(b)
}

// scaleInt converts an integer to an unscaled decimal at scale, exactly.
func scaleInt(v int64, scale int32) decimal128.Num {
	n := decimal128.FromI64(v)
	if scale <= 0 {
		return n
	}
	bi := n.BigInt()
	bi.Mul(bi, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	return decimal128.FromBigInt(bi)
}
