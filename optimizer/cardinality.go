package optimizer

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
)

// Cardinality estimation from table statistics, for join ordering.
//
// Rows of a scan are Table.Statistics().RowCount times the selectivity of its
// filters; a join produces |L|·|R| / max(NDV(left key), NDV(right key)). A
// column's number of distinct values (NDV) comes from its statistics:
// DistinctCount when known, else max-min+1 for integer and date columns (a
// good proxy for keys), else the table's row count; it never exceeds the
// estimated rows of the node producing it.

const (
	defaultRows        = 1000.0 // a table without a row count
	unknownEqSel       = 0.1
	rangeSel           = 1.0 / 3
	likeSel            = 0.1
	isNullSel          = 0.1
	defaultSel         = 1.0 / 3
	minSemiSelectivity = 0.1
)

// estimator memoizes row estimates per node (nodes are immutable pointers).
type estimator struct {
	rows map[logical.Node]float64
}

func newEstimator() *estimator { return &estimator{rows: map[logical.Node]float64{}} }

// Rows estimates the number of rows n produces (at least 1).
func (e *estimator) Rows(n logical.Node) float64 {
	if r, ok := e.rows[n]; ok {
		return r
	}
	r := math.Max(1, e.computeRows(n))
	e.rows[n] = r
	return r
}

func (e *estimator) computeRows(n logical.Node) float64 {
	switch n := n.(type) {
	case *logical.Scan:
		rows := defaultRows
		if st := n.Table.Statistics(); st != nil && st.RowCount >= 0 {
			rows = float64(st.RowCount)
		}
		for _, f := range n.Filters {
			rows *= e.selectivity(f, &logical.Scan{TableName: n.TableName, Table: n.Table, Columns: n.Columns, Ordinals: n.Ordinals})
		}
		return rows
	case *logical.Filter:
		return e.Rows(n.Input) * e.selectivity(n.Predicate, n.Input)
	case *logical.Project:
		return e.Rows(n.Input)
	case *logical.Sort:
		return e.Rows(n.Input)
	case *logical.Limit:
		in := e.Rows(n.Input)
		if n.Count >= 0 {
			return math.Min(in, float64(n.Count))
		}
		return in
	case *logical.Aggregate:
		if len(n.GroupBy) == 0 {
			return 1
		}
		in := e.Rows(n.Input)
		groups := 1.0
		for _, g := range n.GroupBy {
			if r, ok := g.(*logical.ColumnRef); ok {
				groups *= e.NDV(n.Input, r.ID)
			} else {
				groups *= in
			}
			if groups >= in {
				return in
			}
		}
		return groups
	case *logical.Join:
		l, r := e.Rows(n.Left), e.Rows(n.Right)
		switch n.Kind {
		case logical.JoinSemi, logical.JoinAnti, logical.JoinAntiNullAware:
			frac := e.matchFraction(n)
			if n.Kind != logical.JoinSemi {
				frac = math.Max(minSemiSelectivity, 1-frac)
			}
			return l * frac
		case logical.JoinLeftMark:
			return l
		}
		inner := l * r * e.joinSelectivity(logical.SplitConjuncts(n.Condition), n.Left, n.Right)
		switch n.Kind {
		case logical.JoinLeft:
			return math.Max(inner, l)
		case logical.JoinRight:
			return math.Max(inner, r)
		case logical.JoinFull:
			return math.Max(inner, l+r)
		}
		return inner
	case *logical.UnionAll:
		sum := 0.0
		for _, in := range n.Inputs {
			sum += e.Rows(in)
		}
		return sum
	case *logical.Values:
		return float64(len(n.Rows))
	}
	return defaultRows
}

// matchFraction estimates the fraction of a semi join's left rows that find a
// match: NDV(right key)/NDV(left key) for its first equality, capped at 1.
func (e *estimator) matchFraction(j *logical.Join) float64 {
	lcols := logical.ColumnIDs(j.Left.Schema())
	for _, c := range logical.SplitConjuncts(j.Condition) {
		if l, r, ok := equiKey(c, lcols, logical.ColumnIDs(j.Right.Schema())); ok {
			return math.Min(1, e.exprNDV(j.Right, r)/e.exprNDV(j.Left, l))
		}
	}
	return 0.5
}

// equiKey splits "a = b" into its left-side and right-side operands.
func equiKey(c logical.Expr, lcols, rcols map[logical.ColumnID]bool) (logical.Expr, logical.Expr, bool) {
	b, ok := c.(*logical.BinaryExpr)
	if !ok || b.Op != logical.OpEq {
		return nil, nil, false
	}
	lu, ru := logical.ColumnsUsed(b.Left), logical.ColumnsUsed(b.Right)
	if len(lu) == 0 || len(ru) == 0 {
		return nil, nil, false
	}
	switch {
	case logical.ReferencesOnly(b.Left, lcols) && logical.ReferencesOnly(b.Right, rcols):
		return b.Left, b.Right, true
	case logical.ReferencesOnly(b.Left, rcols) && logical.ReferencesOnly(b.Right, lcols):
		return b.Right, b.Left, true
	}
	return nil, nil, false
}

