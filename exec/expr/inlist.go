package expr

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// inSetExpr is "x [NOT] IN (literals...)": the literals are put in a hash
// set (or a short slice, faster than hashing for a handful of items) once at
// compile time. SQL NULL rules: no match and (x NULL or a NULL in the list)
// gives NULL; NOT IN negates with the same NULLs.
type inSetExpr struct {
	input   Expr
	items   []any // for String()
	negated bool
	hasNull bool
	set     inSet
}

// inSet tests membership of every row of an array, writing one bit per row.
type inSet interface {
	probe(a arrow.Array, out []byte) error
}

func (e *inSetExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *inSetExpr) String() string {
	parts := make([]string, len(e.items))
	for i, v := range e.items {
		parts[i] = logical.FormatValue(v, e.input.DataType())
	}
	not := ""
	if e.negated {
		not = "NOT "
	}
	return fmt.Sprintf("(%s %sIN (%s))", e.input, not, strings.Join(parts, ", "))
}

func (c *compiler) compileInList(x *logical.InListExpr) (Expr, error) {
	in, err := c.compile(x.Input)
	if err != nil {
		return nil, err
	}
	items, err := c.compileAll(x.List)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return NewLiteral(x.Negated, logical.Bool), nil
	}
	// The common type: the binder normally made all sides equal already.
	t := in.DataType()
	for _, it := range items {
		if t, err = commonCompareType(t, it.DataType()); err != nil {
			return nil, fmt.Errorf("IN list: %w", err)
		}
	}
	if it := in.DataType(); logical.IsInteger(it) && logical.IsInteger(t) && literalsFit(items, it) {
		// Probe the column in its own width rather than widening every row.
		t = it
	}
	allLiteral := true
	for _, it := range items {
		if _, ok := literalOf(it); !ok {
			allLiteral = false
		}
	}
	if !allLiteral || isNullLiteral(in) {
		return inAsDisjunction(in, items, x.Negated)
	}
	if logical.IsDecimal(t) {
		// Compare at the widest scale of all sides.
		scale := int32(0)
		for _, s := range append([]Expr{in}, items...) {
			if d, ok := s.DataType().(*arrow.Decimal128Type); ok {
				scale = max(scale, d.Scale)
			}
		}
		t = logical.Decimal(38, scale)
		if d, ok := in.DataType().(*arrow.Decimal128Type); ok && d.Scale == scale {
			t = d // probe the column as it is; only the literals are rescaled
		}
	}
	if in, err = castTo(in, t); err != nil {
		return nil, err
	}
	e := &inSetExpr{input: in, negated: x.Negated}
	var vals []any
	for _, it := range items {
		v, _ := literalOf(it)
		if v == nil {
			e.hasNull = true
			continue
		}
		if v, err = castScalar(v, it.DataType(), t); err != nil {
			return nil, fmt.Errorf("IN list item %s: %w", it, err)
		}
		if v == nil {
			e.hasNull = true
			continue
		}
		vals = append(vals, v)
	}
	e.items = vals
	switch t.ID() {
	case arrow.INT64:
		e.set = newPrimSet[int64](vals, func(v any) int64 { return v.(int64) })
	case arrow.INT32:
		e.set = newPrimSet[int32](vals, func(v any) int32 { return int32(v.(int64)) })
	case arrow.INT16:
		e.set = newPrimSet[int16](vals, func(v any) int16 { return int16(v.(int64)) })
	case arrow.INT8:
		e.set = newPrimSet[int8](vals, func(v any) int8 { return int8(v.(int64)) })
	case arrow.FLOAT64:
		e.set = newPrimSet[float64](vals, func(v any) float64 { return v.(float64) })
	case arrow.DATE32:
		e.set = newPrimSet[arrow.Date32](vals, func(v any) arrow.Date32 { return v.(arrow.Date32) })
	case arrow.TIMESTAMP:
		e.set = newPrimSet[arrow.Timestamp](vals, func(v any) arrow.Timestamp { return v.(arrow.Timestamp) })
	case arrow.DECIMAL128:
		e.set = newPrimSet[num](vals, func(v any) num { return v.(num) })
	case arrow.STRING:
		s := &stringSet{set: make(map[string]struct{}, len(vals))}
		for _, v := range vals {
			s.set[v.(string)] = struct{}{}
			s.list = append(s.list, []byte(v.(string)))
		}
		e.set = s
	case arrow.BOOL:
		s := &boolSet{}
		for _, v := range vals {
			if v.(bool) {
				s.hasTrue = true
			} else {
				s.hasFalse = true
			}
		}
		e.set = s
	default:
		return inAsDisjunction(in, items, x.Negated)
	}
	return e, nil
}

