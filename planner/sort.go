package planner

import (
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
)

// planSort sorts every partition and merges the sorted partitions. With
// fetch >= 0 (a LIMIT above the sort) each partition keeps only its top
// fetch rows, so ORDER BY ... LIMIT never sorts the whole input.
func (p *planner) planSort(n *logical.Sort, fetch int64) (exec.Exec, error) {
	input, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	keys, err := p.sortKeys(n.Keys, n.Input.Schema())
	if err != nil {
		return nil, err
	}
	sorted := exec.NewSortExec(input, keys, fetch)
	if sorted.Partitions() == 1 {
		return sorted, nil
	}
	return exec.NewSortPreservingMergeExec(sorted, keys, fetch), nil
}

func (p *planner) sortKeys(keys []logical.SortKey, input []logical.Column) ([]exec.SortKey, error) {
	out := make([]exec.SortKey, len(keys))
	for i, k := range keys {
		e, err := compileAll([]logical.Expr{k.Expr}, input)
		if err != nil {
			return nil, err
		}
		out[i] = exec.SortKey{Expr: e[0], Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out, nil
}

// planLimit gathers the partitions and applies OFFSET/LIMIT once. Below the
// gather, each partition already stops after offset+count rows.
func (p *planner) planLimit(n *logical.Limit) (exec.Exec, error) {
	if s, ok := n.Input.(*logical.Sort); ok && n.Count >= 0 {
		sorted, err := p.planSort(s, n.Offset+n.Count)
		if err != nil {
			return nil, err
		}
		return exec.NewLimitExec(sorted, n.Offset, n.Count), nil
	}
	input, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	if input.Partitions() > 1 {
		if n.Count >= 0 {
			input = exec.NewLocalLimitExec(input, n.Offset+n.Count)
		}
		input = exec.NewCoalesceExec(input)
	}
	return exec.NewLimitExec(input, n.Offset, n.Count), nil
}
