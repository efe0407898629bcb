package planner

import (
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// planAggregate splits an aggregation in two phases: a partial aggregate on
// every input partition, a hash repartition on the group keys (a gather when
// there are none), and a final aggregate that merges the partial states.
// DISTINCT aggregates cannot merge partial states, so their raw input is
// repartitioned by the group keys and aggregated in one phase.
func (p *planner) planAggregate(n *logical.Aggregate) (exec.Exec, error) {
	input, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	inCols := n.Input.Schema()
	groups, err := compileAll(n.GroupBy, inCols)
	if err != nil {
		return nil, err
	}
	groupNames := columnNames(n.GroupColumns)
	specs := make([]exec.AggregateSpec, len(n.Aggs))
	distinct := false
	for i, a := range n.Aggs {
		specs[i] = exec.AggregateSpec{Func: a.Func, Distinct: a.Distinct, Type: a.Typ, Name: n.AggColumns[i].Name}
		if a.Arg != nil {
			if specs[i].Arg, err = expr.Compile(a.Arg, inCols); err != nil {
				return nil, err
			}
		}
		distinct = distinct || a.Distinct
	}

	if input.Partitions() == 1 {
		return exec.NewHashAggregateExec(input, exec.AggSingle, groups, groupNames, specs)
	}
	if distinct {
		if len(groups) == 0 {
			input = exec.NewCoalesceExec(input)
		} else {
			input = exec.NewRepartitionExec(input, groups, p.opts.Partitions)
		}
		return exec.NewHashAggregateExec(input, exec.AggSingle, groups, groupNames, specs)
	}
	partial, err := exec.NewHashAggregateExec(input, exec.AggPartial, groups, groupNames, specs)
	if err != nil {
		return nil, err
	}
	finalGroups := make([]expr.Expr, len(groups))
	for i, g := range groups {
		finalGroups[i] = expr.NewColumn(i, groupNames[i], g.DataType())
	}
	var merged exec.Exec
	if len(groups) == 0 {
		merged = exec.NewCoalesceExec(partial)
	} else {
		merged = exec.NewRepartitionExec(partial, finalGroups, p.opts.Partitions)
	}
	return exec.NewHashAggregateExec(merged, exec.AggFinal, finalGroups, groupNames, specs)
}