// joinSelectivity estimates the fraction of the cross product of left and
// right that satisfies conds. The equalities together form a composite key
// whose NDV on each side is the product of the column NDVs, capped by that
// side's rows; other conjuncts count as filters.
func (e *estimator) joinSelectivity(conds []logical.Expr, left, right logical.Node) float64 {
	lcols, rcols := logical.ColumnIDs(left.Schema()), logical.ColumnIDs(right.Schema())
	both := &logical.Join{Left: left, Right: right, Kind: logical.JoinInner}
	sel := 1.0
	lndv, rndv := 1.0, 1.0
	equi := false
	for _, c := range conds {
		if l, r, ok := equiKey(c, lcols, rcols); ok {
			lndv *= e.exprNDV(left, l)
			rndv *= e.exprNDV(right, r)
			equi = true
			continue
		}
		sel *= e.selectivity(c, both)
	}
	if equi {
		lndv = math.Min(lndv, e.Rows(left))
		rndv = math.Min(rndv, e.Rows(right))
		sel /= math.Max(1, math.Max(lndv, rndv))
	}
	return sel
}

func (e *estimator) exprNDV(n logical.Node, x logical.Expr) float64 {
	if r, ok := stripCasts(x).(*logical.ColumnRef); ok {
		return e.NDV(n, r.ID)
	}
	return e.Rows(n)
}

// literalEqSelectivity estimates the fraction of rows where column id equals
// a constant: 1/NDV when statistics give the number of distinct values, else
// a fixed guess. Falling back to the row count would call "l_returnflag =
// 'R'" one row in six million and put lineitem on a join's build side.
func (e *estimator) literalEqSelectivity(n logical.Node, id logical.ColumnID) float64 {
	st, rows, typ := e.columnStats(n, id)
	if st == nil {
		return unknownEqSel
	}
	if st.DistinctCount <= 0 && !logical.IsInteger(typ) && typ.ID() != arrow.DATE32 {
		return unknownEqSel
	}
	return 1 / math.Max(1, math.Min(e.Rows(n), statsNDV(st, rows, typ)))
}

// NDV estimates the number of distinct values of column id in n's output.
func (e *estimator) NDV(n logical.Node, id logical.ColumnID) float64 {
	ndv := e.Rows(n)
	if st, rows, typ := e.columnStats(n, id); st != nil {
		ndv = math.Min(ndv, statsNDV(st, rows, typ))
	}
	return math.Max(1, ndv)
}

func statsNDV(st *catalog.ColumnStats, tableRows float64, typ arrow.DataType) float64 {
	if st.DistinctCount > 0 {
		return float64(st.DistinctCount)
	}
	if logical.IsInteger(typ) || typ.ID() == arrow.DATE32 {
		lo, ok1 := toFloat(st.Min, typ)
		hi, ok2 := toFloat(st.Max, typ)
		if ok1 && ok2 && hi >= lo {
			return math.Min(hi-lo+1, tableRows)
		}
	}
	return tableRows
}

// columnStats traces column id of n back to the scan that reads it and
// returns its statistics, the table's row count and the column type.
func (e *estimator) columnStats(n logical.Node, id logical.ColumnID) (*catalog.ColumnStats, float64, arrow.DataType) {
	switch n := n.(type) {
	case *logical.Scan:
		st := n.Table.Statistics()
		if st == nil {
			return nil, 0, nil
		}
		for i, c := range n.Columns {
			if c.ID == id && n.Ordinals[i] < len(st.Columns) {
				rows := defaultRows
				if st.RowCount >= 0 {
					rows = float64(st.RowCount)
				}
				return &st.Columns[n.Ordinals[i]], rows, c.Type
			}
		}
	case *logical.Filter, *logical.Sort, *logical.Limit:
		return e.columnStats(n.Children()[0], id)
	case *logical.Project:
		for i, c := range n.Columns {
			if c.ID == id {
				if r, ok := n.Exprs[i].(*logical.ColumnRef); ok {
					return e.columnStats(n.Input, r.ID)
				}
				return nil, 0, nil
			}
		}
	case *logical.Aggregate:
		for i, c := range n.GroupColumns {
			if c.ID == id {
				if r, ok := n.GroupBy[i].(*logical.ColumnRef); ok {
					return e.columnStats(n.Input, r.ID)
				}
			}
		}
	case *logical.Join:
		if logical.ColumnIDs(n.Left.Schema())[id] {
			return e.columnStats(n.Left, id)
		}
		if n.Kind != logical.JoinLeftMark && logical.ColumnIDs(n.Right.Schema())[id] {
			return e.columnStats(n.Right, id)
		}
	}
	return nil, 0, nil
}

