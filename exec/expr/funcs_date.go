package expr

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Date functions work on day numbers (Date32) and microseconds
// (Timestamp(us)) with the civil-calendar helpers of civil.go.

// temporalArg converts a string argument to DATE (MySQL accepts
// '1998-12-01' where a date is expected); dates and timestamps pass.
func temporalArg(e Expr) (Expr, error) {
	t := e.DataType()
	switch {
	case logical.IsTemporal(t):
		return e, nil
	case logical.IsString(t):
		return castTo(e, logical.Date)
	}
	return nil, fmt.Errorf("expected a DATE or TIMESTAMP, got %s", logical.TypeName(t))
}

// daysAndMicros returns the day number of every row and, for timestamps,
// the microseconds into the day (nil for dates).
func daysAndMicros(a arrow.Array) (days []int64, tod []int64, err error) {
	switch x := a.(type) {
	case *array.Date32:
		in := x.Date32Values()
		days = make([]int64, len(in))
		for i, v := range in {
			days[i] = int64(v)
		}
		return days, nil, nil
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		in := x.TimestampValues()
		days, tod = make([]int64, len(in)), make([]int64, len(in))
		for i, v := range in {
			us := toMicros(int64(v), unit)
			d := floorDiv(us, microsPerDay)
			days[i], tod[i] = d, us-d*microsPerDay
		}
		return days, tod, nil
	}
	return nil, nil, fmt.Errorf("expected a DATE or TIMESTAMP, got %s", a.DataType())
}

// compileExtract is EXTRACT(field FROM d) as extract_<field>, and the MySQL
// functions YEAR(), MONTH(), DAY() etc. All return BIGINT.
func compileExtract(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return NewLiteral(nil, logical.Int64), nil
	}
	x, err := temporalArg(args[0])
	if err != nil {
		return nil, err
	}
	field := strings.TrimPrefix(name, "extract_")
	if field == "dayofmonth" {
		field = "day"
	}
	e := &funcExpr{name: name, args: args, typ: logical.Int64}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		a, err := evalChild(x, b)
		if err != nil {
			return nil, err
		}
		valid := cloneBitmap(validity(a))
		if d, ok := a.(*array.Date32); ok && field == "year" {
			// The hot case (TPC-H Q7, Q8, Q9): straight from day numbers.
			in := d.Date32Values()
			out := make([]int64, len(in))
			for i, v := range in {
				out[i], _, _ = civilFromDays(int64(v))
			}
			return newFixed(logical.Int64, out, valid), nil
		}
		days, tod, err := daysAndMicros(a)
		if err != nil {
			return nil, err
		}
		out := make([]int64, len(days))
		for i, dn := range days {
			var t int64
			if tod != nil {
				t = tod[i]
			}
			y, m, d := civilFromDays(dn)
			switch field {
			case "year":
				out[i] = y
			case "month":
				out[i] = int64(m)
			case "day":
				out[i] = int64(d)
			case "quarter":
				out[i] = int64((m-1)/3 + 1)
			case "hour":
				out[i] = t / (3600 * microsPerSecond)
			case "minute":
				out[i] = t / (60 * microsPerSecond) % 60
			case "second":
				out[i] = t / microsPerSecond % 60
			case "dayofweek": // MySQL: 1 = Sunday; 1970-01-01 was a Thursday
				out[i] = (dn%7+11)%7 + 1
			case "dayofyear":
				out[i] = dn - daysFromCivil(y, 1, 1) + 1
			default:
				return nil, fmt.Errorf("unknown date field %s", field)
			}
		}
		return newFixed(logical.Int64, out, valid), nil
	}
	return e, nil
}

// compileDateAdd is DATE_ADD / DATE_SUB(d, INTERVAL ...). The interval must
// be constant (Aloft has no interval columns).
func compileDateAdd(name string, args []Expr, typ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 2); err != nil {
		return nil, err
	}
	sub := name == "date_sub" || name == "subdate"
	d := args[0]
	if logical.IsString(d.DataType()) {
		var err error
		if d, err = castTo(d, logical.Date); err != nil {
			return nil, err
		}
	}
	iv := args[1]
	if logical.IsInteger(iv.DataType()) {
		// ADDDATE(d, n) adds days.
		v, ok := literalOf(iv)
		if !ok {
			return nil, fmt.Errorf("%s needs a constant interval", name)
		}
		if v == nil {
			return NewLiteral(nil, d.DataType()), nil
		}
		iv = NewLiteral(arrow.MonthDayNanoInterval{Days: int32(v.(int64))}, logical.Interval)
	}
	return newDateAdd(d, iv, sub, typ)
}

