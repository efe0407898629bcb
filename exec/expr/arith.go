package expr

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

type arithKind int

const (
	arithInt arithKind = iota
	arithFloat
	arithDec
)

// arithExpr is + - * / DIV or %. Literal operands are held as scalars
// (int64, float64 or an unscaled decimal already at the compute scale) and
// read through a zero index mask, so one loop serves column-column,
// column-literal and literal-column without materializing the literal.
type arithExpr struct {
	op          logical.BinaryOp
	left, right Expr
	typ         arrow.DataType
	kind        arithKind
	lit         [2]any // scalar operand values (nil: the operand is a column)

	// Decimal scales: ls, rs of the operands as evaluated (a column side is
	// rescaled to cs for + - % DIV); ts is the result scale.
	ls, rs, cs, ts int32
}

var errDivZero = errors.New("division by zero") // internal: turned into NULL

func (e *arithExpr) DataType() arrow.DataType { return e.typ }
func (e *arithExpr) String() string {
	return fmt.Sprintf("(%s %s %s)", e.left, e.op, e.right)
}

func newArith(op logical.BinaryOp, l, r Expr, typ arrow.DataType) (Expr, error) {
	if isNullLiteral(l) || isNullLiteral(r) {
		return NewLiteral(nil, typ), nil
	}
	lt, rt := l.DataType(), r.DataType()
	if rt.ID() == arrow.INTERVAL_MONTH_DAY_NANO && logical.IsTemporal(lt) && (op == logical.OpAdd || op == logical.OpSub) {
		return newDateAdd(l, r, op == logical.OpSub, typ)
	}
	if lt.ID() == arrow.INTERVAL_MONTH_DAY_NANO && logical.IsTemporal(rt) && op == logical.OpAdd {
		return newDateAdd(r, l, false, typ)
	}
	e := &arithExpr{op: op, typ: typ}
	var err error
	switch {
	case logical.IsDecimal(typ):
		e.kind = arithDec
		if l, err = toDecimalOperand(l); err != nil {
			return nil, err
		}
		if r, err = toDecimalOperand(r); err != nil {
			return nil, err
		}
		e.ts = typ.(*arrow.Decimal128Type).Scale
	case logical.IsFloat(typ):
		e.kind = arithFloat
		e.typ = arrow.PrimitiveTypes.Float64
		if l, err = castTo(l, e.typ); err != nil {
			return nil, err
		}
		if r, err = castTo(r, e.typ); err != nil {
			return nil, err
		}
	case logical.IsInteger(typ):
		e.typ = arrow.PrimitiveTypes.Int64
		if op == logical.OpDiv {
			op, e.op = logical.OpIntDiv, logical.OpIntDiv
		}
		switch {
		case op == logical.OpIntDiv && (logical.IsDecimal(lt) || logical.IsDecimal(rt)):
			e.kind = arithDec
			if l, err = toDecimalOperand(l); err != nil {
				return nil, err
			}
			if r, err = toDecimalOperand(r); err != nil {
				return nil, err
			}
		case op == logical.OpIntDiv && (logical.IsFloat(lt) || logical.IsFloat(rt)):
			e.kind = arithFloat
			if l, err = castTo(l, arrow.PrimitiveTypes.Float64); err != nil {
				return nil, err
			}
			if r, err = castTo(r, arrow.PrimitiveTypes.Float64); err != nil {
				return nil, err
			}
		default:
			e.kind = arithInt
			if l, err = castTo(l, e.typ); err != nil {
				return nil, err
			}
			if r, err = castTo(r, e.typ); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("arithmetic %s on %s and %s with result %s is not supported",
			op, logical.TypeName(lt), logical.TypeName(rt), logical.TypeName(typ))
	}
	e.left, e.right = l, r
	if e.kind == arithDec {
		e.ls = l.DataType().(*arrow.Decimal128Type).Scale
		e.rs = r.DataType().(*arrow.Decimal128Type).Scale
		e.cs = max(e.ls, e.rs)
	}
	for i, side := range []Expr{l, r} {
		v, ok := literalOf(side)
		if !ok {
			continue
		}
		if e.kind == arithDec && e.op != logical.OpMul && e.op != logical.OpDiv {
			// Literals are brought to the compute scale once, here.
			from := &e.ls
			if i == 1 {
				from = &e.rs
			}
			d, ok := rescale(v.(num), *from, e.cs)
			if !ok {
				return nil, fmt.Errorf("decimal overflow in %s", side)
			}
			v, *from = d, e.cs
		}
		e.lit[i] = v
	}
	if !arrow.TypeEqual(e.typ, typ) {
		return newCast(e, typ) // e.g. FLOAT or INT results computed in 64 bits
	}
	return e, nil
}

// toDecimalOperand converts an integer operand of decimal arithmetic to
// DECIMAL(19,0) (exact); decimals pass through.
func toDecimalOperand(e Expr) (Expr, error) {
	t := e.DataType()
	switch {
	case logical.IsDecimal(t):
		return e, nil
	case logical.IsInteger(t), t.ID() == arrow.BOOL:
		return castTo(e, logical.Decimal(19, 0))
	}
	return nil, fmt.Errorf("decimal arithmetic on %s is not supported", logical.TypeName(t))
}

func (e *arithExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	var arrs [2]arrow.Array
	var valids [2][]byte
	for i, side := range []Expr{e.left, e.right} {
		if e.lit[i] != nil {
			continue
		}
		a, err := evalChild(side, b)
		if err != nil {
			return nil, err
		}
		arrs[i], valids[i] = a, validity(a)
	}
	valid := andValidity(n, valids[0], valids[1])
	var out arrow.Array
	var err error
	switch e.kind {
	case arithInt:
		l, lm := operand[int64](arrs[0], e.lit[0])
		r, rm := operand[int64](arrs[1], e.lit[1])
		out, err = intArith(e.op, n, l, lm, r, rm, valid)
	case arithFloat:
		l, lm := operand[float64](arrs[0], e.lit[0])
		r, rm := operand[float64](arrs[1], e.lit[1])
		out, err = floatArith(e.op, e.typ, n, l, lm, r, rm, valid)
	default:
		out, err = e.evalDecimal(n, arrs, valid)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	return out, nil
}

// operand returns the values of a column (mask -1) or a one-element slice
// holding the scalar (mask 0); kernels read v[i&mask].
func operand[T any](a arrow.Array, scalar any) ([]T, int) {
	if a == nil {
		return []T{scalar.(T)}, 0
	}
	v, _ := primValues[T](a)
	return v, -1
}

// nullAt clears bit i of a result validity bitmap, creating it on first use.
func nullAt(valid []byte, owned *bool, n, i int) []byte {
	if !*owned {
		valid = cloneBitmapOrAll(valid, n)
		*owned = true
	}
	clearBit(valid, i)
	return valid
}

func overflowErr(kind string) error { return fmt.Errorf("%s overflow", kind) }

func intArith(op logical.BinaryOp, n int, l []int64, lm int, r []int64, rm int, valid []byte) (arrow.Array, error) {
	out := make([]int64, n)
	owned := false
	switch op {
	case logical.OpAdd:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			s := a + b
			if (a^s)&(b^s) < 0 && isValid(valid, i) {
				return nil, overflowErr("BIGINT")
			}
			out[i] = s
		}
	case logical.OpSub:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			s := a - b
			if (a^b)&(a^s) < 0 && isValid(valid, i) {
				return nil, overflowErr("BIGINT")
			}
			out[i] = s
		}
	case logical.OpMul:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			p := a * b
			if a != 0 && (p/a != b || (a == -1 && b == math.MinInt64)) && isValid(valid, i) {
				return nil, overflowErr("BIGINT")
			}
			out[i] = p
		}
	case logical.OpIntDiv, logical.OpMod:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			switch {
			case b == 0:
				valid = nullAt(valid, &owned, n, i)
			case b == -1:
				if op == logical.OpIntDiv {
					if a == math.MinInt64 && isValid(valid, i) {
						return nil, overflowErr("BIGINT")
					}
					out[i] = -a
				}
			case op == logical.OpIntDiv:
				out[i] = a / b
			default:
				out[i] = a % b
			}
		}
	default:
		return nil, fmt.Errorf("operator %s not supported on BIGINT", op)
	}
	return newFixed(arrow.PrimitiveTypes.Int64, out, valid), nil
}

