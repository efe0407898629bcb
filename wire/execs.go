package wire

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// Operator kinds of package exec. Never renumber: they are on the wire.
const (
	KindScan                = 1
	KindFilter              = 2
	KindProjection          = 3
	KindHashAggregate       = 4
	KindHashJoin            = 5
	KindNestedLoopJoin      = 6
	KindSort                = 7
	KindSortPreservingMerge = 8
	KindLimit               = 9
	KindLocalLimit          = 10
	KindUnion               = 11
	KindValues              = 12
	KindRepartition         = 13
	KindCoalesce            = 14
	KindEnforceSingleRow    = 15
)

// MaxPartitions bounds decoded partition counts.
const MaxPartitions = 1 << 16

func init() {
	register(KindScan, encodeScan, decodeScan)
	register(KindFilter, encodeFilter, decodeFilter)
	register(KindProjection, encodeProjection, decodeProjection)
	register(KindHashAggregate, encodeHashAggregate, decodeHashAggregate)
	register(KindHashJoin, encodeHashJoin, decodeHashJoin)
	register(KindNestedLoopJoin, encodeNestedLoopJoin, decodeNestedLoopJoin)
	register(KindSort, encodeSort, decodeSort)
	register(KindSortPreservingMerge, encodeMerge, decodeMerge)
	register(KindLimit, encodeLimit, decodeLimit)
	register(KindLocalLimit, encodeLocalLimit, decodeLocalLimit)
	register(KindEnforceSingleRow, encodeEnforceSingleRow, decodeEnforceSingleRow)
	register(KindUnion, encodeUnion, decodeUnion)
	register(KindValues, encodeValues, decodeValues)
	register(KindRepartition, encodeRepartition, decodeRepartition)
	register(KindCoalesce, encodeCoalesce, decodeCoalesce)
}

// Scan: table name, location, format, column ordinals, output schema,
// filter (physical expression over the output schema, or nil) and its
// filter columns, partitions. No splits.
func encodeScan(e *Encoder, x *exec.ScanExec) error {
	format, ok := tableFormat(x.Table())
	if !ok {
		return fmt.Errorf("table %s is a %T, which cannot be opened elsewhere", x.TableName(), x.Table())
	}
	e.String(x.TableName())
	e.String(x.Table().Location())
	e.String(format)
	e.Count(len(x.Columns()))
	for _, c := range x.Columns() {
		e.Count(c)
	}
	e.Schema(x.Schema())
	switch f := x.Filter().(type) {
	case nil:
		e.Expr(nil)
	case *expr.Filter:
		e.Expr(f.Expr())
		e.Count(len(f.FilterColumns()))
		for _, c := range f.FilterColumns() {
			e.Count(c)
		}
	default:
		return fmt.Errorf("scan filter %T cannot be serialized", f)
	}
	e.Count(x.Partitions())
	return nil
}

func decodeScan(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 0, "ScanExec"); err != nil {
		return nil, err
	}
	name, location, format := d.String(), d.String(), d.String()
	cols := make([]int, d.Count("scan column", 1))
	for i := range cols {
		cols[i] = int(d.Uint("column ordinal", 1<<31-1))
	}
	schema := d.Schema()
	if d.err != nil {
		return nil, nil
	}
	if len(cols) != schema.NumFields() {
		return nil, fmt.Errorf("%d columns but a schema of %d", len(cols), schema.NumFields())
	}
	var filter catalog.Filter
	filterText := ""
	if pred := d.Expr(schema); pred != nil {
		fcols := make([]int, d.Count("filter column", 1))
		for i := range fcols {
			if fcols[i] = int(d.Uint("filter column", 1<<31-1)); d.err == nil && fcols[i] >= len(cols) {
				return nil, fmt.Errorf("filter column %d out of range (%d columns)", fcols[i], len(cols))
			}
		}
		filter, filterText = expr.NewFilter(pred, fcols), pred.String()
	}
	parts := int(d.Uint("partitions", MaxPartitions))
	if d.err != nil {
		return nil, nil
	}
	table, err := d.openTable(name, location, format)
	if err != nil {
		return nil, err
	}
	ts := table.Schema()
	for i, c := range cols {
		if c >= ts.NumFields() {
			return nil, fmt.Errorf("table %s: column ordinal %d out of range (%d columns)", name, c, ts.NumFields())
		}
		if got, want := ts.Field(c).Type, schema.Field(i).Type; !arrow.TypeEqual(got, want) {
			return nil, fmt.Errorf("table %s: column %s is %s here, %s in the plan", name, ts.Field(c).Name, got, want)
		}
	}
	splits, err := d.scanSplits(table)
	if err != nil {
		return nil, fmt.Errorf("splits of %s: %w", name, err)
	}
	if d.env.Partitions > 0 {
		parts = d.env.Partitions
	}
	return exec.NewScanExec(name, table, splits, cols, schema, filter, filterText, parts), nil
}

