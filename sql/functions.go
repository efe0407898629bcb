package sql

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/types"

	"github.com/aloftdb/aloft/logical"
)

// bindFunc binds a scalar function call to a logical.FuncCall with the
// library's lower-case name (see logical.FuncCall), or to a cast/literal
// where the function is one (DATE 'x', DATE(x)).
func (c *exprCtx) bindFunc(n *ast.FuncCallExpr) (logical.Expr, error) {
	name := n.FnName.L
	switch name {
	case ast.DateLiteral, ast.TimestampLiteral:
		return temporalLiteral(n)
	case ast.TimeLiteral:
		return nil, errors.New("TIME literals are not supported")
	case "date_add", "adddate", "date_sub", "subdate":
		return c.bindDateArith(n)
	case "extract":
		if len(n.Args) != 2 {
			return nil, errors.New("EXTRACT: expected EXTRACT(unit FROM date)")
		}
		unit, ok := n.Args[0].(*ast.TimeUnitExpr)
		if !ok {
			return nil, errors.New("EXTRACT: expected a unit")
		}
		fn, ok := map[ast.TimeUnitType]string{
			ast.TimeUnitYear: "extract_year", ast.TimeUnitMonth: "extract_month", ast.TimeUnitDay: "extract_day",
		}[unit.Unit]
		if !ok {
			return nil, fmt.Errorf("EXTRACT(%s FROM ...) is not supported (YEAR, MONTH, DAY)", unit.Unit)
		}
		return c.bindExtract(fn, n.Args[1])
	}

	args := make([]logical.Expr, 0, len(n.Args))
	var trimDirection ast.TrimDirectionType
	for _, a := range n.Args {
		if d, ok := a.(*ast.TrimDirectionExpr); ok {
			trimDirection = d.Direction
			continue
		}
		e, err := c.bind(a)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	upper := strings.ToUpper(name)
	argCount := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			switch {
			case lo == hi:
				return fmt.Errorf("%s takes %d argument(s), got %d", upper, lo, len(args))
			case hi == math.MaxInt:
				return fmt.Errorf("%s takes at least %d argument(s), got %d", upper, lo, len(args))
			}
			return fmt.Errorf("%s takes %d to %d arguments, got %d", upper, lo, hi, len(args))
		}
		return nil
	}
	text := func() string { return exprText(n) }

	switch name {
	case "year", "month", "day", "dayofmonth":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		fn := map[string]string{"year": "extract_year", "month": "extract_month", "day": "extract_day", "dayofmonth": "extract_day"}[name]
		return extractCall(fn, args[0])
	case "quarter", "hour", "minute", "second", "dayofweek", "dayofyear":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		return extractCall(name, args[0])
	case "datediff":
		if err := argCount(2, 2); err != nil {
			return nil, err
		}
		out := make([]logical.Expr, 2)
		for i, a := range args {
			if !logical.IsTemporal(a.Type()) {
				var err error
				if a, err = castTo(a, logical.Date); err != nil {
					return nil, err
				}
			}
			out[i] = a
		}
		return &logical.FuncCall{Name: "datediff", Args: out, Typ: logical.Int64}, nil
	case "left", "right", "lpad", "rpad", "reverse":
		// LEFT/RIGHT(s, n), LPAD/RPAD(s, n, pad), REVERSE(s): the text
		// arguments are VARCHAR, the lengths BIGINT.
		counts := map[string][2]int{"left": {2, 2}, "right": {2, 2}, "lpad": {3, 3}, "rpad": {3, 3}, "reverse": {1, 1}}[name]
		if err := argCount(counts[0], counts[1]); err != nil {
			return nil, err
		}
		out := make([]logical.Expr, len(args))
		for i, a := range args {
			var err error
			if i == 1 {
				out[i], err = toIntArg(a, upper)
			} else {
				out[i], err = toStringArg(a, upper)
			}
			if err != nil {
				return nil, err
			}
		}
		return &logical.FuncCall{Name: name, Args: out, Typ: logical.String}, nil
	case "instr", "locate":
		// INSTR(s, sub) and LOCATE(sub, s): the library takes INSTR's order.
		if err := argCount(2, 2); err != nil {
			return nil, err
		}
		if name == "locate" {
			args = []logical.Expr{args[1], args[0]}
		}
		call, err := stringCall("instr", upper, args)
		if err != nil {
			return nil, err
		}
		call.(*logical.FuncCall).Typ = logical.Int64
		return call, nil
	case "floor", "ceil", "ceiling", "sign":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		x, err := numericArg(args[0], upper)
		if err != nil {
			return nil, err
		}
		t := x.Type()
		switch {
		case name == "sign" || logical.IsInteger(t):
			t = logical.Int64
		case logical.IsDecimal(t):
			t = logical.Decimal(t.(*arrow.Decimal128Type).Precision, 0)
		default:
			t = logical.Float64
		}
		return &logical.FuncCall{Name: name, Args: []logical.Expr{x}, Typ: t}, nil
	case "sqrt", "ln", "log10", "log2", "exp", "power", "pow":
		want := 1
		if name == "power" || name == "pow" {
			want = 2
		}
		if err := argCount(want, want); err != nil {
			return nil, err
		}
		out := make([]logical.Expr, len(args))
		for i, a := range args {
			x, err := numericArg(a, upper)
			if err != nil {
				return nil, err
			}
			if out[i], err = castTo(x, logical.Float64); err != nil {
				return nil, err
			}
		}
		return &logical.FuncCall{Name: name, Args: out, Typ: logical.Float64}, nil
	case "date":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		return c.castExpr(args[0], logical.Date, text)
	case "substring", "substr", "mid":
		if err := argCount(2, 3); err != nil {
			return nil, err
		}
		s, err := toStringArg(args[0], upper)
		if err != nil {
			return nil, err
		}
		out := []logical.Expr{s}
		for _, a := range args[1:] {
			i, err := toIntArg(a, upper)
			if err != nil {
				return nil, err
			}
			out = append(out, i)
		}
		return &logical.FuncCall{Name: "substring", Args: out, Typ: logical.String}, nil
	case "upper", "ucase", "lower", "lcase":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		s, err := toStringArg(args[0], upper)
		if err != nil {
			return nil, err
		}
		fn := map[string]string{"upper": "upper", "ucase": "upper", "lower": "lower", "lcase": "lower"}[name]
		return &logical.FuncCall{Name: fn, Args: []logical.Expr{s}, Typ: logical.String}, nil
	case "length", "octet_length", "char_length", "character_length":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		s, err := toStringArg(args[0], upper)
		if err != nil {
			return nil, err
		}
		fn := "length"
		if strings.HasPrefix(name, "char") {
			fn = "char_length"
		}
		return &logical.FuncCall{Name: fn, Args: []logical.Expr{s}, Typ: logical.Int64}, nil
	case "concat":
		if err := argCount(1, math.MaxInt); err != nil {
			return nil, err
		}
		return stringCall("concat", upper, args)
	case "replace":
		if err := argCount(3, 3); err != nil {
			return nil, err
		}
		return stringCall("replace", upper, args)
	case "ltrim", "rtrim":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		return stringCall(name, upper, args)
	case "trim":
		// TRIM(s), TRIM(chars FROM s), TRIM(BOTH|LEADING|TRAILING [chars] FROM s):
		// the parser gives [s], [s, chars] or [s, chars, direction].
		if err := argCount(1, 2); err != nil {
			return nil, err
		}
		fn := map[ast.TrimDirectionType]string{ast.TrimLeading: "ltrim", ast.TrimTrailing: "rtrim"}[trimDirection]
		if fn == "" {
			fn = "trim"
		}
		return stringCall(fn, upper, args)
	case "round":
		if err := argCount(1, 2); err != nil {
			return nil, err
		}
		return roundCall(args, upper)
	case "abs":
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		x, err := numericArg(args[0], upper)
		if err != nil {
			return nil, err
		}
		return &logical.FuncCall{Name: "abs", Args: []logical.Expr{x}, Typ: x.Type()}, nil
	case "coalesce", "ifnull":
		if name == "ifnull" {
			if err := argCount(2, 2); err != nil {
				return nil, err
			}
		} else if err := argCount(1, math.MaxInt); err != nil {
			return nil, err
		}
		t, err := castToCommon(args, upper, text())
		if err != nil {
			return nil, err
		}
		return &logical.FuncCall{Name: "coalesce", Args: args, Typ: t}, nil
	case "nullif":
		if err := argCount(2, 2); err != nil {
			return nil, err
		}
		first := args[0].Type()
		t, err := castToCommon(args, upper, text())
		if err != nil {
			return nil, err
		}
		var out logical.Expr = &logical.FuncCall{Name: "nullif", Args: args, Typ: t}
		// MySQL: the result has the type of the first argument.
		if !logical.IsNull(first) && !typeEqual(first, t) {
			return castTo(out, widenInteger(first))
		}
		return out, nil
	case "if":
		if err := argCount(3, 3); err != nil {
			return nil, err
		}
		cond, err := toBool(args[0], "IF")
		if err != nil {
			return nil, err
		}
		branches := args[1:]
		t, err := castToCommon(branches, upper, text())
		if err != nil {
			return nil, err
		}
		return &logical.FuncCall{Name: "if", Args: []logical.Expr{cond, branches[0], branches[1]}, Typ: t}, nil
	}
	return nil, fmt.Errorf("unknown function %s", name)
}

