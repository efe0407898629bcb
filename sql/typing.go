package sql

// Typing rules. The physical kernels rely on these exactly, so every
// implicit conversion the binder makes is decided here:
//
//   - Integers of every width widen to BIGINT (Int64) wherever they meet an
//     operator, a comparison, SUM/AVG or a scalar function.
//   - Arithmetic operands are cast so that both are BIGINT, both DOUBLE (if
//     either side is a float or a string) or both DECIMAL (any precision and
//     scale each). An integer expression becomes DECIMAL(19,0), an integer
//     literal DECIMAL(d,0) with d its digit count. Integer / integer is a
//     DECIMAL division (MySQL: 7/2 = 3.5000). Result types follow MySQL:
//     + -  s = max(s1,s2), p = max(p1-s1, p2-s2) + s + 1
//     *    s = s1+s2,      p = p1+p2
//     /    s = s1+4,       p = (p1-s1) + s2 + s      (div_precision_increment=4)
//     %    s = max(s1,s2), p = max(p1,p2)
//     DIV  BIGINT
//     with p capped at 38.
//   - Comparison operands are cast to a common type: integers → BIGINT,
//     integer vs decimal → decimal, anything numeric vs float → DOUBLE,
//     decimal vs decimal keeps both types (the kernel rescales), string vs
//     DATE/TIMESTAMP → the temporal type, string vs number → DOUBLE,
//     DATE vs TIMESTAMP → TIMESTAMP.
//   - Branches of CASE/COALESCE/IF/NULLIF and UNION columns take the common
//     supertype: integers → BIGINT, decimals → a decimal that fits all
//     (max scale, max integer digits), any float → DOUBLE, strings → VARCHAR.
//   - Aggregates: SUM/AVG arguments that are integers (any width) or
//     booleans are cast to BIGINT, floats to DOUBLE; MIN/MAX keep the type.
//     Result types are those documented on logical.AggregateExpr.
//   - Scalar functions: string functions cast non-string arguments to
//     VARCHAR, positions/lengths to BIGINT; ABS and ROUND take BIGINT, DOUBLE
//     or DECIMAL (narrower integers are cast to BIGINT); ROUND(DECIMAL(p,s), d)
//     with a constant d is DECIMAL(p + max(0, d-s), d).
//   - Conditions: numbers used as conditions are cast to BOOLEAN (MySQL).
//   - Literals are never cast at run time: the binder converts the value now
//     and builds a literal of the target type.

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/logical"
)

// integerDecimalPrecision is the DECIMAL precision an integer expression
// takes in decimal arithmetic: enough for any BIGINT.
const integerDecimalPrecision = 19

// divScaleIncrement is MySQL's div_precision_increment.
const divScaleIncrement = 4

// decimalParams returns the precision and scale of a DECIMAL type.
func decimalParams(t arrow.DataType) (p, s int32) {
	d := t.(arrow.DecimalType)
	return d.GetPrecision(), d.GetScale()
}

// asDecimalType is the DECIMAL type e takes in decimal arithmetic or
// comparison: decimals keep their type, integer literals get exactly their
// digits, other integers DECIMAL(19,0).
func asDecimalType(e logical.Expr) arrow.DataType {
	t := e.Type()
	if logical.IsDecimal(t) {
		return t
	}
	if lit, ok := e.(*logical.Literal); ok {
		if v, ok := lit.Value.(int64); ok {
			return logical.Decimal(int32(integerDigits(v)), 0)
		}
	}
	return logical.Decimal(integerDecimalPrecision, 0)
}

