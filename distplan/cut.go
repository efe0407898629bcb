package distplan

import (
	"fmt"
	"slices"

	"github.com/aloftdb/aloft/exec"
)

// Cut splits a physical plan (one output partition, as planner.Plan
// returns) into a DAG of stages at its exchanges: RepartitionExec,
// CoalesceExec, SortPreservingMergeExec, and the build sides of collect-build
// joins that are subtrees of their own (see the package documentation).
// Stages are numbered in dependency order; the last one is the final stage,
// whose single partition produces the query result.
func Cut(plan exec.Exec) (*Graph, error) {
	if plan == nil {
		return nil, fmt.Errorf("distplan: no plan")
	}
	if plan.Partitions() != 1 {
		return nil, fmt.Errorf("distplan: the plan has %d output partitions, want 1 (gather it first)", plan.Partitions())
	}
	c := &cutter{}
	root, err := c.rewrite(plan)
	if err != nil {
		return nil, err
	}
	final := c.add(root, Final())
	return &Graph{Stages: c.stages, Final: final.ID}, nil
}

type cutter struct {
	stages []*Stage
}

// add makes plan a stage and returns it.
func (c *cutter) add(plan exec.Exec, out OutputPartitioning) *Stage {
	s := &Stage{ID: len(c.stages) + 1, Plan: plan, Partitions: plan.Partitions(), Output: out, Inputs: stageInputs(plan)}
	c.stages = append(c.stages, s)
	return s
}

// stageInputs lists the stages a plan reads, ascending and without repeats.
func stageInputs(plan exec.Exec) []int {
	var ids []int
	walk(plan, func(e exec.Exec) {
		if in, ok := e.(*StageInput); ok && !slices.Contains(ids, in.StageID()) {
			ids = append(ids, in.StageID())
		}
	})
	slices.Sort(ids)
	return ids
}

// walk calls f on every node of a plan, parents first.
func walk(e exec.Exec, f func(exec.Exec)) {
	f(e)
	for _, c := range e.Children() {
		walk(c, f)
	}
}

// rewrite returns the part of e that stays in the current stage, adding a
// stage for the input of every exchange met below.
func (c *cutter) rewrite(e exec.Exec) (exec.Exec, error) {
	switch x := e.(type) {
	case *exec.RepartitionExec:
		child, err := c.rewrite(x.Children()[0])
		if err != nil {
			return nil, err
		}
		s := c.add(child, Hash(x.Keys(), x.Partitions()))
		return NewStageInput(s.ID, x.Schema(), InputHash, x.Partitions(), s.Output.Partitions(), nil), nil
	case *exec.CoalesceExec:
		child, err := c.rewrite(x.Children()[0])
		if err != nil {
			return nil, err
		}
		s := c.add(child, Single())
		return NewStageInput(s.ID, x.Schema(), InputSingle, 1, 1, nil), nil
	case *exec.SortPreservingMergeExec:
		child, err := c.rewrite(x.Children()[0])
		if err != nil {
			return nil, err
		}
		s := c.add(child, Single())
		in := NewStageInput(s.ID, x.Schema(), InputSorted, s.Partitions, 1, x.Keys())
		return exec.NewSortPreservingMergeExec(in, x.Keys(), x.Fetch()), nil
	case *exec.HashJoinExec:
		if x.Mode() == exec.JoinCollectBuild {
			return c.rewriteCollectJoin(x)
		}
	case *exec.NestedLoopJoinExec:
		return c.rewriteCollectJoin(x)
	}
	return c.rewriteChildren(e)
}

func (c *cutter) rewriteChildren(e exec.Exec) (exec.Exec, error) {
	old := e.Children()
	if len(old) == 0 {
		return e, nil
	}
	children := make([]exec.Exec, len(old))
	for i, ch := range old {
		nc, err := c.rewrite(ch)
		if err != nil {
			return nil, err
		}
		children[i] = nc
	}
	return WithChildren(e, children)
}

// rewriteCollectJoin cuts a join that reads all of its right side in every
// partition: the right side becomes a broadcast stage when it is worth one.
func (c *cutter) rewriteCollectJoin(e exec.Exec) (exec.Exec, error) {
	ch := e.Children()
	left, err := c.rewrite(ch[0])
	if err != nil {
		return nil, err
	}
	right, err := c.rewrite(ch[1])
	if err != nil {
		return nil, err
	}
	if worthBroadcast(right) {
		s := c.add(right, Broadcast())
		right = NewStageInput(s.ID, right.Schema(), InputBroadcast, 1, 1, nil)
	}
	return WithChildren(e, []exec.Exec{left, right})
}

// worthBroadcast reports whether the build side of a collect-build join
// should run as a stage of its own, once, rather than inside every task
// of the join's stage. It is not when it already is the output of an
// exchange (a StageInput: reading it from every task is the broadcast) or
// when it reads nothing (constant VALUES).
func worthBroadcast(right exec.Exec) bool {
	if _, ok := right.(*StageInput); ok {
		return false
	}
	reads := false
	walk(right, func(e exec.Exec) {
		if len(e.Children()) > 0 {
			return
		}
		if _, ok := e.(*exec.ValuesExec); !ok {
			reads = true
		}
	})
	return reads
}