func encodeFilter(e *Encoder, x *exec.FilterExec) error {
	e.Expr(x.Predicate())
	return nil
}

func decodeFilter(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "FilterExec"); err != nil {
		return nil, err
	}
	pred := d.Expr(children[0].Schema())
	if d.err == nil && pred == nil {
		return nil, fmt.Errorf("no predicate")
	}
	if d.err != nil {
		return nil, nil
	}
	return exec.NewFilterExec(children[0], pred), nil
}

func encodeProjection(e *Encoder, x *exec.ProjectionExec) error {
	e.Exprs(x.Exprs())
	for _, f := range x.Schema().Fields() {
		e.String(f.Name)
	}
	return nil
}

func decodeProjection(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "ProjectionExec"); err != nil {
		return nil, err
	}
	exprs := d.Exprs(children[0].Schema())
	names := make([]string, len(exprs))
	for i := range names {
		names[i] = d.String()
	}
	if d.err != nil {
		return nil, nil
	}
	return exec.NewProjectionExec(children[0], exprs, names), nil
}

// HashAggregate: mode, group expressions and names, aggregates (function,
// distinct, type, name, argument). In Final mode the arguments are only
// printed (the states are read by position), so they are not checked
// against the input.
func encodeHashAggregate(e *Encoder, x *exec.HashAggregateExec) error {
	e.Count(int(x.Mode()))
	e.Exprs(x.GroupBy())
	for _, n := range x.GroupNames() {
		e.String(n)
	}
	e.Count(len(x.Aggregates()))
	for _, a := range x.Aggregates() {
		e.Count(int(a.Func))
		e.Bool(a.Distinct)
		e.DataType(a.Type)
		e.String(a.Name)
		e.Expr(a.Arg)
	}
	return nil
}

func decodeHashAggregate(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "HashAggregateExec"); err != nil {
		return nil, err
	}
	in := children[0].Schema()
	mode := exec.AggMode(d.Uint("aggregation mode", uint64(exec.AggFinal)))
	groups := d.Exprs(in)
	names := make([]string, len(groups))
	for i := range names {
		names[i] = d.String()
	}
	argSchema := in
	if mode == exec.AggFinal {
		argSchema = nil
	}
	aggs := make([]exec.AggregateSpec, d.Count("aggregate", 5))
	for i := range aggs {
		a := &aggs[i]
		a.Func = logical.AggFunc(d.Uint("aggregate function", uint64(logical.AggMax)))
		a.Distinct = d.Bool()
		a.Type = d.DataType(false)
		a.Name = d.String()
		a.Arg = d.Expr(argSchema)
		if d.err == nil && (a.Arg == nil) != (a.Func == logical.AggCountStar) && mode != exec.AggFinal {
			return nil, fmt.Errorf("aggregate %s %s: argument missing or unexpected", a.Name, a.Func)
		}
	}
	if d.err != nil {
		return nil, nil
	}
	return exec.NewHashAggregateExec(children[0], mode, groups, names, aggs)
}

func pairSchema(l, r exec.Exec) *arrow.Schema {
	fields := append(append([]arrow.Field(nil), l.Schema().Fields()...), r.Schema().Fields()...)
	return arrow.NewSchema(fields, nil)
}

func decodeJoinKind(d *Decoder) logical.JoinKind {
	return logical.JoinKind(d.Uint("join kind", uint64(logical.JoinLeftMark)))
}

