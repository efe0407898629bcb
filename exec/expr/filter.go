package expr

import (
	"fmt"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Filter evaluates a BOOLEAN expression as a row selection: NULL counts as
// false. It implements catalog.Filter for scans.
type Filter struct {
	expr Expr
	cols []int
}

var _ catalog.Filter = (*Filter)(nil)

// NewFilter returns a filter over predicate e; filterColumns are the
// positions (in the scanned batch) of the columns e reads.
func NewFilter(e Expr, filterColumns []int) catalog.Filter {
	return &Filter{expr: e, cols: filterColumns}
}

// FilterColumns returns the positions given to NewFilter.
func (f *Filter) FilterColumns() []int { return f.cols }

// Expr returns the predicate.
func (f *Filter) Expr() Expr { return f.expr }

func (f *Filter) String() string { return f.expr.String() }

// Mask returns a Boolean array without nulls: true where the predicate is TRUE.
func (f *Filter) Mask(batch arrow.RecordBatch) (arrow.Array, error) {
	return Mask(f.expr, batch)
}

// Mask evaluates a predicate and returns it as a Boolean array without
// nulls, NULL mapped to false.
func Mask(e Expr, batch arrow.RecordBatch) (arrow.Array, error) {
	a, err := e.Eval(batch)
	if err != nil {
		return nil, err
	}
	n := int(batch.NumRows())
	switch x := a.(type) {
	case *array.Boolean:
		if x.Len() != n {
			return nil, fmt.Errorf("filter %s returned %d rows for a batch of %d", e, x.Len(), n)
		}
		valid := validity(x)
		if valid == nil && x.Data().Offset() == 0 {
			return x, nil
		}
		vals := boolBits(x)
		out := make([]byte, len(vals))
		copy(out, vals)
		if valid != nil {
			for i := range out {
				out[i] &= valid[i]
			}
		}
		return newBool(n, out, nil), nil
	case *array.Null:
		return newBool(n, make([]byte, bitmapLen(n)), nil), nil
	}
	return nil, fmt.Errorf("filter %s is %s, not BOOLEAN", e, a.DataType())
}
