package expr

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// compareExpr is a comparison. When one side is a literal it is always the
// right one (the compiler commutes the operator), and its value is kept as a
// Go scalar of the operand's physical type.
type compareExpr struct {
	op          logical.BinaryOp
	left, right Expr
	scalar      any // the right literal's value, converted; nil when right is not a literal
	// For decimals: both sides are compared at scale `scale`; a column side
	// with a smaller scale is rescaled per batch.
	scale int32
}

func (e *compareExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *compareExpr) String() string {
	return fmt.Sprintf("(%s %s %s)", e.left, e.op, e.right)
}

// commonCompareType picks the type both sides of a comparison are converted
// to when the binder left them different.
func commonCompareType(l, r arrow.DataType) (arrow.DataType, error) {
	switch {
	case arrow.TypeEqual(l, r):
		return l, nil
	case logical.IsDecimal(l) && logical.IsDecimal(r):
		return l, nil // scales are reconciled by the kernel
	case logical.IsNull(l):
		return r, nil
	case logical.IsNull(r):
		return l, nil
	case logical.IsInteger(l) && logical.IsInteger(r):
		return arrow.PrimitiveTypes.Int64, nil
	case logical.IsFloat(l) && logical.IsNumeric(r), logical.IsFloat(r) && logical.IsNumeric(l):
		return arrow.PrimitiveTypes.Float64, nil
	case logical.IsDecimal(l) && logical.IsInteger(r):
		return l, nil
	case logical.IsInteger(l) && logical.IsDecimal(r):
		return r, nil
	case logical.IsTemporal(l) && logical.IsTemporal(r):
		return logical.Timestamp, nil
	case logical.IsTemporal(l) && logical.IsString(r):
		return l, nil
	case logical.IsString(l) && logical.IsTemporal(r):
		return r, nil
	}
	return nil, fmt.Errorf("cannot compare %s with %s", logical.TypeName(l), logical.TypeName(r))
}

// alignOperand converts a comparison operand to the common type; integer
// operands of a decimal comparison become DECIMAL(19,0).
func alignOperand(e Expr, t arrow.DataType) (Expr, error) {
	if logical.IsDecimal(t) {
		if logical.IsDecimal(e.DataType()) {
			return e, nil
		}
		return castTo(e, logical.Decimal(19, 0))
	}
	return castTo(e, t)
}

func newCompare(op logical.BinaryOp, l, r Expr) (Expr, error) {
	if op == logical.OpNullSafeEq {
		switch {
		case isNullLiteral(l) && isNullLiteral(r):
			return NewLiteral(true, logical.Bool), nil
		case isNullLiteral(r):
			return &isNullExpr{input: l, op: logical.OpIsNull}, nil
		case isNullLiteral(l):
			return &isNullExpr{input: r, op: logical.OpIsNull}, nil
		}
	} else if isNullLiteral(l) || isNullLiteral(r) {
		return NewLiteral(nil, logical.Bool), nil
	}
	t, err := commonCompareType(l.DataType(), r.DataType())
	if err != nil {
		return nil, err
	}
	if l, err = alignOperand(l, t); err != nil {
		return nil, err
	}
	if r, err = alignOperand(r, t); err != nil {
		return nil, err
	}
	if _, lok := literalOf(l); lok {
		if _, rok := literalOf(r); !rok {
			l, r, op = r, l, op.Commute()
		}
	}
	e := &compareExpr{op: op, left: l, right: r}
	if lt, ok := l.DataType().(*arrow.Decimal128Type); ok {
		rt := r.DataType().(*arrow.Decimal128Type)
		e.scale = max(lt.Scale, rt.Scale)
	}
	if v, ok := literalOf(r); ok {
		s, err := compareScalar(v, r.DataType(), e.scale)
		if err != nil {
			return nil, err
		}
		e.scalar = s
	}
	return e, nil
}

