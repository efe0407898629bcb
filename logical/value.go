package logical

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// FormatValue prints a literal value of type t the way SQL would write it:
// strings quoted, dates as DATE 'YYYY-MM-DD', decimals with their scale.
func FormatValue(v any, t arrow.DataType) string {
	if v == nil {
		return "NULL"
	}
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case arrow.Date32:
		return "DATE '" + x.FormattedString() + "'"
	case arrow.Timestamp:
		return "TIMESTAMP '" + x.ToTime(arrow.Microsecond).Format("2006-01-02 15:04:05.999999") + "'"
	case arrow.MonthDayNanoInterval:
		return fmt.Sprintf("INTERVAL '%d months %d days %d ns'", x.Months, x.Days, x.Nanoseconds)
	}
	return FormatPlain(v, t)
}

// FormatPlain prints a value without SQL quoting, as result output shows it:
// decimals with exactly their scale digits, dates as YYYY-MM-DD, NULL as "NULL".
func FormatPlain(v any, t arrow.DataType) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case decimal128.Num:
		scale := int32(0)
		if d, ok := t.(*arrow.Decimal128Type); ok {
			scale = d.Scale
		}
		return FormatDecimal(x, scale)
	case string:
		return x
	case arrow.Date32:
		return x.FormattedString()
	case arrow.Timestamp:
		return x.ToTime(arrow.Microsecond).Format("2006-01-02 15:04:05.999999")
	}
	return fmt.Sprint(v)
}

// FormatDecimal prints an unscaled decimal with scale digits after the point.
func FormatDecimal(n decimal128.Num, scale int32) string {
	neg := n.Sign() < 0
	if neg {
		n = n.Negate()
	}
	digits := n.BigInt().String()
	if scale > 0 {
		for int32(len(digits)) <= scale {
			digits = "0" + digits
		}
		digits = digits[:int32(len(digits))-scale] + "." + digits[int32(len(digits))-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}