// literalsFit reports whether every item is an integer literal (or NULL)
// within the range of integer type t.
func literalsFit(items []Expr, t arrow.DataType) bool {
	lo, hi := intRange(t)
	for _, it := range items {
		v, ok := literalOf(it)
		if !ok {
			return false
		}
		if v == nil {
			continue
		}
		x, ok := v.(int64)
		if !ok || x < lo || x > hi {
			return false
		}
	}
	return true
}

// inAsDisjunction is the general form: x = a OR x = b ..., which has exactly
// the IN NULL semantics under three-valued logic.
func inAsDisjunction(in Expr, items []Expr, negated bool) (Expr, error) {
	var or Expr
	for _, it := range items {
		eq, err := newCompare(logical.OpEq, in, it)
		if err != nil {
			return nil, err
		}
		if or == nil {
			or = eq
		} else if or, err = newLogic(logical.OpOr, or, eq); err != nil {
			return nil, err
		}
	}
	if negated {
		return &notExpr{input: or}, nil
	}
	return or, nil
}

func (e *inSetExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := evalChild(e.input, b)
	if err != nil {
		return nil, err
	}
	n := a.Len()
	out := make([]byte, bitmapLen(n))
	if err := e.set.probe(a, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	valid := validity(a)
	if e.hasNull {
		// A non-matching row is NULL, not false.
		valid = andValidity(n, valid)
		if valid == nil {
			valid = make([]byte, len(out))
			copy(valid, out)
		} else {
			for i := range valid {
				valid[i] &= out[i]
			}
		}
	} else {
		valid = cloneBitmap(valid)
	}
	if e.negated {
		for i := range out {
			out[i] = ^out[i]
		}
	}
	return newBool(n, out, valid), nil
}

// linearMax is the list size up to which a linear scan beats a map lookup.
const linearMax = 8

type primSet[T comparable] struct {
	list []T
	set  map[T]struct{}
}

func newPrimSet[T comparable](vals []any, conv func(any) T) *primSet[T] {
	s := &primSet[T]{}
	for _, v := range vals {
		s.list = append(s.list, conv(v))
	}
	if len(s.list) > linearMax {
		s.set = make(map[T]struct{}, len(s.list))
		for _, v := range s.list {
			s.set[v] = struct{}{}
		}
	}
	return s
}

func (s *primSet[T]) probe(a arrow.Array, out []byte) error {
	vals, ok := primValues[T](a)
	if !ok {
		return fmt.Errorf("IN list of a different type than %s", a.DataType())
	}
	if s.set != nil {
		for i, v := range vals {
			_, hit := s.set[v]
			out[i>>3] |= b2u8(hit) << uint(i&7)
		}
		return nil
	}
	for i, v := range vals {
		hit := false
		for _, w := range s.list {
			hit = hit || v == w
		}
		out[i>>3] |= b2u8(hit) << uint(i&7)
	}
	return nil
}

type stringSet struct {
	list [][]byte
	set  map[string]struct{}
}

func (s *stringSet) probe(a arrow.Array, out []byte) error {
	sa, ok := a.(*array.String)
	if !ok {
		return fmt.Errorf("IN list of strings probed with %s", a.DataType())
	}
	offs, data := stringData(sa)
	linear := len(s.list) <= linearMax
	for i := 0; i < len(offs)-1; i++ {
		v := data[offs[i]:offs[i+1]]
		hit := false
		if linear {
			for _, w := range s.list {
				if len(w) == len(v) && string(w) == string(v) {
					hit = true
					break
				}
			}
		} else {
			_, hit = s.set[string(v)] // no allocation: the compiler special-cases this lookup
		}
		out[i>>3] |= b2u8(hit) << uint(i&7)
	}
	return nil
}

type boolSet struct{ hasTrue, hasFalse bool }

func (s *boolSet) probe(a arrow.Array, out []byte) error {
	ba, ok := a.(*array.Boolean)
	if !ok {
		return fmt.Errorf("IN list of booleans probed with %s", a.DataType())
	}
	for i := 0; i < ba.Len(); i++ {
		v := ba.Value(i)
		out[i>>3] |= b2u8((v && s.hasTrue) || (!v && s.hasFalse)) << uint(i&7)
	}
	return nil
}
