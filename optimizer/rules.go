package optimizer

// DefaultRules is the standard rule sequence.
//
// Decorrelation comes first so that every later rule sees only joins;
// constant folding then simplifies the predicates pushdown will move. The
// first pushdown turns WHERE equalities into join conditions, which join
// ordering needs; the second places the filters and conditions of the
// reordered trees. Pruning runs after the shape is final, limits after
// pruning (it only moves Limits), and a last folding pass cleans up what the
// rewrites produced.
func DefaultRules() []Rule {
	return []Rule{
		Decorrelate{},
		FoldConstants{},
		ExtractCommonPredicates{},
		PushDownFilter{},
		JoinReorder{},
		PushDownFilter{},
		PushDownSemiJoin{},
		PruneProjections{},
		PushDownLimit{},
		FoldConstants{},
	}
}
