package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// CAST semantics (MySQL-like where MySQL is sane, NULL where MySQL would
// warn and make up a value):
//   - numbers to narrower integers or decimals: rounded half away from zero;
//     out of range is an error ("decimal overflow in ..." for decimals);
//   - text to numbers, dates and timestamps: unparseable text is NULL (MySQL
//     returns 0 with a warning; NULL cannot be mistaken for data);
//   - to text: decimals with exactly their scale, dates YYYY-MM-DD,
//     timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]', booleans 1/0;
//   - dates to integers are YYYYMMDD and timestamps YYYYMMDDHHMMSS, as MySQL.

// castExpr converts its input to another type.
type castExpr struct {
	input Expr
	to    arrow.DataType
}

func (e *castExpr) DataType() arrow.DataType { return e.to }
func (e *castExpr) String() string {
	return fmt.Sprintf("CAST(%s AS %s)", e.input, logical.TypeName(e.to))
}

func (e *castExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := evalChild(e.input, b)
	if err != nil {
		return nil, err
	}
	out, err := castArray(a, e.to)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	return out, nil
}

// newCast builds a cast, checking at compile time that it is supported.
// Literal inputs are converted once, here.
func newCast(in Expr, to arrow.DataType) (Expr, error) {
	from := in.DataType()
	if arrow.TypeEqual(from, to) {
		return in, nil
	}
	if !castSupported(from, to) {
		return nil, fmt.Errorf("cannot cast %s to %s", logical.TypeName(from), logical.TypeName(to))
	}
	if v, ok := literalOf(in); ok {
		cv, err := castScalar(v, from, to)
		if err != nil {
			return nil, fmt.Errorf("CAST(%s AS %s): %w", in, logical.TypeName(to), err)
		}
		return NewLiteral(cv, to), nil
	}
	return &castExpr{input: in, to: to}, nil
}

type typeClass int

const (
	clsOther typeClass = iota
	clsNull
	clsBool
	clsInt
	clsFloat
	clsDecimal
	clsString
	clsDate
	clsTimestamp
)

func classOf(t arrow.DataType) typeClass {
	switch {
	case t.ID() == arrow.NULL:
		return clsNull
	case t.ID() == arrow.BOOL:
		return clsBool
	case logical.IsInteger(t):
		return clsInt
	case t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64:
		return clsFloat
	case t.ID() == arrow.DECIMAL128:
		return clsDecimal
	case t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING:
		return clsString
	case t.ID() == arrow.DATE32:
		return clsDate
	case t.ID() == arrow.TIMESTAMP:
		return clsTimestamp
	case t.ID() == arrow.DICTIONARY:
		return classOf(t.(*arrow.DictionaryType).ValueType)
	}
	return clsOther
}

func castSupported(from, to arrow.DataType) bool {
	f, t := classOf(from), classOf(to)
	if f == clsOther || t == clsOther || t == clsNull {
		return arrow.TypeEqual(from, to)
	}
	if t == clsString && to.ID() != arrow.STRING {
		return false
	}
	switch t {
	case clsDate:
		return f == clsNull || f == clsString || f == clsDate || f == clsTimestamp
	case clsTimestamp:
		return f == clsNull || f == clsString || f == clsDate || f == clsTimestamp
	case clsFloat, clsDecimal, clsBool:
		return f != clsDate && f != clsTimestamp
	}
	return true
}

