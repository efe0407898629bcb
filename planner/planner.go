// Package planner turns an optimized logical plan into a physical plan of
// Execs. It decides how the plan runs in parallel: every operator runs as N
// partitions, and wherever rows must move between partitions the planner
// inserts an explicit exchange (RepartitionExec for hash partitioning,
// CoalesceExec or SortPreservingMergeExec to gather). Those exchanges are the
// points where the distributed planner cuts a plan into stages.
package planner

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// Options steer physical planning.
type Options struct {
	// Partitions is the parallelism of scans and of hash-partitioned operators.
	Partitions int
}

// Plan builds the physical plan for an optimized logical plan. The result
// has exactly one output partition.
func Plan(ctx context.Context, node logical.Node, opts Options) (exec.Exec, error) {
	if opts.Partitions <= 0 {
		opts.Partitions = 1
	}
	p := &planner{ctx: ctx, opts: opts}
	e, err := p.plan(node)
	if err != nil {
		return nil, err
	}
	if e.Partitions() > 1 {
		e = exec.NewCoalesceExec(e)
	}
	return e, nil
}

type planner struct {
	ctx  context.Context
	opts Options
}

func (p *planner) plan(node logical.Node) (exec.Exec, error) {
	switch n := node.(type) {
	case *logical.Scan:
		return p.planScan(n)
	case *logical.Filter:
		input, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		pred, err := expr.Compile(n.Predicate, n.Input.Schema())
		if err != nil {
			return nil, err
		}
		return exec.NewFilterExec(input, pred), nil
	case *logical.Project:
		input, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		exprs, err := compileAll(n.Exprs, n.Input.Schema())
		if err != nil {
			return nil, err
		}
		return exec.NewProjectionExec(input, exprs, columnNames(n.Columns)), nil
	case *logical.Join:
		return p.planJoin(n)
	case *logical.Aggregate:
		return p.planAggregate(n)
	case *logical.Sort:
		return p.planSort(n, -1)
	case *logical.Limit:
		return p.planLimit(n)
	case *logical.UnionAll:
		inputs := make([]exec.Exec, len(n.Inputs))
		for i, in := range n.Inputs {
			e, err := p.plan(in)
			if err != nil {
				return nil, err
			}
			inputs[i] = e
		}
		return exec.NewUnionExec(inputs, ArrowSchema(n.Columns))
	case *logical.Values:
		return p.planValues(n)
	case *logical.EnforceSingleRow:
		input, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		if input.Partitions() > 1 {
			input = exec.NewCoalesceExec(input)
		}
		if len(n.Keys) == 0 {
			return exec.NewEnforceSingleRowExec(input), nil
		}
		keys := make([]int, len(n.Keys))
		for i, id := range n.Keys {
			keys[i] = -1
			for j, c := range n.Input.Schema() {
				if c.ID == id {
					keys[i] = j
				}
			}
			if keys[i] < 0 {
				return nil, fmt.Errorf("planner: EnforceSingleRow key #%d is not an input column", id)
			}
		}
		return exec.NewEnforceSingleRowPerKeyExec(input, keys), nil
	}
	return nil, fmt.Errorf("planner: unsupported logical node %T (%s)", node, node)
}

func (p *planner) planScan(n *logical.Scan) (exec.Exec, error) {
	var preds []catalog.Predicate
	for _, f := range n.Filters {
		if pr, ok := pruningPredicate(f, n); ok {
			preds = append(preds, pr)
		}
	}
	splits, err := n.Table.Splits(p.ctx, preds)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", n.TableName, err)
	}
	var filter catalog.Filter
	filterText := ""
	if len(n.Filters) > 0 {
		cond := logical.Conjunction(n.Filters)
		compiled, err := expr.Compile(cond, n.Columns)
		if err != nil {
			return nil, err
		}
		used := logical.ColumnsUsed(cond)
		var cols []int
		for i, c := range n.Columns {
			if used[c.ID] {
				cols = append(cols, i)
			}
		}
		filter = expr.NewFilter(compiled, cols)
		filterText = compiled.String()
	}
	return exec.NewScanExec(n.TableName, n.Table, splits, n.Ordinals, ArrowSchema(n.Columns), filter, filterText, p.opts.Partitions), nil
}

func (p *planner) planValues(n *logical.Values) (exec.Exec, error) {
	schema := ArrowSchema(n.Columns)
	if len(n.Rows) == 0 {
		return exec.NewValuesExec(schema, nil), nil
	}
	cols := make([]arrow.Array, len(n.Columns))
	for c := range n.Columns {
		var parts []arrow.Array
		for _, row := range n.Rows {
			lit, err := expr.EvalConstant(row[c])
			if err != nil {
				return nil, fmt.Errorf("VALUES: %w", err)
			}
			a, err := expr.MakeArray(lit.Value, n.Columns[c].Type, 1)
			if err != nil {
				return nil, fmt.Errorf("VALUES: %w", err)
			}
			parts = append(parts, a)
		}
		col, err := concatArrays(parts)
		if err != nil {
			return nil, err
		}
		cols[c] = col
	}
	batch := newBatch(schema, cols, int64(len(n.Rows)))
	return exec.NewValuesExec(schema, []arrow.RecordBatch{batch}), nil
}

// ArrowSchema converts logical output columns to an Arrow schema.
func ArrowSchema(cols []logical.Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return arrow.NewSchema(fields, nil)
}

func columnNames(cols []logical.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func compileAll(es []logical.Expr, input []logical.Column) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		c, err := expr.Compile(e, input)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
