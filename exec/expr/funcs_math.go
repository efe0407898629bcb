package expr

import (
	"fmt"
	"math"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// numericResultType is the type a numeric function returns when the binder
// gave none: BIGINT for integers, DOUBLE for floats, the decimal itself.
func numericArg(e Expr) (Expr, error) {
	t := e.DataType()
	switch {
	case logical.IsInteger(t):
		return castTo(e, logical.Int64)
	case logical.IsFloat(t):
		return castTo(e, logical.Float64)
	case logical.IsDecimal(t):
		return e, nil
	case logical.IsString(t):
		return castTo(e, logical.Float64)
	case t.ID() == arrow.BOOL:
		return castTo(e, logical.Int64)
	}
	return nil, fmt.Errorf("expected a number, got %s", logical.TypeName(t))
}

// compileRound is ROUND(x[, d]) (half away from zero for exact numbers,
// math.Round on the scaled value for doubles) and TRUNCATE(x, d). A decimal
// result takes the scale of the binder's type when given, else
// DECIMAL(p, max(d, 0)) for a literal d.
func compileRound(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	lo := 1
	if name == "truncate" {
		lo = 2
	}
	if err := wantArgs(name, args, lo, 2); err != nil {
		return nil, err
	}
	x, err := numericArg(args[0])
	if err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		if typ == nil {
			typ = x.DataType()
		}
		return NewLiteral(nil, typ), nil
	}
	digits := intArg{isLit: true}
	if len(args) == 2 {
		if digits, err = newIntArg(args[1]); err != nil {
			return nil, err
		}
	}
	trunc := name == "truncate"
	xt := x.DataType()
	out := xt
	if dt, ok := xt.(*arrow.Decimal128Type); ok {
		switch {
		case typ != nil && logical.IsDecimal(typ):
			out = typ
		case digits.isLit:
			out = logical.Decimal(dt.Precision, int32(max(0, min(digits.scalar, int64(dt.Scale)))))
		}
	}
	e := &funcExpr{name: name, args: args, typ: out}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		a, err := evalChild(x, b)
		if err != nil {
			return nil, err
		}
		dv, dm, dvalid, err := digits.values(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, validity(a), dvalid)
		switch xa := a.(type) {
		case *array.Int64:
			in := xa.Int64Values()
			res := make([]int64, n)
			for i, v := range in {
				d := dv[i&dm]
				if d >= 0 || !isValid(valid, i) {
					res[i] = v
					continue
				}
				if d < -18 {
					continue // rounds to 0
				}
				r, _ := rescale(num64(v), 0, int32(d))
				if trunc {
					r, _ = divTrunc(num64(v), pow10[-d])
				}
				r, ok := scaleUp(r, int32(-d))
				if !ok || !is64(r) {
					return nil, overflowErr("BIGINT")
				}
				res[i] = int64(r.LowBits())
			}
			return newFixed(logical.Int64, res, valid), nil
		case *array.Float64:
			in := xa.Float64Values()
			res := make([]float64, n)
			for i, v := range in {
				p := math.Pow(10, float64(dv[i&dm]))
				if trunc {
					res[i] = math.Trunc(v*p) / p
				} else {
					res[i] = math.Round(v*p) / p
				}
				if math.IsNaN(res[i]) || math.IsInf(res[i], 0) {
					res[i] = v // digits beyond the precision of a double
				}
			}
			return newFixed(logical.Float64, res, valid), nil
		case *array.Decimal128:
			s := decScale(a)
			ts := out.(*arrow.Decimal128Type).Scale
			in := xa.Values()
			res := make([]num, n)
			for i, v := range in {
				if !isValid(valid, i) {
					continue
				}
				d := int32(max(-maxDigits, min(dv[i&dm], maxDigits)))
				r := v
				if d < s {
					if s-d > maxDigits {
						r = num{}
					} else if trunc {
						r, _ = divTrunc(v, pow10[s-d])
					} else {
						r, _ = divRound(v, pow10[s-d])
					}
					// r is now at scale d (possibly negative).
					var ok bool
					if r, ok = rescale(r, d, ts); !ok || !fits38(r) {
						return nil, errDecOverflow(e)
					}
				} else {
					var ok bool
					if r, ok = rescale(v, s, ts); !ok || !fits38(r) {
						return nil, errDecOverflow(e)
					}
				}
				res[i] = r
			}
			return newFixed(out, res, valid), nil
		}
		return nil, fmt.Errorf("%s of %s is not supported", name, logical.TypeName(a.DataType()))
	}
	return e, nil
}

