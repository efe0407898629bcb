package distplan

import (
	"fmt"

	"github.com/aloftdb/aloft/exec"
)

// WithChildren returns e rebuilt over new children (same count and order as
// e.Children()), or e itself when the children are unchanged. Execs are
// immutable, so every operator type is rebuilt through its constructor from
// its getters; an unknown type with changed children is an error.
func WithChildren(e exec.Exec, children []exec.Exec) (exec.Exec, error) {
	old := e.Children()
	if len(old) != len(children) {
		return nil, fmt.Errorf("distplan: %s has %d children, got %d", e, len(old), len(children))
	}
	same := true
	for i := range old {
		same = same && old[i] == children[i]
	}
	if same {
		return e, nil
	}
	switch x := e.(type) {
	case *exec.FilterExec:
		return exec.NewFilterExec(children[0], x.Predicate()), nil
	case *exec.ProjectionExec:
		names := make([]string, x.Schema().NumFields())
		for i, f := range x.Schema().Fields() {
			names[i] = f.Name
		}
		return exec.NewProjectionExec(children[0], x.Exprs(), names), nil
	case *exec.HashAggregateExec:
		return exec.NewHashAggregateExec(children[0], x.Mode(), x.GroupBy(), x.GroupNames(), x.Aggregates())
	case *exec.HashJoinExec:
		return exec.NewHashJoinExec(children[0], children[1], x.Kind(), x.LeftKeys(), x.RightKeys(), x.Filter(), x.Mode(), x.MarkName())
	case *exec.NestedLoopJoinExec:
		return exec.NewNestedLoopJoinExec(children[0], children[1], x.Kind(), x.Filter(), x.MarkName())
	case *exec.SortExec:
		return exec.NewSortExec(children[0], x.Keys(), x.Fetch()), nil
	case *exec.SortPreservingMergeExec:
		return exec.NewSortPreservingMergeExec(children[0], x.Keys(), x.Fetch()), nil
	case *exec.LimitExec:
		return exec.NewLimitExec(children[0], x.Offset(), x.Count()), nil
	case *exec.LocalLimitExec:
		return exec.NewLocalLimitExec(children[0], x.Count()), nil
	case *exec.EnforceSingleRowExec:
		if len(x.Keys()) == 0 {
			return exec.NewEnforceSingleRowExec(children[0]), nil
		}
		return exec.NewEnforceSingleRowPerKeyExec(children[0], x.Keys()), nil
	case *exec.UnionExec:
		return exec.NewUnionExec(children, x.Schema())
	case *exec.RepartitionExec:
		return exec.NewRepartitionExec(children[0], x.Keys(), x.Partitions()), nil
	case *exec.CoalesceExec:
		return exec.NewCoalesceExec(children[0]), nil
	}
	return nil, fmt.Errorf("distplan: cannot rebuild %T (%s) over new children", e, e)
}

// Transform rewrites a plan bottom-up: f gets every node after its children
// were transformed (and the node rebuilt over them).
func Transform(e exec.Exec, f func(exec.Exec) (exec.Exec, error)) (exec.Exec, error) {
	old := e.Children()
	if len(old) > 0 {
		children := make([]exec.Exec, len(old))
		for i, c := range old {
			nc, err := Transform(c, f)
			if err != nil {
				return nil, err
			}
			children[i] = nc
		}
		var err error
		if e, err = WithChildren(e, children); err != nil {
			return nil, err
		}
	}
	return f(e)
}
