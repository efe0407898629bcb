// Package cli is Aloft's command-line front end: the interactive SQL shell,
// script execution and the table, CSV and JSON output formats. The cobra
// commands in cmd/aloft wire it up.
package cli

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// FormatValue returns the text of row i of a the way results show it, and
// whether the value is NULL (the text is then ""). Decimals have exactly
// their scale's digits, floats the shortest text that reads back the same
// value, dates are YYYY-MM-DD and timestamps YYYY-MM-DD HH:MM:SS[.ffffff].
func FormatValue(a arrow.Array, i int) (text string, null bool) {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		// A NullArray has no validity bitmap: IsNull is false for it.
		return "", true
	}
	switch a := a.(type) {
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10), false
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10), false
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), false
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), false
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10), false
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10), false
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10), false
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10), false
	case *array.Float16:
		return strconv.FormatFloat(float64(a.Value(i).Float32()), 'g', -1, 32), false
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32), false
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64), false
	case *array.Decimal128:
		return formatDecimal(a.Value(i).BigInt(), a.DataType().(*arrow.Decimal128Type).Scale), false
	case *array.Decimal256:
		return formatDecimal(a.Value(i).BigInt(), a.DataType().(*arrow.Decimal256Type).Scale), false
	case *array.String:
		return a.Value(i), false
	case *array.LargeString:
		return a.Value(i), false
	case *array.StringView:
		return a.Value(i), false
	case *array.Boolean:
		if a.Value(i) {
			return "true", false
		}
		return "false", false
	case *array.Date32:
		return a.Value(i).FormattedString(), false
	case *array.Date64:
		return a.Value(i).FormattedString(), false
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		layout := "2006-01-02 15:04:05.999999"
		if unit == arrow.Nanosecond {
			layout = "2006-01-02 15:04:05.999999999"
		}
		return a.Value(i).ToTime(unit).Format(layout), false
	case *array.Dictionary:
		return FormatValue(a.Dictionary(), a.GetValueIndex(i))
	}
	// Types results rarely hold (binary, time of day, intervals, nested):
	// Arrow's own text for them is good enough.
	return a.ValueStr(i), false
}

// formatDecimal prints an unscaled value with scale digits after the point
// (a negative scale multiplies by a power of ten).
func formatDecimal(unscaled *big.Int, scale int32) string {
	neg := unscaled.Sign() < 0
	digits := new(big.Int).Abs(unscaled).String()
	switch {
	case scale > 0:
		if pad := int(scale) + 1 - len(digits); pad > 0 {
			digits = strings.Repeat("0", pad) + digits
		}
		digits = digits[:len(digits)-int(scale)] + "." + digits[len(digits)-int(scale):]
	case scale < 0 && digits != "0":
		digits += strings.Repeat("0", int(-scale))
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// IsNumeric reports whether values of type t are numbers: the table format
// right-aligns them and JSON writes them as JSON numbers.
func IsNumeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	case arrow.DICTIONARY:
		return IsNumeric(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

// isFinite reports whether a number's text is finite: strconv spells NaN
// and the infinities NaN, +Inf and -Inf, and JSON has no numbers for them.
func isFinite(text string) bool {
	return text != "NaN" && text != "+Inf" && text != "-Inf"
}