// selectivity estimates the fraction of n's rows satisfying pred.
func (e *estimator) selectivity(pred logical.Expr, n logical.Node) float64 {
	s := e.rawSelectivity(pred, n)
	return math.Min(1, math.Max(s, 1e-9))
}

func (e *estimator) rawSelectivity(pred logical.Expr, n logical.Node) float64 {
	switch p := pred.(type) {
	case *logical.Literal:
		if b, ok := p.Value.(bool); ok && b {
			return 1
		}
		return 0
	case *logical.BinaryExpr:
		switch p.Op {
		case logical.OpAnd:
			return e.selectivity(p.Left, n) * e.selectivity(p.Right, n)
		case logical.OpOr:
			a, b := e.selectivity(p.Left, n), e.selectivity(p.Right, n)
			return a + b - a*b
		}
		if !p.Op.IsComparison() {
			return defaultSel
		}
		col, other, op := stripCasts(p.Left), stripCasts(p.Right), p.Op
		if _, ok := col.(*logical.ColumnRef); !ok {
			col, other, op = p.Right, p.Left, p.Op.Commute()
		}
		ref, isRef := col.(*logical.ColumnRef)
		otherConst := len(logical.ColumnsUsed(other)) == 0
		switch op {
		case logical.OpEq, logical.OpNullSafeEq, logical.OpNotEq:
			eqSel := unknownEqSel
			if isRef && otherConst {
				eqSel = e.literalEqSelectivity(n, ref.ID)
			} else if o, ok := other.(*logical.ColumnRef); ok && isRef {
				eqSel = 1 / math.Max(e.NDV(n, ref.ID), e.NDV(n, o.ID))
			}
			if op == logical.OpNotEq {
				return 1 - eqSel
			}
			return eqSel
		default:
			if isRef && otherConst {
				if s, ok := e.rangeSelectivity(n, ref, other, op); ok {
					return s
				}
			}
			return rangeSel
		}
	case *logical.LikeExpr:
		if p.Negated {
			return 1 - likeSel
		}
		return likeSel
	case *logical.InListExpr:
		eqSel := unknownEqSel
		if r, ok := stripCasts(p.Input).(*logical.ColumnRef); ok {
			eqSel = e.literalEqSelectivity(n, r.ID)
		}
		s := math.Min(1, float64(len(p.List))*eqSel)
		if p.Negated {
			return 1 - s
		}
		return s
	case *logical.UnaryExpr:
		switch p.Op {
		case logical.OpNot:
			return 1 - e.selectivity(p.Input, n)
		case logical.OpIsNull:
			return isNullSel
		case logical.OpIsNotNull:
			return 1 - isNullSel
		}
	}
	return defaultSel
}

// rangeSelectivity interpolates "col op constant" within the column's
// min/max; it needs statistics and a literal of a numeric or date type.
func (e *estimator) rangeSelectivity(n logical.Node, col *logical.ColumnRef, other logical.Expr, op logical.BinaryOp) (float64, bool) {
	lit, ok := other.(*logical.Literal)
	if !ok {
		return 0, false
	}
	st, _, typ := e.columnStats(n, col.ID)
	if st == nil {
		return 0, false
	}
	lo, ok1 := toFloat(st.Min, typ)
	hi, ok2 := toFloat(st.Max, typ)
	v, ok3 := toFloat(lit.Value, lit.Typ)
	if !ok1 || !ok2 || !ok3 || hi <= lo {
		return 0, false
	}
	below := (v - lo) / (hi - lo) // fraction of values < v
	below = math.Min(1, math.Max(0, below))
	switch op {
	case logical.OpLt, logical.OpLtEq:
		return below, true
	case logical.OpGt, logical.OpGtEq:
		return 1 - below, true
	}
	return 0, false
}

// toFloat converts a statistics or literal value to a number on a common
// scale for its type (days for dates, unscaled units for decimals).
func toFloat(v any, t arrow.DataType) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case arrow.Date32:
		return float64(x), true
	case arrow.Timestamp:
		return float64(x), true
	case decimal128.Num:
		scale := int32(0)
		if d, ok := t.(*arrow.Decimal128Type); ok {
			scale = d.Scale
		}
		return x.ToFloat64(scale), true
	}
	return 0, false
}

// stripCasts looks through casts, which the binder adds to compare INT keys
// with BIGINT ones: a cast keeps the number of distinct values, so the
// statistics of the column underneath still apply.
func stripCasts(x logical.Expr) logical.Expr {
	for {
		c, ok := x.(*logical.CastExpr)
		if !ok {
			return x
		}
		x = c.Input
	}
}
