package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// AggMode says which phase of a (possibly two-phase) aggregation an
// operator computes.
type AggMode int

const (
	// AggSingle aggregates completely per partition: the input must already
	// be partitioned by the group keys (or have one partition).
	AggSingle AggMode = iota
	// AggPartial aggregates each partition into intermediate states: the
	// output is the group columns then the state columns (PartialSchema).
	AggPartial
	// AggFinal merges partial states (input: AggPartial output repartitioned
	// by the group columns, or coalesced) and emits final values.
	AggFinal
)

func (m AggMode) String() string {
	switch m {
	case AggSingle:
		return "Single"
	case AggPartial:
		return "Partial"
	case AggFinal:
		return "Final"
	}
	return fmt.Sprintf("AggMode(%d)", int(m))
}

// AggregateSpec is one aggregate computed by HashAggregateExec.
type AggregateSpec struct {
	Func logical.AggFunc
	// Arg is nil for COUNT(*); ignored in AggFinal mode, where the state
	// columns are read by position.
	Arg expr.Expr
	// Distinct aggregates are only supported in AggSingle mode.
	Distinct bool
	// Type is the result type (rules in logical.AggregateExpr's doc).
	Type arrow.DataType
	Name string
}

func (s AggregateSpec) String() string {
	if s.Func == logical.AggCountStar || s.Arg == nil {
		if s.Func == logical.AggCountStar {
			return "count(*)"
		}
		return s.Func.String() + "(state)"
	}
	d := ""
	if s.Distinct {
		d = "DISTINCT "
	}
	return fmt.Sprintf("%s(%s%s)", s.Func, d, s.Arg)
}

// HashAggregateExec groups its input by the groupBy expressions and
// computes aggregates per group, in one of three modes (AggMode).
//
// Output: the group columns (groupNames, types of groupBy), then per
// aggregate either its value (Single, Final: Name and Type) or its state
// columns (Partial, see PartialSchema). Without groupBy there is exactly one
// output row per partition, even for empty input (COUNT = 0, others NULL).
type HashAggregateExec struct {
	input      Exec
	mode       AggMode
	groupBy    []expr.Expr
	groupNames []string
	aggs       []AggregateSpec
	schema     *arrow.Schema
	partial    *arrow.Schema
	// argTypes[i] is the type the accumulator of aggs[i] is built for: the
	// argument type, or for AVG in final mode the sum state type.
	argTypes  []arrow.DataType
	stateCols []int // AggFinal: first input column of each aggregate's state
	argSlot   []int // index into the unique argument expressions (-1: none)
	args      []expr.Expr
}