// compileFloorCeil is FLOOR / CEIL(ING): integers pass through, doubles stay
// doubles, decimals become DECIMAL(p, 0).
func compileFloorCeil(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	x, err := numericArg(args[0])
	if err != nil {
		return nil, err
	}
	if isNullLiteral(x) {
		return NewLiteral(nil, x.DataType()), nil
	}
	ceil := name != "floor"
	switch xt := x.DataType().(type) {
	case *arrow.Decimal128Type:
		out := logical.Decimal(xt.Precision, 0)
		e := &funcExpr{name: name, args: args, typ: out}
		e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
			a, err := evalChild(x, b)
			if err != nil {
				return nil, err
			}
			in := a.(*array.Decimal128).Values()
			res := make([]num, len(in))
			div := pow10[xt.Scale]
			for i, v := range in {
				q, _ := divTrunc(v, div)
				rem := mod128(v, div)
				if rem != (num{}) && (rem.HighBits() >= 0) == ceil {
					if ceil {
						q, _ = add128(q, num64(1))
					} else {
						q, _ = sub128(q, num64(1))
					}
				}
				res[i] = q
			}
			return newFixed(out, res, cloneBitmap(validity(a))), nil
		}
		return e, nil
	case *arrow.Float64Type:
		return floatMap(name, args, x, func(v float64) float64 {
			if ceil {
				return math.Ceil(v)
			}
			return math.Floor(v)
		}), nil
	}
	return x, nil // integers
}

// floatMap applies f to a DOUBLE column. The function value is called per
// row; these are rare functions where that indirection does not matter.
func floatMap(name string, args []Expr, x Expr, f func(float64) float64) Expr {
	e := &funcExpr{name: name, args: args, typ: logical.Float64}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		a, err := evalChild(x, b)
		if err != nil {
			return nil, err
		}
		in := a.(*array.Float64).Float64Values()
		valid := cloneBitmap(validity(a))
		res := make([]float64, len(in))
		owned := valid != nil
		for i, v := range in {
			r := f(v)
			if math.IsNaN(r) && isValid(valid, i) {
				valid = nullAt(valid, &owned, len(in), i) // e.g. SQRT(-1), LN(0) are NULL in MySQL
				continue
			}
			res[i] = r
		}
		return newFixed(logical.Float64, res, valid), nil
	}
	return e
}

// compileFloatFunc is SQRT, LN, LOG10, LOG2, EXP and POWER on doubles.
func compileFloatFunc(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	nargs := 1
	if name == "power" || name == "pow" {
		nargs = 2
	}
	if err := wantArgs(name, args, nargs, nargs); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return NewLiteral(nil, logical.Float64), nil
	}
	x, err := castTo(args[0], logical.Float64)
	if err != nil {
		return nil, err
	}
	var f func(float64) float64
	switch name {
	case "sqrt":
		f = math.Sqrt
	case "ln":
		f = nonPositiveNaN(math.Log)
	case "log10":
		f = nonPositiveNaN(math.Log10)
	case "log2":
		f = nonPositiveNaN(math.Log2)
	case "exp":
		f = math.Exp
	default:
		y, err := castTo(args[1], logical.Float64)
		if err != nil {
			return nil, err
		}
		yv, ok := literalOf(y)
		if !ok {
			return nil, fmt.Errorf("%s needs a constant exponent", name)
		}
		p := yv.(float64)
		f = func(v float64) float64 { return math.Pow(v, p) }
	}
	return floatMap(name, args, x, f), nil
}

