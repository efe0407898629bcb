package optimizer

import (
	"github.com/aloftdb/aloft/logical"
)

// PushDownLimit moves LIMIT closer to the data: through Projects (which do
// not change the row count), into every input of a UnionAll (each needs at
// most offset+count rows; the outer limit stays), and merges a Limit over a
// Limit. A Limit over a Sort stays where it is: the physical planner turns
// the pair into a top-N.
type PushDownLimit struct{}

func (PushDownLimit) Name() string { return "push_down_limit" }

func (PushDownLimit) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	return pushLimit(plan), nil
}

func pushLimit(n logical.Node) logical.Node {
	if l, ok := n.(*logical.Limit); ok {
		switch in := l.Input.(type) {
		case *logical.Limit:
			return pushLimit(mergeLimits(l, in))
		case *logical.Project:
			inner := &logical.Limit{Input: in.Input, Offset: l.Offset, Count: l.Count}
			return in.WithChildren([]logical.Node{pushLimit(inner)})
		case *logical.UnionAll:
			if l.Count >= 0 {
				need := l.Offset + l.Count
				inputs := make([]logical.Node, len(in.Inputs))
				for i, x := range in.Inputs {
					if il, ok := x.(*logical.Limit); ok && il.Offset == 0 && il.Count >= 0 && il.Count <= need {
						inputs[i] = pushLimit(x)
						continue
					}
					inputs[i] = pushLimit(&logical.Limit{Input: x, Count: need})
				}
				return l.WithChildren([]logical.Node{in.WithChildren(inputs)})
			}
		}
	}
	kids := n.Children()
	if len(kids) == 0 {
		return n
	}
	nk := make([]logical.Node, len(kids))
	changed := false
	for i, k := range kids {
		nk[i] = pushLimit(k)
		changed = changed || nk[i] != k
	}
	if !changed {
		return n
	}
	return n.WithChildren(nk)
}

// mergeLimits combines outer over inner into one Limit.
func mergeLimits(outer, inner *logical.Limit) *logical.Limit {
	count := outer.Count
	if inner.Count >= 0 {
		rem := inner.Count - outer.Offset
		if rem < 0 {
			rem = 0
		}
		if count < 0 || rem < count {
			count = rem
		}
	}
	return &logical.Limit{Input: inner.Input, Offset: inner.Offset + outer.Offset, Count: count}
}