// NewHashAggregateExec validates the aggregation and returns the operator.
func NewHashAggregateExec(input Exec, mode AggMode, groupBy []expr.Expr, groupNames []string, aggs []AggregateSpec) (*HashAggregateExec, error) {
	if len(groupNames) != len(groupBy) {
		return nil, fmt.Errorf("HashAggregateExec: %d group names for %d group expressions", len(groupNames), len(groupBy))
	}
	e := &HashAggregateExec{input: input, mode: mode, groupBy: groupBy, groupNames: groupNames, aggs: aggs}
	fields := make([]arrow.Field, 0, len(groupBy)+len(aggs))
	for i, g := range groupBy {
		fields = append(fields, arrow.Field{Name: groupNames[i], Type: g.DataType(), Nullable: true})
	}
	partial := append([]arrow.Field(nil), fields...)
	inSchema := input.Schema()
	col := len(groupBy)
	seenArgs := map[string]int{}
	for i, a := range aggs {
		if a.Type == nil {
			return nil, fmt.Errorf("HashAggregateExec: aggregate %s has no result type", a.Name)
		}
		if a.Distinct && mode != AggSingle {
			return nil, fmt.Errorf("HashAggregateExec: %s: DISTINCT aggregates need AggSingle mode, not %s", a, mode)
		}
		var argType arrow.DataType
		slot := -1
		if mode != AggFinal && a.Func != logical.AggCountStar {
			if a.Arg == nil {
				return nil, fmt.Errorf("HashAggregateExec: aggregate %s %s has no argument", a.Name, a.Func)
			}
			argType = a.Arg.DataType()
			key := a.Arg.String()
			s, ok := seenArgs[key]
			if !ok {
				s = len(e.args)
				seenArgs[key] = s
				e.args = append(e.args, a.Arg)
			}
			slot = s
		}
		if mode == AggFinal {
			// The state types come from the input: for AVG the sum type
			// cannot be told from the result type alone.
			if a.Func == logical.AggAvg {
				if col >= inSchema.NumFields() {
					return nil, fmt.Errorf("HashAggregateExec: input has %d columns, too few for the state of %s", inSchema.NumFields(), a.Name)
				}
				// The sum state type doubles as the argument type: it maps
				// to itself under aggAvgSumType.
				argType = inSchema.Field(col).Type
				switch argType.ID() {
				case arrow.DECIMAL128, arrow.INT64, arrow.FLOAT64:
				default:
					return nil, fmt.Errorf("HashAggregateExec: avg state column %d has type %s", col, argType)
				}
			} else {
				argType = a.Type
			}
			if a.Func == logical.AggCount || a.Func == logical.AggCountStar {
				argType = arrow.PrimitiveTypes.Int64
			}
		}
		types, names, err := aggStateTypes(a, argType)
		if err != nil {
			return nil, fmt.Errorf("HashAggregateExec: %s: %w", a.Name, err)
		}
		if _, err := e.newAcc(i, a, argType, nil); err != nil {
			return nil, fmt.Errorf("HashAggregateExec: %s: %w", a.Name, err)
		}
		e.argTypes = append(e.argTypes, argType)
		e.argSlot = append(e.argSlot, slot)
		e.stateCols = append(e.stateCols, col)
		for k, t := range types {
			if mode == AggFinal {
				if col+k >= inSchema.NumFields() {
					return nil, fmt.Errorf("HashAggregateExec: input has %d columns, too few for the state of %s", inSchema.NumFields(), a.Name)
				}
				if got := inSchema.Field(col + k).Type; !arrow.TypeEqual(got, t) {
					return nil, fmt.Errorf("HashAggregateExec: state column %d of %s has type %s, want %s", col+k, a.Name, got, t)
				}
			}
			partial = append(partial, arrow.Field{Name: a.Name + "[" + names[k] + "]", Type: t, Nullable: true})
		}
		col += len(types)
		fields = append(fields, arrow.Field{Name: a.Name, Type: a.Type, Nullable: true})
	}
	e.partial = arrow.NewSchema(partial, nil)
	if mode == AggPartial {
		e.schema = e.partial
	} else {
		e.schema = arrow.NewSchema(fields, nil)
	}
	return e, nil
}

// newAcc builds the accumulator of aggregate i.
func (e *HashAggregateExec) newAcc(i int, a AggregateSpec, argType arrow.DataType, cctx context.Context) (aggAcc, error) {
	acc, err := newAggAcc(a, argType)
	if err != nil {
		return nil, err
	}
	if a.Distinct {
		acc = &aggDistinct{inner: acc, table: newAggBytesTable(), cctx: cctx}
	}
	return acc, nil
}

// PartialSchema is the schema AggPartial mode emits and AggFinal mode reads:
// the group columns, then per aggregate its state columns, named
// "<Name>[<state>]": COUNT and COUNT(*) → count Int64; SUM → sum of the
// result type; AVG → sum (Decimal128(38,s) for DECIMAL(p,s) input, Float64
// for floats, Int64 for integers) then count Int64; MIN/MAX → the value.
// State columns are NULL where the aggregate's value would be NULL.
func (e *HashAggregateExec) PartialSchema() *arrow.Schema { return e.partial }

func (e *HashAggregateExec) Schema() *arrow.Schema       { return e.schema }
func (e *HashAggregateExec) Children() []Exec            { return []Exec{e.input} }
func (e *HashAggregateExec) Partitions() int             { return e.input.Partitions() }
func (e *HashAggregateExec) Mode() AggMode               { return e.mode }
func (e *HashAggregateExec) GroupBy() []expr.Expr        { return e.groupBy }
func (e *HashAggregateExec) Aggregates() []AggregateSpec { return e.aggs }

func (e *HashAggregateExec) String() string {
	groups := make([]string, len(e.groupBy))
	for i, g := range e.groupBy {
		groups[i] = g.String()
	}
	aggs := make([]string, len(e.aggs))
	for i, a := range e.aggs {
		aggs[i] = a.String()
	}
	return fmt.Sprintf("HashAggregateExec: mode=%s group=[%s] aggs=[%s]", e.mode, strings.Join(groups, ", "), strings.Join(aggs, ", "))
}