// compareScalar converts a literal to the Go type the kernels compare with.
func compareScalar(v any, t arrow.DataType, scale int32) (any, error) {
	switch x := v.(type) {
	case string:
		return []byte(x), nil
	case int64:
		switch t.ID() {
		case arrow.INT8:
			return int8(x), nil
		case arrow.INT16:
			return int16(x), nil
		case arrow.INT32:
			return int32(x), nil
		}
	case float64:
		if t.ID() == arrow.FLOAT32 {
			return float32(x), nil
		}
	case num:
		d, ok := rescale(x, t.(*arrow.Decimal128Type).Scale, scale)
		if !ok {
			return nil, fmt.Errorf("decimal overflow in comparison with %s", logical.FormatValue(v, t))
		}
		return d, nil
	}
	return v, nil
}

func (e *compareExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	la, err := evalChild(e.left, b)
	if err != nil {
		return nil, err
	}
	var ra arrow.Array
	if e.scalar == nil {
		if ra, err = evalChild(e.right, b); err != nil {
			return nil, err
		}
	}
	out := make([]byte, bitmapLen(n))
	lv := validity(la)
	var rv []byte
	if ra != nil {
		rv = validity(ra)
	}
	if err := compareArrays(e.op, la, ra, e.scalar, e.scale, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	if e.op == logical.OpNullSafeEq {
		// NULL <=> NULL is true, NULL <=> x is false: never NULL.
		if lv != nil || rv != nil {
			for i := 0; i < n; i++ {
				lok, rok := isValid(lv, i), isValid(rv, i)
				if !lok || !rok {
					if lok == rok {
						setBit(out, i)
					} else {
						clearBit(out, i)
					}
				}
			}
		}
		return newBool(n, out, nil), nil
	}
	return newBool(n, out, andValidity(n, lv, rv)), nil
}

// cmpTable maps the sign of a three-way comparison (+1) to the result bit.
func cmpTable(op logical.BinaryOp) [3]byte {
	switch op {
	case logical.OpEq, logical.OpNullSafeEq:
		return [3]byte{0, 1, 0}
	case logical.OpNotEq:
		return [3]byte{1, 0, 1}
	case logical.OpLt:
		return [3]byte{1, 0, 0}
	case logical.OpLtEq:
		return [3]byte{1, 1, 0}
	case logical.OpGt:
		return [3]byte{0, 0, 1}
	}
	return [3]byte{0, 1, 1} // OpGtEq
}

// compareArrays writes op(l[i], r[i]) (or op(l[i], scalar) when r is nil)
// into out. Values under NULL slots are computed but meaningless.
func compareArrays(op logical.BinaryOp, l, r arrow.Array, scalar any, scale int32, out []byte) error {
	switch la := l.(type) {
	case *array.Int64:
		return cmpPrim(op, la.Int64Values(), r, scalar, out)
	case *array.Int32:
		return cmpPrim(op, la.Int32Values(), r, scalar, out)
	case *array.Int16:
		return cmpPrim(op, la.Int16Values(), r, scalar, out)
	case *array.Int8:
		return cmpPrim(op, la.Int8Values(), r, scalar, out)
	case *array.Float64:
		return cmpPrim(op, la.Float64Values(), r, scalar, out)
	case *array.Float32:
		return cmpPrim(op, la.Float32Values(), r, scalar, out)
	case *array.Date32:
		return cmpPrim(op, la.Date32Values(), r, scalar, out)
	case *array.Timestamp:
		return cmpPrim(op, la.TimestampValues(), r, scalar, out)
	case *array.Decimal128:
		lvals, err := decValuesAt(la, scale)
		if err != nil {
			return err
		}
		if r == nil {
			cmpDecScalar(op, lvals, scalar.(num), out)
			return nil
		}
		rvals, err := decValuesAt(r.(*array.Decimal128), scale)
		if err != nil {
			return err
		}
		tbl := cmpTable(op)
		for i, v := range lvals {
			out[i>>3] |= tbl[cmp128(v, rvals[i])+1] << uint(i&7)
		}
		return nil
	case *array.String:
		offs, data := stringData(la)
		if r == nil {
			cmpStringScalar(op, offs, data, scalar.([]byte), out)
			return nil
		}
		roffs, rdata := stringData(r.(*array.String))
		tbl := cmpTable(op)
		for i := 0; i < len(offs)-1; i++ {
			c := bytes.Compare(data[offs[i]:offs[i+1]], rdata[roffs[i]:roffs[i+1]])
			out[i>>3] |= tbl[c+1] << uint(i&7)
		}
		return nil
	case *array.Boolean:
		tbl := cmpTable(op)
		for i := 0; i < la.Len(); i++ {
			var rb bool
			if r == nil {
				rb = scalar.(bool)
			} else {
				rb = r.(*array.Boolean).Value(i)
			}
			out[i>>3] |= tbl[boolCmp(la.Value(i), rb)+1] << uint(i&7)
		}
		return nil
	case *array.Null:
		return nil
	}
	return fmt.Errorf("comparison of %s values is not supported", logical.TypeName(l.DataType()))
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// decValuesAt returns the unscaled values of a at the given (larger or
// equal) scale, rescaling a copy when needed.
func decValuesAt(a *array.Decimal128, scale int32) ([]num, error) {
	vals := a.Values()
	from := a.DataType().(*arrow.Decimal128Type).Scale
	if from == scale {
		return vals, nil
	}
	out := make([]num, len(vals))
	valid := validity(a)
	for i, v := range vals {
		d, ok := rescale(v, from, scale)
		if !ok && isValid(valid, i) {
			return nil, fmt.Errorf("decimal overflow in rescaling %s to scale %d", logical.FormatDecimal(v, from), scale)
		}
		out[i] = d
	}
	return out, nil
}

// cmpPrim compares a primitive column with a column or a scalar.
func cmpPrim[T cmp.Ordered](op logical.BinaryOp, l []T, r arrow.Array, scalar any, out []byte) error {
	if r == nil {
		s, ok := scalar.(T)
		if !ok {
			return fmt.Errorf("comparison literal %v (%T) does not match the column type", scalar, scalar)
		}
		cmpPrimScalar(op, l, s, out)
		return nil
	}
	rv, ok := primValues[T](r)
	if !ok {
		return fmt.Errorf("comparison operands have different types: %T and %s", l, r.DataType())
	}
	switch op {
	case logical.OpEq, logical.OpNullSafeEq:
		for i, v := range l {
			out[i>>3] |= b2u8(v == rv[i]) << uint(i&7)
		}
	case logical.OpNotEq:
		for i, v := range l {
			out[i>>3] |= b2u8(v != rv[i]) << uint(i&7)
		}
	case logical.OpLt:
		for i, v := range l {
			out[i>>3] |= b2u8(v < rv[i]) << uint(i&7)
		}
	case logical.OpLtEq:
		for i, v := range l {
			out[i>>3] |= b2u8(v <= rv[i]) << uint(i&7)
		}
	case logical.OpGt:
		for i, v := range l {
			out[i>>3] |= b2u8(v > rv[i]) << uint(i&7)
		}
	case logical.OpGtEq:
		for i, v := range l {
			out[i>>3] |= b2u8(v >= rv[i]) << uint(i&7)
		}
	}
	return nil
}

// cmpPrimScalar is the filter hot path: column against a literal held in a
// register. Only <, > and = have loops (8 rows packed into a byte per
// iteration, branch-free); >=, <= and != are their complements.
func cmpPrimScalar[T cmp.Ordered](op logical.BinaryOp, l []T, s T, out []byte) {
	switch op {
	case logical.OpEq, logical.OpNullSafeEq:
		packEq(l, s, out)
	case logical.OpNotEq:
		packEq(l, s, out)
		invertBits(out)
	case logical.OpLt:
		packLt(l, s, out)
	case logical.OpGtEq:
		packLt(l, s, out)
		invertBits(out)
	case logical.OpGt:
		packGt(l, s, out)
	case logical.OpLtEq:
		packGt(l, s, out)
		invertBits(out)
	}
}

func invertBits(b []byte) {
	for i := range b {
		b[i] = ^b[i]
	}
}

func packLt[T cmp.Ordered](l []T, s T, out []byte) {
	n8 := len(l) &^ 7
	for i := 0; i < n8; i += 8 {
		v := l[i : i+8 : i+8]
		out[i>>3] = b2u8(v[0] < s) | b2u8(v[1] < s)<<1 | b2u8(v[2] < s)<<2 | b2u8(v[3] < s)<<3 |
			b2u8(v[4] < s)<<4 | b2u8(v[5] < s)<<5 | b2u8(v[6] < s)<<6 | b2u8(v[7] < s)<<7
	}
	for i := n8; i < len(l); i++ {
		out[i>>3] |= b2u8(l[i] < s) << uint(i&7)
	}
}

func packGt[T cmp.Ordered](l []T, s T, out []byte) {
	n8 := len(l) &^ 7
	for i := 0; i < n8; i += 8 {
		v := l[i : i+8 : i+8]
		out[i>>3] = b2u8(v[0] > s) | b2u8(v[1] > s)<<1 | b2u8(v[2] > s)<<2 | b2u8(v[3] > s)<<3 |
			b2u8(v[4] > s)<<4 | b2u8(v[5] > s)<<5 | b2u8(v[6] > s)<<6 | b2u8(v[7] > s)<<7
	}
	for i := n8; i < len(l); i++ {
		out[i>>3] |= b2u8(l[i] > s) << uint(i&7)
	}
}

func packEq[T cmp.Ordered](l []T, s T, out []byte) {
	n8 := len(l) &^ 7
	for i := 0; i < n8; i += 8 {
		v := l[i : i+8 : i+8]
		out[i>>3] = b2u8(v[0] == s) | b2u8(v[1] == s)<<1 | b2u8(v[2] == s)<<2 | b2u8(v[3] == s)<<3 |
			b2u8(v[4] == s)<<4 | b2u8(v[5] == s)<<5 | b2u8(v[6] == s)<<6 | b2u8(v[7] == s)<<7
	}
	for i := n8; i < len(l); i++ {
		out[i>>3] |= b2u8(l[i] == s) << uint(i&7)
	}
}

// primValues returns the value slice of a primitive array of Go type T.
func primValues[T any](a arrow.Array) ([]T, bool) {
	var vals any
	switch x := a.(type) {
	case *array.Int64:
		vals = x.Int64Values()
	case *array.Int32:
		vals = x.Int32Values()
	case *array.Int16:
		vals = x.Int16Values()
	case *array.Int8:
		vals = x.Int8Values()
	case *array.Float64:
		vals = x.Float64Values()
	case *array.Float32:
		vals = x.Float32Values()
	case *array.Date32:
		vals = x.Date32Values()
	case *array.Timestamp:
		vals = x.TimestampValues()
	case *array.Decimal128:
		vals = x.Values()
	}
	v, ok := vals.([]T)
	return v, ok
}

// ltDec is a < b on two's-complement 128-bit values; small enough to inline.
func ltDec(a, b num) bool {
	return a.HighBits() < b.HighBits() || (a.HighBits() == b.HighBits() && a.LowBits() < b.LowBits())
}

func cmpDecScalar(op logical.BinaryOp, l []num, s num, out []byte) {
	sh, sl := s.HighBits(), s.LowBits()
	switch op {
	case logical.OpEq, logical.OpNullSafeEq, logical.OpNotEq:
		for i, v := range l {
			out[i>>3] |= b2u8(v.HighBits() == sh && v.LowBits() == sl) << uint(i&7)
		}
		if op == logical.OpNotEq {
			invertBits(out)
		}
	case logical.OpLt, logical.OpGtEq:
		for i, v := range l {
			out[i>>3] |= b2u8(ltDec(v, s)) << uint(i&7)
		}
		if op == logical.OpGtEq {
			invertBits(out)
		}
	default:
		for i, v := range l {
			out[i>>3] |= b2u8(ltDec(s, v)) << uint(i&7)
		}
		if op == logical.OpLtEq {
			invertBits(out)
		}
	}
}

func cmpStringScalar(op logical.BinaryOp, offs []int32, data, s []byte, out []byte) {
	n := len(offs) - 1
	switch op {
	case logical.OpEq, logical.OpNullSafeEq, logical.OpNotEq:
		want := b2u8(op != logical.OpNotEq)
		ls := int32(len(s))
		for i := 0; i < n; i++ {
			lo, hi := offs[i], offs[i+1]
			eq := hi-lo == ls && string(data[lo:hi]) == string(s)
			out[i>>3] |= (b2u8(eq) ^ want ^ 1) << uint(i&7)
		}
	default:
		tbl := cmpTable(op)
		for i := 0; i < n; i++ {
			c := bytes.Compare(data[offs[i]:offs[i+1]], s)
			out[i>>3] |= tbl[c+1] << uint(i&7)
		}
	}
}
