package logical

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/catalog"
)

// Node is a logical plan node. Nodes are immutable; rewrites use WithChildren.
type Node interface {
	// Schema lists the output columns in order.
	Schema() []Column
	// Children are the inputs, in a fixed order.
	Children() []Node
	// WithChildren returns a copy with the inputs replaced.
	WithChildren(children []Node) Node
	// String prints the node on one deterministic line (no children).
	String() string
}

// Scan reads columns of a catalog table. Filters are conjuncts pushed into the
// scan by the optimizer (evaluated while reading; also used for row-group pruning).
type Scan struct {
	TableName string // catalog name
	Alias     string // the qualifier the query uses (alias or table name)
	Table     catalog.Table
	// Columns are the produced columns; Ordinals[i] is Columns[i]'s index in Table.Schema().
	Columns  []Column
	Ordinals []int
	Filters  []Expr
}

func (n *Scan) Schema() []Column           { return n.Columns }
func (n *Scan) Children() []Node           { return nil }
func (n *Scan) WithChildren(c []Node) Node { return n }
func (n *Scan) String() string {
	s := fmt.Sprintf("Scan: %s", n.TableName)
	if n.Alias != "" && !strings.EqualFold(n.Alias, n.TableName) {
		s += " AS " + n.Alias
	}
	s += " [" + columnList(n.Columns) + "]"
	if len(n.Filters) > 0 {
		s += " filters=[" + exprList(n.Filters) + "]"
	}
	return s
}

// Filter keeps rows where Predicate is true.
type Filter struct {
	Input     Node
	Predicate Expr
}

func (n *Filter) Schema() []Column           { return n.Input.Schema() }
func (n *Filter) Children() []Node           { return []Node{n.Input} }
func (n *Filter) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *Filter) String() string             { return "Filter: " + n.Predicate.String() }

// Project computes Exprs; output column i is Exprs[i] under Columns[i].
type Project struct {
	Input   Node
	Exprs   []Expr
	Columns []Column
}

func (n *Project) Schema() []Column           { return n.Columns }
func (n *Project) Children() []Node           { return []Node{n.Input} }
func (n *Project) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *Project) String() string {
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		if r, ok := e.(*ColumnRef); ok && r.ID == n.Columns[i].ID {
			parts[i] = e.String()
		} else {
			parts[i] = fmt.Sprintf("%s AS %s#%d", e, n.Columns[i].Name, n.Columns[i].ID)
		}
	}
	return "Project: " + strings.Join(parts, ", ")
}

// JoinKind is the kind of join.
type JoinKind int

const (
	JoinInner JoinKind = iota // Condition nil means a cross join
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi // left rows with at least one match; output = left columns
	JoinAnti // left rows with no match; output = left columns
	// JoinAntiNullAware is the anti join for NOT IN: a left row is kept only
	// when no right row matches, the left key is not NULL, and the right side
	// has no NULL key (if the right side is empty every left row is kept).
	// Condition's first conjunct is the equality "left key = right key".
	JoinAntiNullAware
	// JoinLeftMark is a left join that, instead of right columns, appends one
	// BOOLEAN column MarkColumn: true when a match exists, false when none
	// exists, NULL when no match exists but a NULL comparison occurred (IN semantics).
	// Used to decorrelate subqueries under OR or in the select list.
	JoinLeftMark
)

var joinKindNames = [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti", "AntiNullAware", "LeftMark"}

func (k JoinKind) String() string { return joinKindNames[k] }

// Join combines Left and Right. Condition may mix equalities and other
// predicates; the physical planner extracts equi-keys for a hash join.
type Join struct {
	Left, Right Node
	Kind        JoinKind
	Condition   Expr   // nil = true
	MarkColumn  Column // only for JoinLeftMark
}

func (n *Join) Schema() []Column {
	switch n.Kind {
	case JoinSemi, JoinAnti, JoinAntiNullAware:
		return n.Left.Schema()
	case JoinLeftMark:
		return append(append([]Column(nil), n.Left.Schema()...), n.MarkColumn)
	}
	l, r := n.Left.Schema(), n.Right.Schema()
	out := make([]Column, 0, len(l)+len(r))
	for _, c := range l {
		if n.Kind == JoinRight || n.Kind == JoinFull {
			c.Nullable = true
		}
		out = append(out, c)
	}
	for _, c := range r {
		if n.Kind == JoinLeft || n.Kind == JoinFull {
			c.Nullable = true
		}
		out = append(out, c)
	}
	return out
}
func (n *Join) Children() []Node { return []Node{n.Left, n.Right} }
func (n *Join) WithChildren(c []Node) Node {
	m := *n
	m.Left, m.Right = c[0], c[1]
	return &m
}
func (n *Join) String() string {
	if n.Condition == nil {
		if n.Kind == JoinInner {
			return "CrossJoin"
		}
		return fmt.Sprintf("Join: %s", n.Kind)
	}
	s := fmt.Sprintf("Join: %s on %s", n.Kind, n.Condition)
	if n.Kind == JoinLeftMark {
		s += fmt.Sprintf(" mark=%s#%d", n.MarkColumn.Name, n.MarkColumn.ID)
	}
	return s
}

// Aggregate groups Input by GroupBy and computes Aggs. Output columns are
// GroupColumns then AggColumns. No GroupBy means one output row (even on empty input).
type Aggregate struct {
	Input        Node
	GroupBy      []Expr
	GroupColumns []Column
	Aggs         []*AggregateExpr
	AggColumns   []Column
}

func (n *Aggregate) Schema() []Column {
	return append(append([]Column(nil), n.GroupColumns...), n.AggColumns...)
}
func (n *Aggregate) Children() []Node           { return []Node{n.Input} }
func (n *Aggregate) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *Aggregate) String() string {
	g := make([]string, len(n.GroupBy))
	for i, e := range n.GroupBy {
		g[i] = fmt.Sprintf("%s AS #%d", e, n.GroupColumns[i].ID)
	}
	a := make([]string, len(n.Aggs))
	for i, e := range n.Aggs {
		a[i] = fmt.Sprintf("%s AS #%d", e, n.AggColumns[i].ID)
	}
	return fmt.Sprintf("Aggregate: group=[%s] aggs=[%s]", strings.Join(g, ", "), strings.Join(a, ", "))
}

