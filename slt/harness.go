// Package slt runs sqllogictest files (https://www.sqlite.org/sqllogictest)
// against Aloft, on top of github.com/dolthub/sqllogictest/go: its record
// parser (conditions, sort modes, hash thresholds, hashed results) and its
// Harness interface. Harness adapts any Executor (an in-process engine, or
// later a cluster client) to that interface; RunFile executes one file and
// counts ok / not ok / skipped records, checking column types strictly.
package slt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/dolthub/sqllogictest/go/logictest"

	"github.com/aloftdb/aloft/engine"
)

// EngineName is the name skipif/onlyif conditions test: Aloft speaks MySQL.
const EngineName = "mysql"

// Executor runs SQL text and returns the result of its last statement.
// *engine.Engine implements it.
type Executor interface {
	Execute(ctx context.Context, sql string) (*engine.Result, error)
}

// Harness implements logictest.Harness over an Executor. Init replaces the
// executor with a fresh one (a clean database per test file).
type Harness struct {
	newExecutor func() (Executor, error)
	exec        Executor
	// TimeoutSeconds is returned by GetTimeout (0: the library's default).
	TimeoutSeconds int64
}

var _ logictest.Harness = (*Harness)(nil)

// NewHarness returns a harness that calls newExecutor for every file.
func NewHarness(newExecutor func() (Executor, error)) *Harness {
	return &Harness{newExecutor: newExecutor}
}

// NewEngineHarness returns a harness over in-process engines with opts.
func NewEngineHarness(opts engine.Options) *Harness {
	return NewHarness(func() (Executor, error) { return engine.New(opts), nil })
}

// EngineStr implements logictest.Harness.
func (h *Harness) EngineStr() string { return EngineName }

// Init implements logictest.Harness: a fresh, empty database.
func (h *Harness) Init() error {
	e, err := h.newExecutor()
	if err != nil {
		return err
	}
	h.exec = e
	return nil
}

// GetTimeout implements logictest.Harness.
func (h *Harness) GetTimeout() int64 { return h.TimeoutSeconds }

// ExecuteStatement implements logictest.Harness.
func (h *Harness) ExecuteStatement(statement string) error {
	return h.ExecuteStatementContext(context.Background(), statement)
}

// ExecuteStatementContext implements logictest.Harness.
func (h *Harness) ExecuteStatementContext(ctx context.Context, statement string) error {
	if h.exec == nil {
		return errors.New("slt: harness not initialised")
	}
	_, err := h.exec.Execute(ctx, statement)
	return err
}

// ExecuteQuery implements logictest.Harness.
func (h *Harness) ExecuteQuery(statement string) (string, []string, error) {
	return h.ExecuteQueryContext(context.Background(), statement)
}

// ExecuteQueryContext implements logictest.Harness: the column types as
// I/R/T letters and the values, row by row, formatted by FormatValue.
func (h *Harness) ExecuteQueryContext(ctx context.Context, statement string) (string, []string, error) {
	if h.exec == nil {
		return "", nil, errors.New("slt: harness not initialised")
	}
	res, err := h.exec.Execute(ctx, statement)
	if err != nil {
		return "", nil, err
	}
	if res.Schema == nil {
		return "", nil, fmt.Errorf("statement returned no rows (%s)", res.Message)
	}
	return FormatResult(res.Schema, res.Batches)
}

// FormatResult renders a result the sqllogictest way.
func FormatResult(schema *arrow.Schema, batches []arrow.RecordBatch) (string, []string, error) {
	var types strings.Builder
	for _, f := range schema.Fields() {
		c, err := TypeLetter(f.Type)
		if err != nil {
			return "", nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		types.WriteByte(c)
	}
	var out []string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			for c := 0; c < int(b.NumCols()); c++ {
				out = append(out, FormatValue(b.Column(c), r))
			}
		}
	}
	return types.String(), out, nil
}

// TypeLetter is the sqllogictest type of a column, as MySQL's client sees
// it: integers (and MySQL's booleans, and the type of a bare NULL) are I,
// DOUBLE, FLOAT and DECIMAL are R, text and temporal values T.
func TypeLetter(t arrow.DataType) (byte, error) {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.BOOL, arrow.NULL:
		return 'I', nil
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256:
		return 'R', nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return 'T', nil
	}
	return 0, fmt.Errorf("no sqllogictest type for %s", t)
}

// FormatValue renders one value: NULL as "NULL", integers as %d, reals
// as %.3f (decimals and FLOATs go through the double a MySQL client reads
// them as), text as is with "" as "(empty)", booleans as 1/0.
func FormatValue(a arrow.Array, i int) string {
	if a.DataType().ID() == arrow.NULL || a.IsNull(i) {
		return "NULL"
	}
	switch x := a.(type) {
	case *array.Int8:
		return strconv.FormatInt(int64(x.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(x.Value(i)), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(x.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(x.Value(i), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(x.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(x.Value(i)), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(x.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(x.Value(i), 10)
	case *array.Boolean:
		if x.Value(i) {
			return "1"
		}
		return "0"
	case *array.Float32:
		// MySQL sends a FLOAT as its shortest single-precision text.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x.Value(i)), 'g', -1, 32), 64)
		return formatReal(f)
	case *array.Float64:
		return formatReal(x.Value(i))
	case *array.Decimal128:
		f, _ := strconv.ParseFloat(x.ValueStr(i), 64)
		return formatReal(f)
	case *array.Decimal256:
		f, _ := strconv.ParseFloat(x.ValueStr(i), 64)
		return formatReal(f)
	case *array.String:
		return text(x.Value(i))
	case *array.LargeString:
		return text(x.Value(i))
	case *array.StringView:
		return text(x.Value(i))
	case *array.Date32:
		return x.Value(i).FormattedString()
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return x.Value(i).ToTime(unit).Format("2006-01-02 15:04:05.999999")
	}
	return a.ValueStr(i)
}

func formatReal(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return fmt.Sprintf("%.3f", f)
}

func text(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}