func nonPositiveNaN(f func(float64) float64) func(float64) float64 {
	return func(v float64) float64 {
		if v <= 0 {
			return math.NaN()
		}
		return f(v)
	}
}

// compileAbs is ABS on integers, doubles and decimals.
func compileAbs(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	x, err := numericArg(args[0])
	if err != nil {
		return nil, err
	}
	if isNullLiteral(x) {
		return NewLiteral(nil, x.DataType()), nil
	}
	e := &funcExpr{name: name, args: args, typ: x.DataType()}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		a, err := evalChild(x, b)
		if err != nil {
			return nil, err
		}
		valid := validity(a)
		switch xa := a.(type) {
		case *array.Int64:
			in := xa.Int64Values()
			res := make([]int64, len(in))
			for i, v := range in {
				if v < 0 {
					if v == math.MinInt64 && isValid(valid, i) {
						return nil, overflowErr("BIGINT")
					}
					v = -v
				}
				res[i] = v
			}
			return newFixed(a.DataType(), res, cloneBitmap(valid)), nil
		case *array.Float64:
			in := xa.Float64Values()
			res := make([]float64, len(in))
			for i, v := range in {
				res[i] = math.Abs(v)
			}
			return newFixed(a.DataType(), res, cloneBitmap(valid)), nil
		case *array.Decimal128:
			in := xa.Values()
			res := make([]num, len(in))
			for i, v := range in {
				if v.HighBits() < 0 {
					v = v.Negate()
				}
				res[i] = v
			}
			return newFixed(a.DataType(), res, cloneBitmap(valid)), nil
		}
		return nil, fmt.Errorf("abs of %s is not supported", a.DataType())
	}
	return e, nil
}

// compileSign is SIGN(x): -1, 0 or 1 as BIGINT.
func compileSign(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	x, err := numericArg(args[0])
	if err != nil {
		return nil, err
	}
	if isNullLiteral(x) {
		return NewLiteral(nil, logical.Int64), nil
	}
	zero := func() (Expr, error) {
		return newLiteralOfType(x.DataType())
	}
	z, err := zero()
	if err != nil {
		return nil, err
	}
	gt, err := newCompare(logical.OpGt, x, z)
	if err != nil {
		return nil, err
	}
	lt, err := newCompare(logical.OpLt, x, z)
	if err != nil {
		return nil, err
	}
	return &caseExpr{
		whens: []Expr{gt, lt},
		thens: []Expr{NewLiteral(int64(1), logical.Int64), NewLiteral(int64(-1), logical.Int64)},
		els:   &caseElseIfValid{x: x, v: NewLiteral(int64(0), logical.Int64)},
		typ:   logical.Int64,
	}, nil
}

// newLiteralOfType is the zero of a numeric type.
func newLiteralOfType(t arrow.DataType) (Expr, error) {
	switch {
	case logical.IsDecimal(t):
		return NewLiteral(num{}, t), nil
	case logical.IsFloat(t):
		return NewLiteral(0.0, t), nil
	case logical.IsInteger(t):
		return NewLiteral(int64(0), t), nil
	}
	return nil, fmt.Errorf("no zero for %s", logical.TypeName(t))
}

// caseElseIfValid yields v where x is not NULL and NULL where it is (the
// ELSE of SIGN, so SIGN(NULL) stays NULL).
type caseElseIfValid struct {
	x Expr
	v Expr
}

func (e *caseElseIfValid) DataType() arrow.DataType { return e.v.DataType() }
func (e *caseElseIfValid) String() string           { return e.v.String() }
func (e *caseElseIfValid) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := e.x.Eval(b)
	if err != nil {
		return nil, err
	}
	vals := make([]int64, a.Len())
	return newFixed(logical.Int64, vals, cloneBitmap(validity(a))), nil
}