// stringCall builds fn over args cast to VARCHAR, returning VARCHAR.
func stringCall(fn, display string, args []logical.Expr) (logical.Expr, error) {
	out := make([]logical.Expr, len(args))
	for i, a := range args {
		s, err := toStringArg(a, display)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return &logical.FuncCall{Name: fn, Args: out, Typ: logical.String}, nil
}

// toIntArg casts a numeric (or text) argument to BIGINT.
func toIntArg(e logical.Expr, fn string) (logical.Expr, error) {
	t := e.Type()
	if logical.IsNumeric(t) || logical.IsNull(t) || logical.IsString(t) || t.ID() == arrow.BOOL {
		return castTo(e, logical.Int64)
	}
	return nil, fmt.Errorf("%s: expected an integer argument, got %s", fn, logical.TypeName(t))
}

// numericArg normalises a numeric argument: integers → BIGINT, floats and
// text → DOUBLE, decimals unchanged.
func numericArg(e logical.Expr, fn string) (logical.Expr, error) {
	t := e.Type()
	switch {
	case logical.IsDecimal(t):
		return e, nil
	case isIntegerLike(t) || logical.IsNull(t):
		return castTo(e, logical.Int64)
	case logical.IsFloat(t) || logical.IsString(t):
		return castTo(e, logical.Float64)
	}
	return nil, fmt.Errorf("%s: expected a numeric argument, got %s", fn, logical.TypeName(t))
}

// roundCall types ROUND(x[, d]): DECIMAL(p,s) with a constant d becomes
// DECIMAL(p', d) with the integer digits kept (p' = p when d < s), floats
// DOUBLE, integers BIGINT.
func roundCall(args []logical.Expr, fn string) (logical.Expr, error) {
	x, err := numericArg(args[0], fn)
	if err != nil {
		return nil, err
	}
	out := []logical.Expr{x}
	digits := int64(0)
	constant := true
	if len(args) == 2 {
		d, err := toIntArg(args[1], fn)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		lit, ok := d.(*logical.Literal)
		if ok && lit.Value != nil {
			digits = lit.Value.(int64)
		} else {
			constant = false
		}
	}
	typ := x.Type()
	if logical.IsDecimal(typ) && constant {
		p, s := decimalParams(typ)
		d := int32(max(0, min(digits, logical.MaxDecimalPrecision)))
		if d > s {
			p += d - s
		}
		typ = logical.Decimal(p, d)
	}
	return &logical.FuncCall{Name: "round", Args: out, Typ: typ}, nil
}

// bindExtract binds EXTRACT(unit FROM x).
func (c *exprCtx) bindExtract(fn string, arg ast.ExprNode) (logical.Expr, error) {
	e, err := c.bind(arg)
	if err != nil {
		return nil, err
	}
	return extractCall(fn, e)
}

func extractCall(fn string, e logical.Expr) (logical.Expr, error) {
	t := e.Type()
	switch {
	case logical.IsTemporal(t):
	case logical.IsString(t) || logical.IsNull(t):
		var err error
		if e, err = castTo(e, logical.Date); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: expected a DATE or TIMESTAMP argument, got %s", strings.ToUpper(fn), logical.TypeName(t))
	}
	return &logical.FuncCall{Name: fn, Args: []logical.Expr{e}, Typ: logical.Int64}, nil
}

// bindDateArith binds DATE_ADD/DATE_SUB/ADDDATE/SUBDATE(d, INTERVAL n unit)
// and d ± INTERVAL n unit (which the parser gives as DATE_ADD/DATE_SUB).
// The result is a DATE for a DATE and a day-or-longer unit, else a TIMESTAMP.
func (c *exprCtx) bindDateArith(n *ast.FuncCallExpr) (logical.Expr, error) {
	name := n.FnName.L
	fn := "date_add"
	if name == "date_sub" || name == "subdate" {
		fn = "date_sub"
	}
	if len(n.Args) != 3 {
		return nil, fmt.Errorf("%s: expected %s(date, INTERVAL n unit)", strings.ToUpper(name), strings.ToUpper(name))
	}
	unit, ok := n.Args[2].(*ast.TimeUnitExpr)
	if !ok {
		return nil, fmt.Errorf("%s: expected an INTERVAL unit", strings.ToUpper(name))
	}
	d, err := c.bind(n.Args[0])
	if err != nil {
		return nil, err
	}
	amount, err := c.bind(n.Args[1])
	if err != nil {
		return nil, err
	}
	interval, subDay, err := intervalLiteral(amount, unit.Unit)
	if err != nil {
		return nil, err
	}
	t := d.Type()
	switch {
	case t.ID() == arrow.DATE32 && subDay:
		t = logical.Timestamp
	case logical.IsTemporal(t):
	case logical.IsString(t) || logical.IsNull(t):
		t = logical.Date
		if lit, ok := d.(*logical.Literal); ok && lit.Value != nil {
			if _, err := parseDateText(lit.Value.(string)); err != nil {
				t = logical.Timestamp
			}
		}
		if subDay {
			t = logical.Timestamp
		}
	default:
		return nil, fmt.Errorf("%s: expected a DATE or TIMESTAMP, got %s in %q", strings.ToUpper(name), logical.TypeName(t), exprText(n))
	}
	if d, err = castTo(d, t); err != nil {
		return nil, err
	}
	return foldDateArith(fn, d, interval, t), nil
}

// intervalLiteral builds the INTERVAL literal for a constant amount of unit;
// subDay reports units shorter than a day.
func intervalLiteral(amount logical.Expr, unit ast.TimeUnitType) (lit *logical.Literal, subDay bool, err error) {
	l, ok := amount.(*logical.Literal)
	if !ok || l.Value == nil {
		return nil, false, errors.New("INTERVAL needs a constant amount")
	}
	var n int64
	switch v := l.Value.(type) {
	case int64:
		n = v
	case string:
		if n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return nil, false, fmt.Errorf("invalid INTERVAL amount '%s' (an integer is expected)", v)
		}
	case decimal128.Num:
		_, s := decimalParams(l.Typ)
		if s != 0 {
			return nil, false, fmt.Errorf("invalid INTERVAL amount %s (an integer is expected)", l)
		}
		n = v.BigInt().Int64()
	default:
		return nil, false, fmt.Errorf("invalid INTERVAL amount %s (an integer is expected)", l)
	}
	var iv arrow.MonthDayNanoInterval
	switch unit {
	case ast.TimeUnitYear:
		iv.Months = int32(n * 12)
	case ast.TimeUnitQuarter:
		iv.Months = int32(n * 3)
	case ast.TimeUnitMonth:
		iv.Months = int32(n)
	case ast.TimeUnitWeek:
		iv.Days = int32(n * 7)
	case ast.TimeUnitDay:
		iv.Days = int32(n)
	case ast.TimeUnitHour:
		iv.Nanoseconds, subDay = n*int64(time.Hour), true
	case ast.TimeUnitMinute:
		iv.Nanoseconds, subDay = n*int64(time.Minute), true
	case ast.TimeUnitSecond:
		iv.Nanoseconds, subDay = n*int64(time.Second), true
	case ast.TimeUnitMicrosecond:
		iv.Nanoseconds, subDay = n*int64(time.Microsecond), true
	default:
		return nil, false, fmt.Errorf("INTERVAL unit %s is not supported", unit)
	}
	return &logical.Literal{Value: iv, Typ: logical.Interval}, subDay, nil
}

