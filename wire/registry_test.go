package wire

import (
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
)

// tagExec stands for an operator of another package (a shuffle reader): it
// passes its input through and carries a name and keys.
type tagExec struct {
	input exec.Exec
	name  string
	keys  []expr.Expr
}

func (e *tagExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *tagExec) Children() []exec.Exec { return []exec.Exec{e.input} }
func (e *tagExec) Partitions() int       { return e.input.Partitions() }
func (e *tagExec) String() string        { return fmt.Sprintf("tagExec: %s keys=%v", e.name, e.keys) }
func (e *tagExec) Execute(ctx *exec.TaskContext, p int) (exec.Stream, error) {
	return e.input.Execute(ctx, p)
}

const testKind = 200

func init() {
	RegisterExec(testKind,
		func(e *Encoder, x *tagExec) error {
			e.String(x.name)
			e.Exprs(x.keys)
			return nil
		},
		func(d *Decoder, children []exec.Exec) (exec.Exec, error) {
			if err := WantChildren(children, 1, "tagExec"); err != nil {
				return nil, err
			}
			x := &tagExec{input: children[0], name: d.String()}
			x.keys = d.Exprs(children[0].Schema())
			return x, d.Err()
		})
}

func TestRegisterExec(t *testing.T) {
	in := valuesExec(t, int64Array(1, 2, 3))
	plan := exec.NewCoalesceExec(&tagExec{input: exec.NewRepartitionExec(in, nil, 2), name: "stage 3", keys: []expr.Expr{expr.NewColumn(0, "c0", arrow.PrimitiveTypes.Int64)}})
	decoded, _ := roundTrip(t, plan, DecodeEnv{})
	if got, want := rowsOf(t, decoded, false), rowsOf(t, plan, false); !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	enc := func(*Encoder, *tagExec) error { return nil }
	dec := func(*Decoder, []exec.Exec) (exec.Exec, error) { return nil, nil }
	mustPanic("reserved kind", func() { RegisterExec(KindScan+40, enc, dec) })
	mustPanic("kind taken", func() { RegisterExec(testKind, func(*Encoder, *opaqueExec) error { return nil }, dec) })
	mustPanic("type taken", func() { RegisterExec(testKind+1, enc, dec) })
	if _, err := EncodePlan(&opaqueExec{in}); err == nil {
		t.Fatal("unregistered operator encoded")
	}
}

type opaqueExec struct{ exec.Exec }

func TestValues(t *testing.T) {
	cases := []struct {
		v   any
		typ arrow.DataType
	}{
		{nil, nil}, {nil, arrow.PrimitiveTypes.Int64}, {true, arrow.FixedWidthTypes.Boolean},
		{int64(-1 << 62), arrow.PrimitiveTypes.Int64}, {int64(3), arrow.PrimitiveTypes.Uint8},
		{-0.5, arrow.PrimitiveTypes.Float64}, {decimal128.FromI64(-1), &arrow.Decimal128Type{Precision: 5, Scale: 1}},
		{"", arrow.BinaryTypes.String}, {"s", arrow.BinaryTypes.LargeString}, {[]byte{0, 255}, arrow.BinaryTypes.Binary},
		{"b", arrow.BinaryTypes.Binary}, {arrow.Date32(-3), arrow.FixedWidthTypes.Date32},
		{arrow.Timestamp(-5), arrow.FixedWidthTypes.Timestamp_us},
		{arrow.MonthDayNanoInterval{Months: -1, Days: 1 << 30, Nanoseconds: -1 << 60}, arrow.FixedWidthTypes.MonthDayNanoInterval},
	}
	for _, c := range cases {
		var e Encoder
		e.Value(c.v)
		d := newDecoder(e.buf, nil)
		got := d.Value(c.typ)
		if d.err != nil || fmt.Sprint(got) != fmt.Sprint(c.v) || fmt.Sprintf("%T", got) != fmt.Sprintf("%T", c.v) || d.pos != len(e.buf) {
			t.Fatalf("%v (%T) as %v decodes as %v (%T), %v", c.v, c.v, c.typ, got, got, d.err)
		}
	}
	// A value must have the Go type of its data type.
	var e Encoder
	e.Value("text")
	if d := newDecoder(e.buf, nil); d.Value(arrow.PrimitiveTypes.Int64) != nil || d.err == nil {
		t.Fatal("string accepted as BIGINT")
	}
	e = Encoder{}
	e.Value(int32(1))
	if e.err == nil {
		t.Fatal("int32 value encoded")
	}
}