// compileMod is MOD(a, b), the % operator.
func compileMod(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 2); err != nil {
		return nil, err
	}
	if typ == nil {
		lt, rt := args[0].DataType(), args[1].DataType()
		switch {
		case logical.IsFloat(lt) || logical.IsFloat(rt):
			typ = logical.Float64
		case logical.IsDecimal(lt) || logical.IsDecimal(rt):
			s := int32(0)
			for _, t := range []arrow.DataType{lt, rt} {
				if d, ok := t.(*arrow.Decimal128Type); ok {
					s = max(s, d.Scale)
				}
			}
			typ = logical.Decimal(38, s)
		default:
			typ = logical.Int64
		}
	}
	return newArith(logical.OpMod, args[0], args[1], typ)
}

// compileCoalesce is COALESCE(...) and IFNULL(a, b): the first non-NULL
// argument; later arguments are evaluated only while rows remain NULL.
func compileCoalesce(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%s needs at least one argument", name)
	}
	if name == "ifnull" {
		if err := wantArgs(name, args, 2, 2); err != nil {
			return nil, err
		}
	}
	if typ == nil {
		typ = args[0].DataType()
	}
	var kept []Expr
	for _, a := range args {
		if isNullLiteral(a) {
			continue
		}
		c, err := castTo(a, typ)
		if err != nil {
			return nil, err
		}
		kept = append(kept, c)
		if _, ok := literalOf(c); ok {
			break // a non-NULL constant ends the list
		}
	}
	if len(kept) == 0 {
		return NewLiteral(nil, typ), nil
	}
	if len(kept) == 1 {
		return kept[0], nil
	}
	e := &funcExpr{name: name, args: args, typ: typ}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		choice := make([]int32, n)
		for i := range choice {
			choice[i] = -1
		}
		srcs := make([]arrow.Array, len(kept))
		remaining := n
		for k, a := range kept {
			if remaining == 0 {
				break
			}
			arr, err := evalBranch(a, b)
			if err != nil {
				return nil, err
			}
			srcs[k] = arr
			valid := validity(arr)
			mask := -1
			if arr.Len() != n {
				mask = 0
			}
			for i := range choice {
				if choice[i] < 0 && isValid(valid, i&mask) {
					choice[i] = int32(k)
					remaining--
				}
			}
		}
		return gather(typ, n, choice, srcs)
	}
	return e, nil
}

// compileNullIf is NULLIF(a, b): NULL where a = b, else a.
func compileNullIf(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 2); err != nil {
		return nil, err
	}
	a := args[0]
	if typ != nil && !logical.IsNull(typ) {
		var err error
		if a, err = castTo(a, typ); err != nil {
			return nil, err
		}
	}
	if isNullLiteral(a) || isNullLiteral(args[1]) {
		return a, nil
	}
	eq, err := newCompare(logical.OpEq, args[0], args[1])
	if err != nil {
		return nil, err
	}
	return &caseExpr{whens: []Expr{eq}, thens: []Expr{NewLiteral(nil, a.DataType())}, els: a, typ: a.DataType()}, nil
}

// compileIf is IF(cond, a, b).
func compileIf(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 3, 3); err != nil {
		return nil, err
	}
	if typ == nil {
		typ = args[1].DataType()
		if logical.IsNull(typ) {
			typ = args[2].DataType()
		}
	}
	cond := args[0]
	if t := cond.DataType().ID(); t != arrow.BOOL && t != arrow.NULL {
		var err error
		if cond, err = castTo(cond, logical.Bool); err != nil {
			return nil, err
		}
	}
	a, err := castTo(args[1], typ)
	if err != nil {
		return nil, err
	}
	b, err := castTo(args[2], typ)
	if err != nil {
		return nil, err
	}
	return &caseExpr{whens: []Expr{cond}, thens: []Expr{a}, els: b, typ: typ}, nil
}