// integerDigits counts the decimal digits of v (at least 1).
func integerDigits(v int64) int {
	if v == math.MinInt64 {
		return 19
	}
	if v < 0 {
		v = -v
	}
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// isIntegerLike reports whether t behaves as an integer in arithmetic
// (integers, and BOOLEAN which MySQL treats as 0/1).
func isIntegerLike(t arrow.DataType) bool {
	return logical.IsInteger(t) || t.ID() == arrow.BOOL
}

// arithmeticTypes decides the operand types and the result type of an
// arithmetic operator. It returns an error for operands that are not numbers.
func arithmeticTypes(op logical.BinaryOp, l, r logical.Expr) (lt, rt, result arrow.DataType, err error) {
	ltyp, rtyp := l.Type(), r.Type()
	// NULL adopts the other side's type; NULL op NULL is BIGINT arithmetic.
	if logical.IsNull(ltyp) && logical.IsNull(rtyp) {
		ltyp, rtyp = logical.Int64, logical.Int64
	} else if logical.IsNull(ltyp) {
		ltyp = rtyp
	} else if logical.IsNull(rtyp) {
		rtyp = ltyp
	}
	for _, t := range []arrow.DataType{ltyp, rtyp} {
		if !(logical.IsNumeric(t) || logical.IsString(t) || t.ID() == arrow.BOOL) {
			return nil, nil, nil, fmt.Errorf("cannot apply %s to %s and %s", op, logical.TypeName(l.Type()), logical.TypeName(r.Type()))
		}
	}
	switch {
	case logical.IsFloat(ltyp) || logical.IsFloat(rtyp) || logical.IsString(ltyp) || logical.IsString(rtyp):
		result = logical.Float64
		if op == logical.OpIntDiv {
			result = logical.Int64
		}
		return logical.Float64, logical.Float64, result, nil
	case isIntegerLike(ltyp) && isIntegerLike(rtyp) && op != logical.OpDiv:
		return logical.Int64, logical.Int64, logical.Int64, nil
	}
	// Decimal arithmetic (including integer / integer).
	lt, rt = decimalOperandType(l, ltyp), decimalOperandType(r, rtyp)
	if op == logical.OpIntDiv {
		return lt, rt, logical.Int64, nil
	}
	return lt, rt, decimalResultType(op, lt, rt), nil
}

// decimalOperandType is the DECIMAL type of an operand whose type (after NULL
// adoption) is typ.
func decimalOperandType(e logical.Expr, typ arrow.DataType) arrow.DataType {
	if logical.IsDecimal(typ) {
		return typ
	}
	if logical.IsNull(e.Type()) {
		return typ
	}
	return asDecimalType(e)
}

// decimalResultType applies the MySQL precision/scale rules for op.
func decimalResultType(op logical.BinaryOp, lt, rt arrow.DataType) arrow.DataType {
	p1, s1 := decimalParams(lt)
	p2, s2 := decimalParams(rt)
	switch op {
	case logical.OpAdd, logical.OpSub:
		s := max(s1, s2)
		return logical.Decimal(max(p1-s1, p2-s2)+s+1, s)
	case logical.OpMul:
		return logical.Decimal(p1+p2, s1+s2)
	case logical.OpDiv:
		s := s1 + divScaleIncrement
		if s > logical.MaxDecimalPrecision {
			s = logical.MaxDecimalPrecision
		}
		return logical.Decimal((p1-s1)+s2+s, s)
	case logical.OpMod:
		return logical.Decimal(max(p1, p2), max(s1, s2))
	}
	panic(fmt.Sprintf("decimalResultType: %s is not arithmetic", op))
}

// comparisonTypes decides the types both operands of a comparison are cast to.
func comparisonTypes(l, r logical.Expr) (lt, rt arrow.DataType, ok bool) {
	ltyp, rtyp := l.Type(), r.Type()
	switch {
	case logical.IsNull(ltyp) && logical.IsNull(rtyp):
		return logical.Int64, logical.Int64, true
	case logical.IsNull(ltyp):
		t := widenInteger(rtyp)
		return t, t, true
	case logical.IsNull(rtyp):
		t := widenInteger(ltyp)
		return t, t, true
	case ltyp.ID() == arrow.BOOL && rtyp.ID() == arrow.BOOL:
		return logical.Bool, logical.Bool, true
	case isIntegerLike(ltyp) && isIntegerLike(rtyp):
		return logical.Int64, logical.Int64, true
	case isNumberLike(ltyp) && isNumberLike(rtyp):
		if logical.IsFloat(ltyp) || logical.IsFloat(rtyp) {
			return logical.Float64, logical.Float64, true
		}
		return asDecimalType(l), asDecimalType(r), true
	case logical.IsString(ltyp) && logical.IsString(rtyp):
		return logical.String, logical.String, true
	case logical.IsTemporal(ltyp) && logical.IsTemporal(rtyp):
		if ltyp.ID() == rtyp.ID() {
			return ltyp, rtyp, true
		}
		return logical.Timestamp, logical.Timestamp, true
	case logical.IsString(ltyp) && logical.IsTemporal(rtyp):
		return rtyp, rtyp, true
	case logical.IsTemporal(ltyp) && logical.IsString(rtyp):
		return ltyp, ltyp, true
	case logical.IsString(ltyp) && isNumberLike(rtyp), isNumberLike(ltyp) && logical.IsString(rtyp):
		return logical.Float64, logical.Float64, true
	}
	return nil, nil, false
}

// isNumberLike is numeric or BOOLEAN (MySQL's booleans are numbers).
func isNumberLike(t arrow.DataType) bool { return logical.IsNumeric(t) || t.ID() == arrow.BOOL }

// widenInteger maps every integer width to BIGINT and leaves other types.
func widenInteger(t arrow.DataType) arrow.DataType {
	if logical.IsInteger(t) {
		return logical.Int64
	}
	return t
}

// commonType is the supertype of exprs, for CASE branches and UNION columns
// (forComparison=false) or for IN lists (forComparison=true, where strings
// meeting dates or numbers convert like in comparisons). NULLs adopt the
// other types; all NULL gives NULL.
func commonType(exprs []logical.Expr, forComparison bool) (arrow.DataType, bool) {
	var result arrow.DataType
	// The integer digits integer members need once the result is a decimal:
	// a literal's own digits, 19 for any other integer.
	var intDigits int32
	for _, e := range exprs {
		t := e.Type()
		if logical.IsNull(t) {
			continue
		}
		if isIntegerLike(t) {
			p, _ := decimalParams(asDecimalType(e))
			intDigits = max(intDigits, p)
		}
		if result == nil {
			result = widenInteger(t)
			continue
		}
		next, ok := supertype(result, t, forComparison)
		if !ok {
			return nil, false
		}
		result = next
	}
	switch {
	case result == nil:
		return logical.Null, true
	case logical.IsDecimal(result):
		p, s := decimalParams(result)
		return logical.Decimal(max(p-s, intDigits)+s, s), true
	}
	return result, true
}

// supertype combines two non-NULL types. Integers meeting decimals contribute
// no digits here; commonType adds their digits afterwards.
func supertype(a, b arrow.DataType, forComparison bool) (arrow.DataType, bool) {
	switch {
	case a.ID() == arrow.BOOL && b.ID() == arrow.BOOL:
		return logical.Bool, true
	case isIntegerLike(a) && isIntegerLike(b):
		return logical.Int64, true
	case isNumberLike(a) && isNumberLike(b):
		if logical.IsFloat(a) || logical.IsFloat(b) {
			return logical.Float64, true
		}
		var intDigits, scale int32
		for _, t := range []arrow.DataType{a, b} {
			if logical.IsDecimal(t) {
				p, s := decimalParams(t)
				intDigits, scale = max(intDigits, p-s), max(scale, s)
			}
		}
		return logical.Decimal(intDigits+scale, scale), true
	case logical.IsString(a) && logical.IsString(b):
		return logical.String, true
	case logical.IsTemporal(a) && logical.IsTemporal(b):
		if a.ID() == b.ID() {
			return a, true
		}
		return logical.Timestamp, true
	case logical.IsString(a) && logical.IsTemporal(b), logical.IsTemporal(a) && logical.IsString(b):
		if !forComparison {
			return logical.String, true
		}
		if logical.IsTemporal(a) {
			return a, true
		}
		return b, true
	case logical.IsString(a) && isNumberLike(b), isNumberLike(a) && logical.IsString(b):
		if forComparison {
			return logical.Float64, true
		}
		return logical.String, true
	}
	return nil, false
}

// castTo converts e to t. A literal is converted now into a new literal; any
// other expression is wrapped in a CastExpr. Same type: e itself.
func castTo(e logical.Expr, t arrow.DataType) (logical.Expr, error) {
	if arrow.TypeEqual(e.Type(), t) {
		return e, nil
	}
	if lit, ok := e.(*logical.Literal); ok {
		v, err := convertValue(lit.Value, lit.Typ, t)
		if err != nil {
			return nil, err
		}
		return &logical.Literal{Value: v, Typ: t}, nil
	}
	return &logical.CastExpr{Input: e, Typ: t}, nil
}

// convertValue converts a literal value of type from to type to, exactly
// where the target can hold it, rounding half away from zero where it must
// drop digits (MySQL).
func convertValue(v any, from, to arrow.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch to.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return toInt64(v, from)
	case arrow.FLOAT32, arrow.FLOAT64:
		return toFloat64(v, from)
	case arrow.DECIMAL128:
		p, s := decimalParams(to)
		return toDecimal(v, from, p, s)
	case arrow.STRING:
		return toString(v, from)
	case arrow.DATE32:
		return toDate(v)
	case arrow.TIMESTAMP:
		return toTimestamp(v)
	case arrow.BOOL:
		return boolValue(v, from)
	}
	return nil, fmt.Errorf("cannot convert %s to %s", logical.FormatValue(v, from), logical.TypeName(to))
}