func floatArith(op logical.BinaryOp, typ arrow.DataType, n int, l []float64, lm int, r []float64, rm int, valid []byte) (arrow.Array, error) {
	owned := false
	if op == logical.OpIntDiv {
		out := make([]int64, n)
		for i := range out {
			b := r[i&rm]
			if b == 0 {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			q := math.Trunc(l[i&lm] / b)
			if !(q >= math.MinInt64 && q < math.MaxInt64) && isValid(valid, i) {
				return nil, overflowErr("BIGINT")
			}
			out[i] = int64(q)
		}
		return newFixed(arrow.PrimitiveTypes.Int64, out, valid), nil
	}
	out := make([]float64, n)
	switch op {
	case logical.OpAdd:
		for i := range out {
			out[i] = l[i&lm] + r[i&rm]
		}
	case logical.OpSub:
		for i := range out {
			out[i] = l[i&lm] - r[i&rm]
		}
	case logical.OpMul:
		for i := range out {
			out[i] = l[i&lm] * r[i&rm]
		}
	case logical.OpDiv, logical.OpMod:
		for i := range out {
			b := r[i&rm]
			if b == 0 {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			if op == logical.OpDiv {
				out[i] = l[i&lm] / b
			} else {
				out[i] = math.Mod(l[i&lm], b)
			}
		}
	default:
		return nil, fmt.Errorf("operator %s not supported on DOUBLE", op)
	}
	return newFixed(typ, out, valid), nil
}

// evalDecimal runs the decimal kernels; see dec128.go for the arithmetic.
func (e *arithExpr) evalDecimal(n int, arrs [2]arrow.Array, valid []byte) (arrow.Array, error) {
	var sides [2][]num
	var masks [2]int
	for i := range sides {
		if arrs[i] == nil {
			sides[i], masks[i] = []num{e.lit[i].(num)}, 0
			continue
		}
		a := arrs[i].(*array.Decimal128)
		masks[i] = -1
		if e.op == logical.OpMul || e.op == logical.OpDiv {
			sides[i] = a.Values()
			continue
		}
		v, err := decValuesAt(a, e.cs)
		if err != nil {
			return nil, err
		}
		sides[i] = v
	}
	l, lm, r, rm := sides[0], masks[0], sides[1], masks[1]
	if logical.IsInteger(e.typ) { // DIV of decimals
		return decIntDiv(n, l, lm, r, rm, valid)
	}
	out := make([]num, n)
	owned := false
	switch e.op {
	case logical.OpAdd:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			if is64(a) && is64(b) {
				x, y := int64(a.LowBits()), int64(b.LowBits())
				if s := x + y; (x^s)&(y^s) >= 0 {
					out[i] = num64(s)
					continue
				}
			}
			s, ok := add128(a, b)
			if (!ok || !fits38(s)) && isValid(valid, i) {
				return nil, errDecOverflow(e)
			}
			out[i] = s
		}
	case logical.OpSub:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			if is64(a) && is64(b) {
				x, y := int64(a.LowBits()), int64(b.LowBits())
				if s := x - y; (x^y)&(x^s) >= 0 {
					out[i] = num64(s)
					continue
				}
			}
			s, ok := sub128(a, b)
			if (!ok || !fits38(s)) && isValid(valid, i) {
				return nil, errDecOverflow(e)
			}
			out[i] = s
		}
	case logical.OpMul:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			if is64(a) && is64(b) {
				// Branch-free 64x64 multiply; kept when the product fits in 63 bits.
				x, y := int64(a.LowBits()), int64(b.LowBits())
				mx, my := x>>63, y>>63
				hi, lo := bits.Mul64(uint64((x^mx)-mx), uint64((y^my)-my))
				if hi == 0 && lo>>63 == 0 {
					sgn := mx ^ my
					out[i] = num64((int64(lo) ^ sgn) - sgn)
					continue
				}
			}
			p, ok := mul128(a, b)
			if (!ok || !fits38(p)) && isValid(valid, i) {
				if !ok && e.ts < e.ls+e.rs {
					// The exact product is wider than 128 bits but the result
					// scale drops digits: round through big.Int.
					q, ok2 := divRoundBig(bigMul(l[i&lm], r[i&rm]), pow10[e.ls+e.rs-e.ts].BigInt())
					if ok2 && fits38(q) {
						out[i] = q
						continue
					}
				}
				return nil, errDecOverflow(e)
			}
			out[i] = p
		}
		if e.ts != e.ls+e.rs {
			return e.rescaleResult(out, e.ls+e.rs, valid)
		}
	case logical.OpDiv:
		exp := e.ts - e.ls + e.rs
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			if b == (num{}) {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			q, ok := divScaled(a, b, exp)
			if (!ok || !fits38(q)) && isValid(valid, i) {
				return nil, errDecOverflow(e)
			}
			out[i] = q
		}
	case logical.OpMod:
		for i := range out {
			a, b := l[i&lm], r[i&rm]
			if b == (num{}) {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			out[i] = mod128(a, b)
		}
		if e.ts != e.cs {
			return e.rescaleResult(out, e.cs, valid)
		}
	default:
		return nil, fmt.Errorf("operator %s not supported on DECIMAL", e.op)
	}
	if (e.op == logical.OpAdd || e.op == logical.OpSub) && e.ts != e.cs {
		return e.rescaleResult(out, e.cs, valid)
	}
	return newFixed(e.typ, out, valid), nil
}