func (e *HashAggregateExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	in, err := e.input.Execute(ctx, partition)
	if err != nil {
		return nil, err
	}
	s := &aggStream{
		e: e, ctx: ctx, cctx: opComputeCtx(ctx), input: in,
		res: ctx.Memory.NewReservation(fmt.Sprintf("HashAggregateExec[%d]", partition)),
	}
	for i, a := range e.aggs {
		acc, err := e.newAcc(i, a, e.argTypes[i], s.cctx)
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("HashAggregateExec: %s: %w", a.Name, err)
		}
		s.accs = append(s.accs, acc)
	}
	switch {
	case len(e.groupBy) == 0:
		s.ngroups = 1
		for _, acc := range s.accs {
			acc.resize(1)
		}
	case len(e.groupBy) == 1 && aggIsIntLike(e.groupBy[0].DataType()):
		s.intTable = newAggIntTable()
	default:
		s.bytesTable = newAggBytesTable()
	}
	s.keyChunks = make([][]arrow.Array, len(e.groupBy))
	return s, nil
}

type aggStream struct {
	e     *HashAggregateExec
	ctx   *TaskContext
	cctx  context.Context
	input Stream
	res   *Reservation

	intTable   *aggIntTable
	bytesTable *aggBytesTable
	enc        aggRowEncoder
	accs       []aggAcc
	ngroups    int
	keyChunks  [][]arrow.Array // key values of new groups, in group order
	keyBytes   int64
	groups     []uint32
	newRows    []int32

	done bool
	out  arrow.RecordBatch
	pos  int64
}

func (s *aggStream) Next() (arrow.RecordBatch, error) {
	if !s.done {
		if err := s.consume(); err != nil {
			return nil, err
		}
		s.done = true
	}
	if s.out == nil || s.pos >= s.out.NumRows() {
		s.release()
		return nil, nil
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	end := min(s.pos+int64(s.ctx.BatchSize), s.out.NumRows())
	b := s.out.NewSlice(s.pos, end)
	s.pos = end
	return b, nil
}

func (s *aggStream) consume() error {
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		b, err := s.input.Next()
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		err = s.add(b)
		b.Release()
		if err != nil {
			return err
		}
	}
	return s.finish()
}

// add folds one input batch into the groups.
func (s *aggStream) add(b arrow.RecordBatch) error {
	n := int(b.NumRows())
	if n == 0 {
		return nil
	}
	s.groups = aggGrow(s.groups[:0], n)[:n]
	if len(s.e.groupBy) == 0 {
		clear(s.groups)
	} else {
		keys, err := opEvalExprs(s.e.groupBy, b)
		if err != nil {
			return fmt.Errorf("HashAggregateExec: %w", err)
		}
		defer opRelease(keys)
		if s.intTable != nil {
			s.newRows = s.intTable.insert(keys[0], s.groups, s.newRows[:0])
			s.ngroups = s.intTable.n
		} else {
			if err := s.enc.encode(keys, nil, n); err != nil {
				return fmt.Errorf("HashAggregateExec: %w", err)
			}
			s.newRows = s.bytesTable.insert(&s.enc, n, s.groups, s.newRows[:0])
			s.ngroups = s.bytesTable.groups()
		}
		if len(s.newRows) > 0 {
			if err := s.addKeys(keys); err != nil {
				return err
			}
		}
		for _, acc := range s.accs {
			acc.resize(s.ngroups)
		}
	}
	if s.e.mode == AggFinal {
		cols := b.Columns()
		for i, acc := range s.accs {
			start := s.e.stateCols[i]
			nstate := 1
			if s.e.aggs[i].Func == logical.AggAvg {
				nstate = 2
			}
			if start+nstate > len(cols) {
				return fmt.Errorf("HashAggregateExec: batch has %d columns, too few for the state of %s", len(cols), s.e.aggs[i].Name)
			}
			if err := acc.merge(s.groups, cols[start:start+nstate]); err != nil {
				return fmt.Errorf("HashAggregateExec: merging %s: %w", s.e.aggs[i].Name, err)
			}
		}
	} else {
		args := make([]arrow.Array, len(s.e.args))
		defer opRelease(args)
		for i, acc := range s.accs {
			var arg arrow.Array
			if slot := s.e.argSlot[i]; slot >= 0 {
				if args[slot] == nil {
					a, err := s.e.args[slot].Eval(b)
					if err != nil {
						return fmt.Errorf("HashAggregateExec: evaluating %s: %w", s.e.args[slot], err)
					}
					if a.Len() != n {
						a.Release()
						return fmt.Errorf("HashAggregateExec: %s returned %d values for %d rows", s.e.args[slot], a.Len(), n)
					}
					args[slot] = a
				}
				arg = args[slot]
			}
			if err := acc.update(s.groups, arg); err != nil {
				return fmt.Errorf("HashAggregateExec: %s: %w", s.e.aggs[i], err)
			}
		}
	}
	return s.reserve()
}