// dateAddExpr adds a constant interval to dates or timestamps. Months are
// added first (clamping the day to the month's end, as MySQL), then days,
// then the sub-day part.
type dateAddExpr struct {
	input  Expr
	iv     arrow.MonthDayNanoInterval
	months int64
	days   int64
	micros int64
	typ    arrow.DataType
}

func newDateAdd(d, iv Expr, sub bool, typ arrow.DataType) (Expr, error) {
	if iv.DataType().ID() != arrow.INTERVAL_MONTH_DAY_NANO && !logical.IsNull(iv.DataType()) {
		return nil, fmt.Errorf("expected an INTERVAL, got %s", logical.TypeName(iv.DataType()))
	}
	if !logical.IsTemporal(d.DataType()) && !logical.IsNull(d.DataType()) {
		return nil, fmt.Errorf("expected a DATE or TIMESTAMP, got %s", logical.TypeName(d.DataType()))
	}
	v, ok := literalOf(iv)
	if !ok {
		return nil, fmt.Errorf("the interval must be a constant")
	}
	if v == nil || isNullLiteral(d) {
		if typ == nil {
			typ = d.DataType()
		}
		return NewLiteral(nil, typ), nil
	}
	in := v.(arrow.MonthDayNanoInterval)
	e := &dateAddExpr{input: d, iv: in, months: int64(in.Months), days: int64(in.Days), micros: in.Nanoseconds / 1000}
	if sub {
		e.months, e.days, e.micros = -e.months, -e.days, -e.micros
	}
	switch {
	case typ != nil && logical.IsTemporal(typ):
		e.typ = typ
	case d.DataType().ID() == arrow.DATE32 && e.micros == 0:
		e.typ = logical.Date
	default:
		e.typ = logical.Timestamp
	}
	return e, nil
}

func (e *dateAddExpr) DataType() arrow.DataType { return e.typ }
func (e *dateAddExpr) String() string {
	return fmt.Sprintf("(%s + INTERVAL '%d months %d days %d us')", e.input, e.months, e.days, e.micros)
}

func (e *dateAddExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := evalChild(e.input, b)
	if err != nil {
		return nil, err
	}
	valid := cloneBitmap(validity(a))
	if d, ok := a.(*array.Date32); ok && e.typ.ID() == arrow.DATE32 {
		in := d.Date32Values()
		out := make([]arrow.Date32, len(in))
		if e.months == 0 {
			delta := arrow.Date32(e.days)
			for i, v := range in {
				out[i] = v + delta
			}
		} else {
			for i, v := range in {
				out[i] = arrow.Date32(addMonths(int64(v), e.months) + e.days)
			}
		}
		return newFixed(e.typ, out, valid), nil
	}
	days, tod, err := daysAndMicros(a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	out := make([]arrow.Timestamp, len(days))
	for i, dn := range days {
		var t int64
		if tod != nil {
			t = tod[i]
		}
		out[i] = arrow.Timestamp((addMonths(dn, e.months)+e.days)*microsPerDay + t + e.micros)
	}
	res := newFixed(logical.Timestamp, out, valid)
	if e.typ.ID() != arrow.TIMESTAMP || !arrow.TypeEqual(e.typ, logical.Timestamp) {
		return castArray(res, e.typ)
	}
	return res, nil
}

// compileDateDiff is DATEDIFF(a, b): days from b to a, as BIGINT.
func compileDateDiff(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 2); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return NewLiteral(nil, logical.Int64), nil
	}
	var xs [2]Expr
	for i := range xs {
		x, err := temporalArg(args[i])
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	e := &funcExpr{name: name, args: args, typ: logical.Int64}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		var ds [2][]int64
		var vs [2][]byte
		var masks [2]int
		for i, x := range xs {
			a, err := evalBranch(x, b)
			if err != nil {
				return nil, err
			}
			if ds[i], _, err = daysAndMicros(a); err != nil {
				return nil, err
			}
			vs[i] = validity(a)
			masks[i] = -1
			if a.Len() != n {
				masks[i] = 0
			}
		}
		out := make([]int64, n)
		for i := range out {
			out[i] = ds[0][i&masks[0]] - ds[1][i&masks[1]]
		}
		var v0, v1 []byte
		if masks[0] != 0 {
			v0 = vs[0]
		}
		if masks[1] != 0 {
			v1 = vs[1]
		}
		return newFixed(logical.Int64, out, andValidity(n, v0, v1)), nil
	}
	return e, nil
}