// castArray converts an array to type to (see the semantics above).
func castArray(a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	if d, ok := a.(*array.Dictionary); ok {
		var err error
		if a, err = decodeDictionary(d); err != nil {
			return nil, err
		}
	}
	from := a.DataType()
	if arrow.TypeEqual(from, to) {
		return a, nil
	}
	if !castSupported(from, to) {
		return nil, fmt.Errorf("cannot cast %s to %s", logical.TypeName(from), logical.TypeName(to))
	}
	n := a.Len()
	if from.ID() == arrow.NULL {
		return nullArray(to, n), nil
	}
	switch classOf(to) {
	case clsInt:
		vals, valid, err := toInt64s(a)
		if err != nil {
			return nil, err
		}
		return narrowInts(to, vals, valid)
	case clsFloat:
		vals, valid, err := toFloat64s(a)
		if err != nil {
			return nil, err
		}
		if to.ID() == arrow.FLOAT32 {
			f32 := make([]float32, n)
			for i, v := range vals {
				f32[i] = float32(v)
			}
			return newFixed(to, f32, valid), nil
		}
		return newFixed(to, vals, valid), nil
	case clsDecimal:
		dt := to.(*arrow.Decimal128Type)
		vals, valid, err := toDecimals(a, dt.Precision, dt.Scale)
		if err != nil {
			return nil, err
		}
		return newFixed(to, vals, valid), nil
	case clsString:
		return toStrings(a)
	case clsDate:
		return toDates(a)
	case clsTimestamp:
		return toTimestamps(a, to)
	case clsBool:
		return toBools(a)
	}
	return nil, fmt.Errorf("cannot cast %s to %s", logical.TypeName(from), logical.TypeName(to))
}

// widen copies integer values of any width into int64s.
func widen[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](in []T) []int64 {
	out := make([]int64, len(in))
	for i, v := range in {
		out[i] = int64(v)
	}
	return out
}

// intValues returns the values of any integer array as int64s (shared for Int64).
func intValues(a arrow.Array) ([]int64, bool) {
	switch x := a.(type) {
	case *array.Int64:
		return x.Int64Values(), true
	case *array.Int32:
		return widen(x.Int32Values()), true
	case *array.Int16:
		return widen(x.Int16Values()), true
	case *array.Int8:
		return widen(x.Int8Values()), true
	case *array.Uint8:
		return widen(x.Uint8Values()), true
	case *array.Uint16:
		return widen(x.Uint16Values()), true
	case *array.Uint32:
		return widen(x.Uint32Values()), true
	case *array.Uint64:
		return widen(x.Uint64Values()), true
	}
	return nil, false
}

// floatValues returns the values of a float array as float64s.
func floatValues(a arrow.Array) ([]float64, bool) {
	switch x := a.(type) {
	case *array.Float64:
		return x.Float64Values(), true
	case *array.Float32:
		in := x.Float32Values()
		out := make([]float64, len(in))
		for i, v := range in {
			out[i] = float64(v)
		}
		return out, true
	}
	return nil, false
}

func decScale(a arrow.Array) int32 { return a.DataType().(*arrow.Decimal128Type).Scale }

func errRange(v string, t string) error { return fmt.Errorf("value %s out of range for %s", v, t) }