// temporalLiteral binds DATE 'YYYY-MM-DD' and TIMESTAMP 'YYYY-MM-DD hh:mm:ss'.
func temporalLiteral(n *ast.FuncCallExpr) (logical.Expr, error) {
	if len(n.Args) != 1 {
		return nil, errors.New("malformed date/time literal")
	}
	lit, err := literalFromValueNode(n.Args[0])
	if err != nil {
		return nil, err
	}
	s, ok := lit.Value.(string)
	if !ok {
		return nil, errors.New("malformed date/time literal")
	}
	if n.FnName.L == ast.DateLiteral {
		v, err := toDate(s)
		if err != nil {
			return nil, err
		}
		return &logical.Literal{Value: v, Typ: logical.Date}, nil
	}
	v, err := toTimestamp(s)
	if err != nil {
		return nil, err
	}
	return &logical.Literal{Value: v, Typ: logical.Timestamp}, nil
}

func literalFromValueNode(n ast.ExprNode) (*logical.Literal, error) {
	v, ok := n.(interface{ GetValue() any })
	if !ok {
		return nil, errors.New("malformed date/time literal")
	}
	if s, ok := v.GetValue().(string); ok {
		return &logical.Literal{Value: s, Typ: logical.String}, nil
	}
	return nil, errors.New("malformed date/time literal")
}