func toInt64(v any, from arrow.DataType) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		r := math.Round(x)
		if r >= math.MaxInt64 || r < math.MinInt64 || math.IsNaN(r) {
			return nil, fmt.Errorf("value %v is out of range for BIGINT", x)
		}
		return int64(r), nil
	case decimal128.Num:
		_, s := decimalParams(from)
		n := x.ReduceScaleBy(s, true)
		bi := n.BigInt()
		if !bi.IsInt64() {
			return nil, fmt.Errorf("value %s is out of range for BIGINT", logical.FormatDecimal(x, s))
		}
		return bi.Int64(), nil
	case string:
		t := strings.TrimSpace(x)
		if i, err := strconv.ParseInt(t, 10, 64); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid number '%s'", x)
		}
		return toInt64(f, logical.Float64)
	}
	return nil, fmt.Errorf("cannot convert %s to BIGINT", logical.FormatValue(v, from))
}

func toFloat64(v any, from arrow.DataType) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case decimal128.Num:
		_, s := decimalParams(from)
		f, _ := strconv.ParseFloat(logical.FormatDecimal(x, s), 64)
		return f, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil, fmt.Errorf("invalid number '%s'", x)
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot convert %s to DOUBLE", logical.FormatValue(v, from))
}

// toDecimal converts to DECIMAL(p,s); the value must fit the precision.
func toDecimal(v any, from arrow.DataType, p, s int32) (any, error) {
	var unscaled *big.Int // value * 10^s
	switch x := v.(type) {
	case int64:
		unscaled = new(big.Int).Mul(big.NewInt(x), pow10(s))
	case bool:
		b := int64(0)
		if x {
			b = 1
		}
		unscaled = new(big.Int).Mul(big.NewInt(b), pow10(s))
	case decimal128.Num:
		_, fs := decimalParams(from)
		unscaled = rescaleBig(x.BigInt(), fs, s)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("value %v is out of range for DECIMAL(%d,%d)", x, p, s)
		}
		r := new(big.Rat)
		r.SetFloat64(x)
		unscaled = roundRat(r.Mul(r, new(big.Rat).SetInt(pow10(s))))
	case string:
		digits, scale, err := parseDecimalLiteral(strings.TrimSpace(x))
		if err != nil {
			return nil, fmt.Errorf("invalid number '%s'", x)
		}
		unscaled = rescaleBig(digits, scale, s)
	default:
		return nil, fmt.Errorf("cannot convert %s to DECIMAL(%d,%d)", logical.FormatValue(v, from), p, s)
	}
	if new(big.Int).Abs(unscaled).Cmp(pow10(p)) >= 0 {
		return nil, fmt.Errorf("value %s is out of range for DECIMAL(%d,%d)", logical.FormatPlain(v, from), p, s)
	}
	return decimal128.FromBigInt(unscaled), nil
}

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// rescaleBig changes an unscaled value from scale from to scale to,
// rounding half away from zero when digits are dropped.
func rescaleBig(v *big.Int, from, to int32) *big.Int {
	if to >= from {
		return new(big.Int).Mul(v, pow10(to-from))
	}
	return roundRat(new(big.Rat).SetFrac(v, pow10(from-to)))
}