// addKeys keeps the key values of the rows that started new groups.
func (s *aggStream) addKeys(keys []arrow.Array) error {
	for i, k := range keys {
		var chunk arrow.Array
		if len(s.newRows) == k.Len() {
			k.Retain()
			chunk = k
		} else {
			t, err := sortTake(s.cctx, []arrow.Array{k}, s.newRows)
			if err != nil {
				return fmt.Errorf("HashAggregateExec: %w", err)
			}
			chunk = t[0]
		}
		s.keyBytes += opDataBytes(chunk.Data())
		s.keyChunks[i] = append(s.keyChunks[i], chunk)
	}
	return nil
}

// reserve grows the memory reservation to cover the state. Sizes come from
// slice capacities, which double, so this re-reserves O(log n) times.
func (s *aggStream) reserve() error {
	size := s.keyBytes + int64(cap(s.groups))*4 + int64(cap(s.newRows))*4 +
		int64(cap(s.enc.buf)) + int64(cap(s.enc.offs))*16
	if s.intTable != nil {
		size += s.intTable.size()
	}
	if s.bytesTable != nil {
		size += s.bytesTable.size()
	}
	for _, acc := range s.accs {
		size += acc.size()
	}
	if size <= s.res.Size() {
		return nil
	}
	return s.res.Resize(size)
}

// finish builds the output batch from the groups.
func (s *aggStream) finish() error {
	if s.ngroups == 0 {
		return nil
	}
	cols := make([]arrow.Array, 0, s.e.schema.NumFields())
	defer func() { opRelease(cols) }()
	for i, chunks := range s.keyChunks {
		var k arrow.Array
		switch len(chunks) {
		case 0:
			k = array.MakeArrayOfNull(s.ctx.Alloc, s.e.groupBy[i].DataType(), 0)
		case 1:
			k = chunks[0]
			k.Retain()
		default:
			var err error
			if k, err = array.Concatenate(chunks, s.ctx.Alloc); err != nil {
				return fmt.Errorf("HashAggregateExec: concatenating group keys: %w", err)
			}
		}
		opRelease(chunks)
		s.keyChunks[i] = nil
		cols = append(cols, k)
	}
	for i, acc := range s.accs {
		if s.e.mode == AggPartial {
			st, err := acc.state(s.ctx.Alloc)
			if err != nil {
				return fmt.Errorf("HashAggregateExec: %s: %w", s.e.aggs[i].Name, err)
			}
			cols = append(cols, st...)
		} else {
			f, err := acc.final(s.ctx.Alloc)
			if err != nil {
				return fmt.Errorf("HashAggregateExec: %s: %w", s.e.aggs[i].Name, err)
			}
			cols = append(cols, f)
		}
	}
	out, err := opBatch(s.e.schema, cols, int64(s.ngroups))
	if err != nil {
		return fmt.Errorf("HashAggregateExec: %w", err)
	}
	s.out = out
	// The hash table is no longer needed; the output stays accounted.
	s.intTable, s.bytesTable, s.accs = nil, nil, nil
	return s.res.Resize(opArraysBytes(out.Columns()))
}

func (s *aggStream) release() {
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	for _, c := range s.keyChunks {
		opRelease(c)
	}
	s.keyChunks = nil
	s.intTable, s.bytesTable, s.accs = nil, nil, nil
	s.res.Free()
}

func (s *aggStream) Close() {
	s.release()
	s.input.Close()
}
