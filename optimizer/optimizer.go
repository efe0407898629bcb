// Package optimizer rewrites logical plans. Each rule lives in its own file,
// has a Name and rewrites a whole plan; Optimize runs the rules in order.
// Rules never mutate nodes: they build new ones.
package optimizer

import (
	"fmt"

	"github.com/aloftdb/aloft/logical"
)

// Rule is one rewrite of a logical plan.
type Rule interface {
	// Name is the rule's stable name, used in EXPLAIN VERBOSE and to disable it.
	Name() string
	// Rewrite returns the rewritten plan (or the same plan when nothing applies).
	Rewrite(plan logical.Node, ctx *Context) (logical.Node, error)
}

// Context is what rules share for one query.
type Context struct {
	// IDs allocates ColumnIDs for columns a rule introduces.
	IDs *logical.IDAllocator
	// Trace, when not nil, is called with the plan after each rule (EXPLAIN VERBOSE).
	Trace func(rule string, plan logical.Node)
	// Disabled names rules to skip.
	Disabled map[string]bool
}

// Optimize runs rules over plan in order.
func Optimize(plan logical.Node, ctx *Context, rules []Rule) (logical.Node, error) {
	for _, r := range rules {
		if ctx.Disabled[r.Name()] {
			continue
		}
		next, err := r.Rewrite(plan, ctx)
		if err != nil {
			return nil, fmt.Errorf("optimizer rule %s: %w", r.Name(), err)
		}
		plan = next
		if ctx.Trace != nil {
			ctx.Trace(r.Name(), plan)
		}
	}
	return plan, nil
}