// roundRat rounds half away from zero.
func roundRat(r *big.Rat) *big.Int {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q
}

// parseDecimalLiteral parses "[-]digits[.digits]" into an unscaled integer
// and its scale.
func parseDecimalLiteral(s string) (*big.Int, int32, error) {
	neg := false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return nil, 0, fmt.Errorf("invalid decimal %q", s)
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return nil, 0, fmt.Errorf("invalid decimal %q", s)
		}
	}
	v, _ := new(big.Int).SetString("0"+intPart+frac, 10)
	if neg {
		v.Neg(v)
	}
	return v, int32(len(frac)), nil
}

// decimalLiteral builds the literal for a decimal constant written as text:
// scale = digits after the point, precision = significant integer digits +
// scale (at least scale+1), so 0.06 is DECIMAL(3,2) and 100.00 DECIMAL(5,2).
func decimalLiteral(text string) (*logical.Literal, error) {
	v, scale, err := parseDecimalLiteral(text)
	if err != nil {
		return nil, err
	}
	intPart, _, _ := strings.Cut(strings.TrimLeft(text, "+-"), ".")
	intDigits := int32(len(strings.TrimLeft(intPart, "0")))
	prec := max(intDigits+scale, scale+1)
	if prec > logical.MaxDecimalPrecision {
		// Too many digits for DECIMAL(38): MySQL would use a DOUBLE.
		f, _ := strconv.ParseFloat(text, 64)
		return &logical.Literal{Value: f, Typ: logical.Float64}, nil
	}
	return &logical.Literal{Value: decimal128.FromBigInt(v), Typ: logical.Decimal(prec, scale)}, nil
}