func errDecOverflow(e fmt.Stringer) error {
	return fmt.Errorf("decimal overflow in %s", e)
}

// rescaleResult converts results computed at scale from to the result
// scale, rounding half away from zero.
func (e *arithExpr) rescaleResult(vals []num, from int32, valid []byte) (arrow.Array, error) {
	for i, v := range vals {
		d, ok := rescale(v, from, e.ts)
		if (!ok || !fits38(d)) && isValid(valid, i) {
			return nil, errDecOverflow(e)
		}
		vals[i] = d
	}
	return newFixed(e.typ, vals, valid), nil
}

// decIntDiv is DIV on decimals at a common scale: the truncated quotient as BIGINT.
func decIntDiv(n int, l []num, lm int, r []num, rm int, valid []byte) (arrow.Array, error) {
	out := make([]int64, n)
	owned := false
	for i := range out {
		a, b := l[i&lm], r[i&rm]
		if b == (num{}) {
			valid = nullAt(valid, &owned, n, i)
			continue
		}
		q, ok := divTrunc(a, b)
		if (!ok || !is64(q)) && isValid(valid, i) {
			return nil, overflowErr("BIGINT")
		}
		out[i] = int64(q.LowBits())
	}
	return newFixed(arrow.PrimitiveTypes.Int64, out, valid), nil
}