// HashJoin: kind, mode, mark name, keys (left over the left input, right
// over the right input), residual filter over left++right.
func encodeHashJoin(e *Encoder, x *exec.HashJoinExec) error {
	e.Count(int(x.Kind()))
	e.Count(int(x.Mode()))
	e.String(x.MarkName())
	e.Exprs(x.LeftKeys())
	e.Exprs(x.RightKeys())
	e.Expr(x.Filter())
	return nil
}

func decodeHashJoin(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 2, "HashJoinExec"); err != nil {
		return nil, err
	}
	l, r := children[0], children[1]
	kind := decodeJoinKind(d)
	mode := exec.JoinMode(d.Uint("join mode", uint64(exec.JoinPartitioned)))
	mark := d.String()
	lk := d.Exprs(l.Schema())
	rk := d.Exprs(r.Schema())
	filter := d.Expr(pairSchema(l, r))
	if d.err != nil {
		return nil, nil
	}
	return exec.NewHashJoinExec(l, r, kind, lk, rk, filter, mode, mark)
}

func encodeNestedLoopJoin(e *Encoder, x *exec.NestedLoopJoinExec) error {
	e.Count(int(x.Kind()))
	e.String(x.MarkName())
	e.Expr(x.Filter())
	return nil
}

func decodeNestedLoopJoin(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 2, "NestedLoopJoinExec"); err != nil {
		return nil, err
	}
	l, r := children[0], children[1]
	kind := decodeJoinKind(d)
	mark := d.String()
	filter := d.Expr(pairSchema(l, r))
	if d.err != nil {
		return nil, nil
	}
	return exec.NewNestedLoopJoinExec(l, r, kind, filter, mark)
}

func (e *Encoder) sortKeys(keys []exec.SortKey) {
	e.Count(len(keys))
	for _, k := range keys {
		e.Expr(k.Expr)
		var flags byte
		if k.Desc {
			flags |= 1
		}
		if k.NullsFirst {
			flags |= 2
		}
		e.Byte(flags)
	}
}

func (d *Decoder) sortKeys(schema *arrow.Schema) []exec.SortKey {
	keys := make([]exec.SortKey, d.Count("sort key", 4))
	for i := range keys {
		keys[i].Expr = d.Expr(schema)
		flags := d.Byte()
		if d.err == nil && (keys[i].Expr == nil || flags&^3 != 0) {
			d.Fail("invalid sort key")
		}
		keys[i].Desc, keys[i].NullsFirst = flags&1 != 0, flags&2 != 0
	}
	if d.err != nil {
		return nil
	}
	return keys
}

func encodeSort(e *Encoder, x *exec.SortExec) error {
	e.sortKeys(x.Keys())
	e.Varint(x.Fetch())
	return nil
}

func decodeSort(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "SortExec"); err != nil {
		return nil, err
	}
	keys := d.sortKeys(children[0].Schema())
	fetch := d.Varint()
	if d.err != nil {
		return nil, nil
	}
	return exec.NewSortExec(children[0], keys, fetch), nil
}

func encodeMerge(e *Encoder, x *exec.SortPreservingMergeExec) error {
	e.sortKeys(x.Keys())
	e.Varint(x.Fetch())
	return nil
}

func decodeMerge(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "SortPreservingMergeExec"); err != nil {
		return nil, err
	}
	keys := d.sortKeys(children[0].Schema())
	fetch := d.Varint()
	if d.err != nil {
		return nil, nil
	}
	return exec.NewSortPreservingMergeExec(children[0], keys, fetch), nil
}

func encodeLimit(e *Encoder, x *exec.LimitExec) error {
	e.Varint(x.Offset())
	e.Varint(x.Count())
	return nil
}

func decodeLimit(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "LimitExec"); err != nil {
		return nil, err
	}
	offset, count := d.Varint(), d.Varint()
	if d.err != nil {
		return nil, nil
	}
	return exec.NewLimitExec(children[0], offset, count), nil
}

func encodeEnforceSingleRow(e *Encoder, x *exec.EnforceSingleRowExec) error {
	keys := x.Keys()
	e.Count(len(keys))
	for _, k := range keys {
		e.Varint(int64(k))
	}
	return nil
}

