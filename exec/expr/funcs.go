package expr

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
)

// funcExpr is a scalar function call. Each function's compile step checks
// and converts the arguments and returns the batch kernel as eval; the
// kernel captures literal arguments as Go scalars.
type funcExpr struct {
	name string
	args []Expr
	typ  arrow.DataType
	eval func(b arrow.RecordBatch) (arrow.Array, error)
}

func (e *funcExpr) DataType() arrow.DataType { return e.typ }
func (e *funcExpr) String() string {
	parts := make([]string, len(e.args))
	for i, a := range e.args {
		parts[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", e.name, strings.Join(parts, ", "))
}
func (e *funcExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	out, err := e.eval(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	return out, nil
}

// funcCompiler builds a function from compiled arguments and the result type
// the binder chose (which may be nil for functions whose type is fixed).
type funcCompiler func(name string, args []Expr, typ arrow.DataType) (Expr, error)

// functions is the function library, by lower-case name.
var functions map[string]funcCompiler

func init() {
	functions = map[string]funcCompiler{
		"substring": compileSubstring, "substr": compileSubstring,
		"left": compileLeftRight, "right": compileLeftRight,
		"upper": compileCaseMap, "ucase": compileCaseMap,
		"lower": compileCaseMap, "lcase": compileCaseMap,
		"length": compileLength, "octet_length": compileLength,
		"char_length": compileLength, "character_length": compileLength,
		"concat": compileConcat,
		"trim":   compileTrim, "ltrim": compileTrim, "rtrim": compileTrim,
		"replace": compileReplace,
		"reverse": compileReverse,
		"instr":   compileInstr, "locate": compileInstr, "position": compileInstr, "strpos": compileInstr,
		"lpad": compilePad, "rpad": compilePad,
		"round": compileRound, "truncate": compileRound,
		"floor": compileFloorCeil, "ceil": compileFloorCeil, "ceiling": compileFloorCeil,
		"abs":  compileAbs,
		"sign": compileSign,
		"sqrt": compileFloatFunc, "ln": compileFloatFunc, "log10": compileFloatFunc, "log2": compileFloatFunc,
		"exp": compileFloatFunc, "power": compileFloatFunc, "pow": compileFloatFunc,
		"mod":      compileMod,
		"coalesce": compileCoalesce, "ifnull": compileCoalesce,
		"nullif":       compileNullIf,
		"if":           compileIf,
		"extract_year": compileExtract, "year": compileExtract,
		"extract_month": compileExtract, "month": compileExtract,
		"extract_day": compileExtract, "day": compileExtract, "dayofmonth": compileExtract,
		"extract_quarter": compileExtract, "quarter": compileExtract,
		"extract_hour": compileExtract, "hour": compileExtract,
		"extract_minute": compileExtract, "minute": compileExtract,
		"extract_second": compileExtract, "second": compileExtract,
		"dayofweek": compileExtract, "dayofyear": compileExtract,
		"date_add": compileDateAdd, "adddate": compileDateAdd,
		"date_sub": compileDateAdd, "subdate": compileDateAdd,
		"datediff": compileDateDiff,
	}
}

func (c *compiler) compileFunc(x *logical.FuncCall) (Expr, error) {
	name := strings.ToLower(x.Name)
	fc, ok := functions[name]
	if !ok {
		return nil, fmt.Errorf("unknown function %s", x.Name)
	}
	args, err := c.compileAll(x.Args)
	if err != nil {
		return nil, err
	}
	e, err := fc(name, args, x.Typ)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x, err)
	}
	if x.Typ != nil && !arrow.TypeEqual(e.DataType(), x.Typ) && x.Typ.ID() != arrow.NULL {
		// The binder's type wins (e.g. LENGTH typed INT): convert once.
		return newCast(e, x.Typ)
	}
	return e, nil
}

func wantArgs(name string, args []Expr, lo, hi int) error {
	if len(args) < lo || len(args) > hi {
		if lo == hi {
			return fmt.Errorf("%s takes %d arguments, got %d", name, lo, len(args))
		}
		return fmt.Errorf("%s takes %d to %d arguments, got %d", name, lo, hi, len(args))
	}
	return nil
}

// anyNullLiteral reports whether an argument is the NULL constant, which
// makes most functions NULL outright.
func anyNullLiteral(args []Expr) bool {
	for _, a := range args {
		if isNullLiteral(a) {
			return true
		}
	}
	return false
}

// intArg is an integer argument: a literal scalar or a column of int64s.
type intArg struct {
	e      Expr
	scalar int64
	isLit  bool
}

func newIntArg(e Expr) (intArg, error) {
	e, err := castTo(e, arrow.PrimitiveTypes.Int64)
	if err != nil {
		return intArg{}, err
	}
	if v, ok := literalOf(e); ok {
		return intArg{e: e, scalar: v.(int64), isLit: true}, nil
	}
	return intArg{e: e}, nil
}

// values returns the argument as a slice and index mask, plus its validity.
func (a intArg) values(b arrow.RecordBatch) ([]int64, int, []byte, error) {
	if a.isLit {
		return []int64{a.scalar}, 0, nil, nil
	}
	arr, err := evalChild(a.e, b)
	if err != nil {
		return nil, 0, nil, err
	}
	v, _ := intValues(arr)
	return v, -1, validity(arr), nil
}