func toString(v any, from arrow.DataType) (any, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case arrow.MonthDayNanoInterval:
		return nil, fmt.Errorf("cannot convert an INTERVAL to VARCHAR")
	}
	return logical.FormatPlain(v, from), nil
}

func toDate(v any) (any, error) {
	switch x := v.(type) {
	case arrow.Date32:
		return x, nil
	case arrow.Timestamp:
		return arrow.Date32FromTime(x.ToTime(arrow.Microsecond)), nil
	case string:
		t, err := parseDateText(x)
		if err != nil {
			return nil, err
		}
		return arrow.Date32FromTime(t), nil
	}
	return nil, fmt.Errorf("cannot convert %v to DATE", v)
}

func toTimestamp(v any) (any, error) {
	switch x := v.(type) {
	case arrow.Timestamp:
		return x, nil
	case arrow.Date32:
		return arrow.Timestamp(x.ToTime().UnixMicro()), nil
	case string:
		t, err := parseTimestampText(x)
		if err != nil {
			return nil, err
		}
		return arrow.Timestamp(t.UnixMicro()), nil
	}
	return nil, fmt.Errorf("cannot convert %v to TIMESTAMP", v)
}

func boolValue(v any, from arrow.DataType) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case float64:
		return x != 0, nil
	case decimal128.Num:
		return x.Sign() != 0, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil, fmt.Errorf("invalid boolean '%s'", x)
		}
		return f != 0, nil
	}
	return nil, fmt.Errorf("cannot convert %s to BOOLEAN", logical.FormatValue(v, from))
}

// parseDateText accepts YYYY-MM-DD (single-digit month and day allowed).
func parseDateText(s string) (time.Time, error) {
	t, err := time.Parse("2006-1-2", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date '%s'", s)
	}
	return t, nil
}

// parseTimestampText accepts a date, optionally followed by a time with
// optional fractional seconds.
func parseTimestampText(s string) (time.Time, error) {
	text := strings.TrimSpace(s)
	for _, layout := range []string{"2006-1-2 15:04:05.999999", "2006-1-2T15:04:05.999999", "2006-1-2 15:04", "2006-1-2"} {
		if t, err := time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp '%s'", s)
}

// aggregateResultType is the result type of an aggregate over an argument
// of type arg (see logical.AggregateExpr).
func aggregateResultType(f logical.AggFunc, arg arrow.DataType) (arrow.DataType, error) {
	switch f {
	case logical.AggCountStar, logical.AggCount:
		return logical.Int64, nil
	case logical.AggMin, logical.AggMax:
		return arg, nil
	case logical.AggSum:
		switch {
		case logical.IsInteger(arg):
			return logical.Int64, nil
		case logical.IsDecimal(arg):
			_, s := decimalParams(arg)
			return logical.Decimal(logical.MaxDecimalPrecision, s), nil
		case logical.IsFloat(arg):
			return logical.Float64, nil
		}
	case logical.AggAvg:
		switch {
		case logical.IsInteger(arg):
			return logical.Decimal(logical.MaxDecimalPrecision, divScaleIncrement), nil
		case logical.IsDecimal(arg):
			_, s := decimalParams(arg)
			return logical.Decimal(logical.MaxDecimalPrecision, min(s+divScaleIncrement, logical.MaxDecimalPrecision)), nil
		case logical.IsFloat(arg):
			return logical.Float64, nil
		}
	}
	return nil, fmt.Errorf("%s: cannot aggregate %s", strings.ToUpper(f.String()), logical.TypeName(arg))
}