func decodeEnforceSingleRow(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "EnforceSingleRowExec"); err != nil {
		return nil, err
	}
	width := int64(len(children[0].Schema().Fields()))
	n := d.Count("single-row keys", 1)
	keys := make([]int, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		keys = append(keys, int(d.Int("single-row key", 0, width-1)))
	}
	if d.err != nil {
		return nil, nil
	}
	if len(keys) == 0 {
		return exec.NewEnforceSingleRowExec(children[0]), nil
	}
	return exec.NewEnforceSingleRowPerKeyExec(children[0], keys), nil
}

func encodeLocalLimit(e *Encoder, x *exec.LocalLimitExec) error {
	e.Varint(x.Count())
	return nil
}

func decodeLocalLimit(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "LocalLimitExec"); err != nil {
		return nil, err
	}
	count := d.Varint()
	if d.err != nil {
		return nil, nil
	}
	return exec.NewLocalLimitExec(children[0], count), nil
}

func encodeUnion(e *Encoder, x *exec.UnionExec) error {
	e.Schema(x.Schema())
	return nil
}

func decodeUnion(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if len(children) == 0 {
		return nil, fmt.Errorf("no inputs")
	}
	total := 0
	for _, c := range children {
		if total += c.Partitions(); total > MaxPartitions {
			return nil, fmt.Errorf("more than %d partitions", MaxPartitions)
		}
	}
	schema := d.Schema()
	if d.err != nil {
		return nil, nil
	}
	return exec.NewUnionExec(children, schema)
}

// Values: schema, then the batches as an Arrow IPC stream (empty when there
// are none).
func encodeValues(e *Encoder, x *exec.ValuesExec) error {
	e.Schema(x.Schema())
	batches := x.Batches()
	if len(batches) == 0 {
		e.Bytes(nil)
		return nil
	}
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(batches[0].Schema()))
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			w.Close()
			return fmt.Errorf("values batch: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("values batches: %w", err)
	}
	e.Bytes(buf.Bytes())
	return nil
}

func decodeValues(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 0, "ValuesExec"); err != nil {
		return nil, err
	}
	schema := d.Schema()
	stream := d.raw()
	if d.err != nil {
		return nil, nil
	}
	var batches []arrow.RecordBatch
	if len(stream) > 0 {
		// The size limits keep the reader from allocating more than the
		// stream holds, whatever its message headers claim.
		limit := int64(len(stream))
		r, err := ipc.NewReader(bytes.NewReader(stream), ipc.WithAllocator(memory.DefaultAllocator),
			ipc.WithMetadataSizeLimit(limit), ipc.WithBodySizeLimit(limit))
		if err != nil {
			return nil, fmt.Errorf("values batches: %w", err)
		}
		defer r.Release()
		got := r.Schema()
		if got.NumFields() != schema.NumFields() {
			return nil, fmt.Errorf("values batches have %d columns, the schema %d", got.NumFields(), schema.NumFields())
		}
		for i, f := range got.Fields() {
			if !arrow.TypeEqual(f.Type, schema.Field(i).Type) {
				return nil, fmt.Errorf("values column %d is %s, the schema says %s", i, f.Type, schema.Field(i).Type)
			}
		}
		for r.Next() {
			b := r.RecordBatch()
			b.Retain()
			batches = append(batches, b)
		}
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("values batches: %w", err)
		}
	}
	return exec.NewValuesExec(schema, batches), nil
}

func encodeRepartition(e *Encoder, x *exec.RepartitionExec) error {
	e.Exprs(x.Keys())
	e.Count(x.Partitions())
	return nil
}

func decodeRepartition(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "RepartitionExec"); err != nil {
		return nil, err
	}
	keys := d.Exprs(children[0].Schema())
	n := int(d.Uint("partitions", MaxPartitions))
	if d.err != nil {
		return nil, nil
	}
	if n < 1 {
		return nil, fmt.Errorf("%d partitions", n)
	}
	return exec.NewRepartitionExec(children[0], keys, n), nil
}

func encodeCoalesce(e *Encoder, x *exec.CoalesceExec) error { return nil }

func decodeCoalesce(d *Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := WantChildren(children, 1, "CoalesceExec"); err != nil {
		return nil, err
	}
	return exec.NewCoalesceExec(children[0]), nil
}