func toInt64s(a arrow.Array) ([]int64, []byte, error) {
	n := a.Len()
	valid := validity(a)
	if v, ok := intValues(a); ok {
		return v, cloneBitmap(valid), nil
	}
	out := make([]int64, n)
	owned := false
	switch x := a.(type) {
	case *array.Boolean:
		for i := range out {
			out[i] = int64(b2u8(x.Value(i)))
		}
	case *array.Float32, *array.Float64:
		f, _ := floatValues(a)
		for i, v := range f {
			if !isValid(valid, i) {
				continue
			}
			if math.IsNaN(v) {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			r := math.Round(v)
			if !(r >= math.MinInt64 && r < math.MaxInt64) {
				return nil, nil, errRange(strconv.FormatFloat(v, 'g', -1, 64), "BIGINT")
			}
			out[i] = int64(r)
		}
	case *array.Decimal128:
		s := decScale(a)
		for i, v := range x.Values() {
			if !isValid(valid, i) {
				continue
			}
			r, ok := rescale(v, s, 0)
			if !ok || !is64(r) {
				return nil, nil, errRange(logical.FormatDecimal(v, s), "BIGINT")
			}
			out[i] = int64(r.LowBits())
		}
	case *array.String:
		offs, data := stringData(x)
		for i := range out {
			if !isValid(valid, i) {
				continue
			}
			s := data[offs[i]:offs[i+1]]
			if v, ok := parseInt64(s); ok {
				out[i] = v
				continue
			}
			d, ok, overflow := parseDecimal(s, 0)
			switch {
			case overflow || (ok && !is64(d)):
				return nil, nil, errRange(strconv.Quote(string(s)), "BIGINT")
			case ok:
				out[i] = int64(d.LowBits())
			default:
				valid = nullAt(valid, &owned, n, i)
			}
		}
	case *array.Date32:
		for i, v := range x.Date32Values() {
			y, m, d := civilFromDays(int64(v))
			out[i] = y*10000 + int64(m)*100 + int64(d)
		}
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		for i, v := range x.TimestampValues() {
			us := toMicros(int64(v), unit)
			days := floorDiv(us, microsPerDay)
			secs := (us - days*microsPerDay) / microsPerSecond
			y, m, d := civilFromDays(days)
			out[i] = ((y*10000+int64(m)*100+int64(d))*100+secs/3600)*10000 + secs/60%60*100 + secs%60
		}
	default:
		return nil, nil, fmt.Errorf("cannot cast %s to an integer", logical.TypeName(a.DataType()))
	}
	return out, valid, nil
}

// parseInt64 parses an optionally signed decimal integer (surrounding
// spaces allowed) without allocating.
func parseInt64(s []byte) (int64, bool) {
	s = trimSpace(s)
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// narrowInts converts int64s to an integer type, checking the range.
func narrowInts(to arrow.DataType, vals []int64, valid []byte) (arrow.Array, error) {
	if to.ID() == arrow.INT64 {
		return newFixed(to, vals, valid), nil
	}
	lo, hi := intRange(to)
	for i, v := range vals {
		if (v < lo || v > hi) && isValid(valid, i) {
			return nil, errRange(strconv.FormatInt(v, 10), logical.TypeName(to))
		}
	}
	switch to.ID() {
	case arrow.INT32:
		return newFixed(to, narrow[int32](vals), valid), nil
	case arrow.INT16:
		return newFixed(to, narrow[int16](vals), valid), nil
	case arrow.INT8:
		return newFixed(to, narrow[int8](vals), valid), nil
	case arrow.UINT8:
		return newFixed(to, narrow[uint8](vals), valid), nil
	case arrow.UINT16:
		return newFixed(to, narrow[uint16](vals), valid), nil
	case arrow.UINT32:
		return newFixed(to, narrow[uint32](vals), valid), nil
	case arrow.UINT64:
		return newFixed(to, narrow[uint64](vals), valid), nil
	}
	return nil, fmt.Errorf("cannot cast to %s", to)
}

func narrow[T int8 | int16 | int32 | uint8 | uint16 | uint32 | uint64](in []int64) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return out
}

func toFloat64s(a arrow.Array) ([]float64, []byte, error) {
	n := a.Len()
	valid := validity(a)
	if f, ok := floatValues(a); ok {
		return f, cloneBitmap(valid), nil
	}
	out := make([]float64, n)
	if v, ok := intValues(a); ok {
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, cloneBitmap(valid), nil
	}
	owned := false
	switch x := a.(type) {
	case *array.Boolean:
		for i := range out {
			out[i] = float64(b2u8(x.Value(i)))
		}
	case *array.Decimal128:
		s := decScale(a)
		for i, v := range x.Values() {
			out[i] = decToFloat(v, s)
		}
	case *array.String:
		offs, data := stringData(x)
		for i := range out {
			if !isValid(valid, i) {
				continue
			}
			f, err := strconv.ParseFloat(string(trimSpace(data[offs[i]:offs[i+1]])), 64)
			if err != nil && !isRangeErr(err) {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			out[i] = f
		}
	default:
		return nil, nil, fmt.Errorf("cannot cast %s to DOUBLE", logical.TypeName(a.DataType()))
	}
	return out, valid, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// decToFloat converts exactly representable decimals with one correctly
// rounded division (both operands exact below 2^53 and 10^22).
func decToFloat(v num, scale int32) float64 {
	if is64(v) {
		x := int64(v.LowBits())
		if x > -(1<<53) && x < 1<<53 && scale <= 22 {
			if scale >= 0 {
				return float64(x) / math.Pow10(int(scale))
			}
			return float64(x) * math.Pow10(int(-scale))
		}
	}
	return v.ToFloat64(scale)
}

func toDecimals(a arrow.Array, prec, scale int32) ([]num, []byte, error) {
	n := a.Len()
	valid := validity(a)
	out := make([]num, n)
	owned := false
	overflow := func(v string) error {
		return fmt.Errorf("decimal overflow in CAST(%s AS DECIMAL(%d,%d))", v, prec, scale)
	}
	if v, ok := intValues(a); ok {
		for i, x := range v {
			d, ok := scaleUp(num64(x), scale)
			if (!ok || !fitsPrecision(d, prec)) && isValid(valid, i) {
				return nil, nil, overflow(strconv.FormatInt(x, 10))
			}
			out[i] = d
		}
		return out, cloneBitmap(valid), nil
	}
	switch x := a.(type) {
	case *array.Boolean:
		for i := range out {
			if x.Value(i) {
				out[i] = pow10[scale]
			}
		}
	case *array.Float32, *array.Float64:
		f, _ := floatValues(a)
		var buf []byte
		for i, v := range f {
			if !isValid(valid, i) {
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			// Go through the shortest decimal text of the double, as MySQL
			// does, so 0.285 rounds to 0.29 rather than from 0.28499999...
			buf = strconv.AppendFloat(buf[:0], v, 'e', -1, 64)
			d, ok, ovf := parseDecimal(buf, scale)
			if !ok || ovf || !fitsPrecision(d, prec) {
				return nil, nil, overflow(string(buf))
			}
			out[i] = d
		}
	case *array.Decimal128:
		s := decScale(a)
		for i, v := range x.Values() {
			d, ok := rescale(v, s, scale)
			if (!ok || !fitsPrecision(d, prec)) && isValid(valid, i) {
				return nil, nil, overflow(logical.FormatDecimal(v, s))
			}
			out[i] = d
		}
	case *array.String:
		offs, data := stringData(x)
		for i := range out {
			if !isValid(valid, i) {
				continue
			}
			s := data[offs[i]:offs[i+1]]
			d, ok, ovf := parseDecimal(s, scale)
			if ovf || (ok && !fitsPrecision(d, prec)) {
				return nil, nil, overflow(strconv.Quote(string(s)))
			}
			if !ok {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			out[i] = d
		}
	default:
		return nil, nil, fmt.Errorf("cannot cast %s to DECIMAL", logical.TypeName(a.DataType()))
	}
	if !owned {
		valid = cloneBitmap(valid)
	}
	return out, valid, nil
}

// parseDecimal parses text such as "-12.345", "1e3" or " .5 " to an
// unscaled value at the given scale, rounding half away from zero. ok is
// false for text that is not a number; overflow reports a value too wide
// for 38 digits.
func parseDecimal(s []byte, scale int32) (v num, ok, overflow bool) {
	s = trimSpace(s)
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	// Significant digits (leading zeros dropped) and how many of them are
	// before the decimal point.
	var digs [80]byte
	nd, dp := 0, 0
	seenDigit, seenPoint := false, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			if c == '0' && nd == 0 {
				if seenPoint {
					dp--
				}
				continue
			}
			if nd < len(digs) {
				digs[nd] = c
				nd++
				if !seenPoint {
					dp++
				}
			} else if !seenPoint {
				return num{}, true, true
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			goto exponent
		}
	}
exponent:
	if !seenDigit {
		return num{}, false, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return num{}, false, false
		}
		e, j := int64(0), i+1
		eneg := false
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			eneg = s[j] == '-'
			j++
		}
		if j == len(s) {
			return num{}, false, false
		}
		for ; j < len(s); j++ {
			if s[j] < '0' || s[j] > '9' {
				return num{}, false, false
			}
			if e < 1000 {
				e = e*10 + int64(s[j]-'0')
			}
		}
		if eneg {
			e = -e
		}
		dp += int(e)
	}
	// The unscaled value is the first dp+scale digits (padded with zeros);
	// the next digit decides rounding.
	k := dp + int(scale)
	if k > maxDigits+1 && nd > 0 {
		return num{}, true, true
	}
	var acc num
	for j := 0; j < k; j++ {
		d := int64(0)
		if j < nd {
			d = int64(digs[j] - '0')
		}
		var ok1, ok2 bool
		acc, ok1 = mul128(acc, pow10[1])
		acc, ok2 = add128(acc, num64(d))
		if !ok1 || !ok2 {
			return num{}, true, true
		}
	}
	if k >= 0 && k < nd && digs[k] >= '5' {
		acc, _ = add128(acc, num64(1))
	}
	if !fits38(acc) {
		return num{}, true, true
	}
	if neg {
		acc = acc.Negate()
	}
	return acc, true, false
}

func toStrings(a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	valid := validity(a)
	sb := newStringBuilder(n, n*8)
	var buf []byte
	emit := func(i int, f func([]byte) []byte) {
		if !isValid(valid, i) {
			sb.appendEmpty()
			return
		}
		buf = f(buf[:0])
		sb.append(buf)
	}
	if v, ok := intValues(a); ok {
		for i, x := range v {
			emit(i, func(b []byte) []byte { return strconv.AppendInt(b, x, 10) })
		}
		return sb.finish(cloneBitmap(valid))
	}
	switch x := a.(type) {
	case *array.Boolean:
		for i := 0; i < n; i++ {
			emit(i, func(b []byte) []byte { return append(b, '0'+b2u8(x.Value(i))) })
		}
	case *array.Float32, *array.Float64:
		f, _ := floatValues(a)
		for i, v := range f {
			emit(i, func(b []byte) []byte { return appendFloat(b, v) })
		}
	case *array.Decimal128:
		s := decScale(a)
		for i, v := range x.Values() {
			emit(i, func(b []byte) []byte { return appendDecimal(b, v, s) })
		}
	case *array.Date32:
		for i, v := range x.Date32Values() {
			emit(i, func(b []byte) []byte { return appendDate(b, int64(v)) })
		}
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		for i, v := range x.TimestampValues() {
			emit(i, func(b []byte) []byte { return appendTimestamp(b, toMicros(int64(v), unit)) })
		}
	case *array.LargeString:
		for i := 0; i < n; i++ {
			emit(i, func(b []byte) []byte { return append(b, x.Value(i)...) })
		}
	default:
		return nil, fmt.Errorf("cannot cast %s to VARCHAR", logical.TypeName(a.DataType()))
	}
	return sb.finish(cloneBitmap(valid))
}

// appendFloat prints a double the way MySQL does: plain digits for
// ordinary magnitudes, exponent notation for very large or small ones.
func appendFloat(b []byte, v float64) []byte {
	if abs := math.Abs(v); abs == 0 || (abs >= 1e-6 && abs < 1e15) {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	// Go prints 1e+21; MySQL prints 1e21.
	if i := strings.IndexByte(string(b[start:]), '+'); i >= 0 {
		b = append(b[:start+i], b[start+i+1:]...)
	}
	return b
}

// appendDecimal prints an unscaled decimal with exactly scale fraction
// digits, without big.Int for values that fit in 64 bits.
func appendDecimal(b []byte, v num, scale int32) []byte {
	if !is64(v) {
		return append(b, logical.FormatDecimal(v, scale)...)
	}
	x := int64(v.LowBits())
	u := uint64(x)
	if x < 0 {
		b = append(b, '-')
		u = -u
	}
	var buf [24]byte
	digits := appendUint(buf[:0], u)
	if scale <= 0 {
		return append(b, digits...)
	}
	s := int(scale)
	if len(digits) <= s {
		b = append(b, '0', '.')
		for i := len(digits); i < s; i++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:len(digits)-s]...)
	b = append(b, '.')
	return append(b, digits[len(digits)-s:]...)
}

func toDates(a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	valid := validity(a)
	out := make([]arrow.Date32, n)
	owned := false
	switch x := a.(type) {
	case *array.String:
		offs, data := stringData(x)
		for i := range out {
			if !isValid(valid, i) {
				continue
			}
			d, ok := parseDate(data[offs[i]:offs[i+1]])
			if !ok {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			out[i] = arrow.Date32(d)
		}
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		for i, v := range x.TimestampValues() {
			out[i] = arrow.Date32(floorDiv(toMicros(int64(v), unit), microsPerDay))
		}
	default:
		return nil, fmt.Errorf("cannot cast %s to DATE", logical.TypeName(a.DataType()))
	}
	if !owned {
		valid = cloneBitmap(valid)
	}
	return newFixed(logical.Date, out, valid), nil
}

func toTimestamps(a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	n := a.Len()
	valid := validity(a)
	us := make([]int64, n)
	owned := false
	switch x := a.(type) {
	case *array.String:
		offs, data := stringData(x)
		for i := range us {
			if !isValid(valid, i) {
				continue
			}
			t, ok := parseTimestamp(data[offs[i]:offs[i+1]])
			if !ok {
				valid = nullAt(valid, &owned, n, i)
				continue
			}
			us[i] = t
		}
	case *array.Date32:
		for i, v := range x.Date32Values() {
			us[i] = int64(v) * microsPerDay
		}
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		for i, v := range x.TimestampValues() {
			us[i] = toMicros(int64(v), unit)
		}
	default:
		return nil, fmt.Errorf("cannot cast %s to TIMESTAMP", logical.TypeName(a.DataType()))
	}
	if !owned {
		valid = cloneBitmap(valid)
	}
	out := make([]arrow.Timestamp, n)
	unit := to.(*arrow.TimestampType).Unit
	for i, v := range us {
		switch unit {
		case arrow.Second:
			v = floorDiv(v, microsPerSecond)
		case arrow.Millisecond:
			v = floorDiv(v, 1000)
		case arrow.Nanosecond:
			v *= 1000
		}
		out[i] = arrow.Timestamp(v)
	}
	return newFixed(to, out, valid), nil
}

func toBools(a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	valid := validity(a)
	out := make([]byte, bitmapLen(n))
	owned := false
	if v, ok := intValues(a); ok {
		for i, x := range v {
			out[i>>3] |= b2u8(x != 0) << uint(i&7)
		}
		return newBool(n, out, cloneBitmap(valid)), nil
	}
	switch x := a.(type) {
	case *array.Float32, *array.Float64:
		f, _ := floatValues(a)
		for i, v := range f {
			out[i>>3] |= b2u8(v != 0) << uint(i&7)
		}
	case *array.Decimal128:
		for i, v := range x.Values() {
			out[i>>3] |= b2u8(v != num{}) << uint(i&7)
		}
	case *array.String:
		offs, data := stringData(x)
		for i := 0; i < n; i++ {
			if !isValid(valid, i) {
				continue
			}
			s := strings.ToLower(string(trimSpace(data[offs[i]:offs[i+1]])))
			switch s {
			case "1", "true":
				setBit(out, i)
			case "0", "false":
			default:
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					if f != 0 {
						setBit(out, i)
					}
					continue
				}
				valid = nullAt(valid, &owned, n, i)
			}
		}
	default:
		return nil, fmt.Errorf("cannot cast %s to BOOLEAN", logical.TypeName(a.DataType()))
	}
	if !owned {
		valid = cloneBitmap(valid)
	}
	return newBool(n, out, valid), nil
}
