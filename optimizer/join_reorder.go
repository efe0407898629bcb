package optimizer

import (
	"github.com/aloftdb/aloft/logical"
)

// JoinReorder orders each maximal tree of inner joins by estimated cost.
// The relations of the tree and the conjuncts of its conditions are
// collected; the order is chosen greedily: start with the connected pair
// whose join is smallest, then repeatedly add the connected relation that
// gives the smallest result (a cross product only when nothing connected is
// left). At every join the smaller input becomes the right (build) side of
// the hash join, so big fact tables end up probing. Each conjunct is placed
// at the lowest join where all its relations are available. A Project on top
// restores the original column order.
type JoinReorder struct{}

func (JoinReorder) Name() string { return "join_reorder" }

func (JoinReorder) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	r := &reorderer{est: newEstimator()}
	return r.reorder(plan), nil
}

type reorderer struct {
	est *estimator
}

func (r *reorderer) reorder(n logical.Node) logical.Node {
	if j, ok := n.(*logical.Join); ok && j.Kind == logical.JoinInner {
		var leaves []logical.Node
		var conds []logical.Expr
		flattenInner(j, &leaves, &conds)
		for i := range leaves {
			leaves[i] = r.reorder(leaves[i])
		}
		return logical.ProjectColumns(r.build(leaves, conds), j.Schema())
	}
	kids := n.Children()
	if len(kids) == 0 {
		return n
	}
	nk := make([]logical.Node, len(kids))
	changed := false
	for i, k := range kids {
		nk[i] = r.reorder(k)
		changed = changed || nk[i] != k
	}
	if !changed {
		return n
	}
	return n.WithChildren(nk)
}

func flattenInner(n logical.Node, leaves *[]logical.Node, conds *[]logical.Expr) {
	if j, ok := n.(*logical.Join); ok && j.Kind == logical.JoinInner {
		flattenInner(j.Left, leaves, conds)
		flattenInner(j.Right, leaves, conds)
		*conds = append(*conds, logical.SplitConjuncts(j.Condition)...)
		return
	}
	*leaves = append(*leaves, n)
}

// relSet is a set of leaf indexes (join trees have far fewer than 64 leaves;
// larger ones are left in their original order).
type relSet uint64

type joinPred struct {
	expr logical.Expr
	rels relSet
}

func (r *reorderer) build(leaves []logical.Node, conds []logical.Expr) logical.Node {
	if len(leaves) > 64 {
		return r.leftDeep(leaves, conds)
	}
	owner := map[logical.ColumnID]int{}
	for i, l := range leaves {
		for _, c := range l.Schema() {
			owner[c.ID] = i
		}
	}
	var preds []joinPred
	var unplaced []logical.Expr
	local := make([][]logical.Expr, len(leaves))
	for _, c := range conds {
		var rels relSet
		known := true
		for id := range logical.ColumnsUsed(c) {
			i, ok := owner[id]
			if !ok {
				known = false
				break
			}
			rels |= 1 << i
		}
		switch {
		case !known:
			unplaced = append(unplaced, c)
		case rels != 0 && rels&(rels-1) == 0: // a single relation
			i := trailingIndex(rels)
			local[i] = append(local[i], c)
		default:
			preds = append(preds, joinPred{expr: c, rels: rels})
		}
	}
	for i := range leaves {
		leaves[i] = withFilter(leaves[i], local[i])
	}

	used := make([]bool, len(preds))
	// applicable returns the unused predicates that become evaluable when
	// the relations in have are joined with those in add.
	applicable := func(have, add relSet) ([]logical.Expr, []int) {
		var es []logical.Expr
		var idx []int
		all := have | add
		for i, p := range preds {
			if used[i] || p.rels&^all != 0 {
				continue
			}
			// Constant conjuncts (no relation) go to the first join.
			if p.rels == 0 || (p.rels&have != 0 && p.rels&add != 0) {
				es = append(es, p.expr)
				idx = append(idx, i)
			}
		}
		return es, idx
	}
	connected := func(have, add relSet) bool {
		for i, p := range preds {
			if !used[i] && p.rels&have != 0 && p.rels&add != 0 && p.rels&^(have|add) == 0 {
				return true
			}
		}
		return false
	}
	join := func(a, b logical.Node, cond []logical.Expr) logical.Node {
		// The right input is the hash join's build side: make it the smaller.
		if r.est.Rows(a) < r.est.Rows(b) {
			a, b = b, a
		}
		return &logical.Join{Left: a, Right: b, Kind: logical.JoinInner, Condition: logical.Conjunction(cond)}
	}

	// The starting pair: the connected pair with the smallest join, or the
	// two smallest relations when nothing is connected.
	bi, bj := -1, -1
	var best float64
	for i := range leaves {
		for j := i + 1; j < len(leaves); j++ {
			if !connected(1<<i, 1<<j) {
				continue
			}
			cond, _ := applicable(1<<i, 1<<j)
			rows := r.est.Rows(join(leaves[i], leaves[j], cond))
			if bi < 0 || rows < best {
				bi, bj, best = i, j, rows
			}
		}
	}
	if bi < 0 {
		bi = r.smallest(leaves, 0)
		bj = r.smallest(leaves, 1<<bi)
	}
	cond, idx := applicable(1<<bi, 1<<bj)
	for _, i := range idx {
		used[i] = true
	}
	cur := join(leaves[bi], leaves[bj], cond)
	have := relSet(1<<bi | 1<<bj)

	for have != relSet(1)<<len(leaves)-1 {
		next := -1
		var nextNode logical.Node
		var nextIdx []int
		var nextRows float64
		anyConnected := false
		for k := range leaves {
			if have&(1<<k) != 0 || !connected(have, 1<<k) {
				continue
			}
			anyConnected = true
			cond, idx := applicable(have, 1<<k)
			cand := join(cur, leaves[k], cond)
			rows := r.est.Rows(cand)
			if next < 0 || rows < nextRows {
				next, nextNode, nextIdx, nextRows = k, cand, idx, rows
			}
		}
		if !anyConnected {
			k := r.smallest(leaves, have)
			cond, idx := applicable(have, 1<<k)
			next, nextNode, nextIdx = k, join(cur, leaves[k], cond), idx
		}
		for _, i := range nextIdx {
			used[i] = true
		}
		cur = nextNode
		have |= 1 << next
	}
	for i, p := range preds {
		if !used[i] {
			unplaced = append(unplaced, p.expr)
		}
	}
	return withFilter(cur, unplaced)
}

// smallest returns the index of the leaf with the fewest estimated rows
// outside the set skip.
func (r *reorderer) smallest(leaves []logical.Node, skip relSet) int {
	best := -1
	for i, l := range leaves {
		if skip&(1<<i) != 0 {
			continue
		}
		if best < 0 || r.est.Rows(l) < r.est.Rows(leaves[best]) {
			best = i
		}
	}
	return best
}

// leftDeep joins leaves in their original order (too many to reorder).
func (r *reorderer) leftDeep(leaves []logical.Node, conds []logical.Expr) logical.Node {
	cur := leaves[0]
	for _, l := range leaves[1:] {
		cur = &logical.Join{Left: cur, Right: l, Kind: logical.JoinInner}
	}
	return withFilter(cur, conds)
}

func trailingIndex(s relSet) int {
	i := 0
	for s&1 == 0 {
		s >>= 1
		i++
	}
	return i
}