// SortKey is one ORDER BY item. MySQL puts NULLs first in ascending order and
// last in descending order; the binder sets NullsFirst accordingly.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

func (k SortKey) String() string {
	s := k.Expr.String()
	if k.Desc {
		s += " DESC"
	} else {
		s += " ASC"
	}
	if k.NullsFirst {
		s += " NULLS FIRST"
	} else {
		s += " NULLS LAST"
	}
	return s
}

// Sort orders its input. Keys reference input columns.
type Sort struct {
	Input Node
	Keys  []SortKey
}

func (n *Sort) Schema() []Column           { return n.Input.Schema() }
func (n *Sort) Children() []Node           { return []Node{n.Input} }
func (n *Sort) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *Sort) String() string {
	k := make([]string, len(n.Keys))
	for i, key := range n.Keys {
		k[i] = key.String()
	}
	return "Sort: " + strings.Join(k, ", ")
}

// Limit skips Offset rows and returns at most Count (Count < 0: no limit).
type Limit struct {
	Input  Node
	Offset int64
	Count  int64
}

func (n *Limit) Schema() []Column           { return n.Input.Schema() }
func (n *Limit) Children() []Node           { return []Node{n.Input} }
func (n *Limit) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *Limit) String() string {
	return fmt.Sprintf("Limit: offset=%d count=%d", n.Offset, n.Count)
}

// UnionAll concatenates inputs; Columns are the output columns (input i's
// column j maps to Columns[j]). Inputs have the same column types.
type UnionAll struct {
	Inputs  []Node
	Columns []Column
}

func (n *UnionAll) Schema() []Column { return n.Columns }
func (n *UnionAll) Children() []Node { return n.Inputs }
func (n *UnionAll) WithChildren(c []Node) Node {
	m := *n
	m.Inputs = c
	return &m
}
func (n *UnionAll) String() string { return "UnionAll: [" + columnList(n.Columns) + "]" }

// Values is a literal relation (VALUES, or SELECT without FROM: one row of no columns).
type Values struct {
	Rows    [][]Expr // constant expressions
	Columns []Column
}

func (n *Values) Schema() []Column           { return n.Columns }
func (n *Values) Children() []Node           { return nil }
func (n *Values) WithChildren(c []Node) Node { return n }
func (n *Values) String() string {
	return fmt.Sprintf("Values: rows=%d [%s]", len(n.Rows), columnList(n.Columns))
}

// Format prints a plan as an indented tree, one node a line.
func Format(n Node) string {
	var b strings.Builder
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.String())
		b.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// TransformUp rewrites a plan bottom-up: inputs first, then f on the node.
func TransformUp(n Node, f func(Node) (Node, error)) (Node, error) {
	kids := n.Children()
	if len(kids) > 0 {
		changed := false
		nk := make([]Node, len(kids))
		for i, k := range kids {
			var err error
			if nk[i], err = TransformUp(k, f); err != nil {
				return nil, err
			}
			if nk[i] != k {
				changed = true
			}
		}
		if changed {
			n = n.WithChildren(nk)
		}
	}
	return f(n)
}

// ColumnIDs returns the set of IDs in a schema.
func ColumnIDs(cols []Column) map[ColumnID]bool {
	m := make(map[ColumnID]bool, len(cols))
	for _, c := range cols {
		m[c.ID] = true
	}
	return m
}

func columnList(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s#%d", c.Name, c.ID)
	}
	return strings.Join(parts, ", ")
}

func exprList(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