// bindCast binds CAST(x AS type) and CONVERT(x, type).
func (c *exprCtx) bindCast(n *ast.FuncCastExpr) (logical.Expr, error) {
	if n.FunctionType == ast.CastBinaryOperator {
		return nil, errors.New("BINARY x is not supported")
	}
	e, err := c.bind(n.Expr)
	if err != nil {
		return nil, err
	}
	t, err := castTargetType(n.Tp)
	if err != nil {
		return nil, err
	}
	return c.castExpr(e, t, func() string { return exprText(n) })
}

// castTargetType maps a CAST target to an Arrow type.
func castTargetType(ft *types.FieldType) (arrow.DataType, error) {
	switch ft.GetType() {
	case mysql.TypeNewDecimal:
		p, s := ft.GetFlen(), ft.GetDecimal()
		if p <= 0 {
			p = 10 // MySQL's default DECIMAL precision
		}
		if s < 0 {
			s = 0
		}
		if p > logical.MaxDecimalPrecision || s > p {
			return nil, fmt.Errorf("CAST AS DECIMAL(%d,%d) is out of range (precision ≤ 38, scale ≤ precision)", p, s)
		}
		return logical.Decimal(int32(p), int32(s)), nil
	case mysql.TypeLonglong, mysql.TypeLong, mysql.TypeShort, mysql.TypeTiny, mysql.TypeInt24:
		return logical.Int64, nil
	case mysql.TypeVarString, mysql.TypeString, mysql.TypeVarchar:
		return logical.String, nil
	case mysql.TypeDate:
		return logical.Date, nil
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		return logical.Timestamp, nil
	case mysql.TypeDouble, mysql.TypeFloat:
		return logical.Float64, nil
	}
	return nil, fmt.Errorf("CAST AS %s is not supported", strings.ToUpper(types.TypeToStr(ft.GetType(), ft.GetCharset())))
}

// castExpr is an explicit conversion; temporal values convert only to text
// and other temporal types.
func (c *exprCtx) castExpr(e logical.Expr, t arrow.DataType, text func() string) (logical.Expr, error) {
	from := e.Type()
	ok := logical.IsNull(from) || typeEqual(from, t) ||
		(isNumberLike(from) || logical.IsString(from)) && (isNumberLike(t) || logical.IsString(t)) ||
		(logical.IsString(from) || logical.IsTemporal(from)) && logical.IsTemporal(t) ||
		logical.IsTemporal(from) && logical.IsString(t)
	if !ok {
		return nil, fmt.Errorf("cannot cast %s to %s in %q", logical.TypeName(from), logical.TypeName(t), text())
	}
	out, err := castTo(e, t)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	return out, nil
}
