package sql

import (
	"reflect"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

func outputNames(b *Bound) []string {
	var names []string
	for _, c := range b.Plan.Schema() {
		names = append(names, c.Name)
	}
	return names
}

func TestOutputColumnNames(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"select a, t.c, a + 1, count(*) as n from t group by a, c", []string{"a", "c", "a + 1", "n"}},
		{"select 1 + 1 as two, 'a', sum(m) from t", []string{"two", "a", "sum(m)"}},
		{"select * from u", []string{"a", "x", "s"}},
		{"select u.*, t.a from t join u using (a)", []string{"a", "x", "s", "a"}},
		{"select d.k from (select a as k from t) as d", []string{"k"}},
		{"with w(p, q) as (select a, c from t) select * from w", []string{"p", "q"}},
		{"select c, count(*) from t group by 1 order by 2 desc", []string{"c", "count(*)"}},
		{"select a from t union select x from u", []string{"a"}},
		{"select A, C from T", []string{"a", "c"}}, // case-insensitive names resolve to the catalog's spelling
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			if got := outputNames(mustBind(t, tc.query)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("names %q, want %q", got, tc.want)
			}
		})
	}
}

// Every binding of a table, including each reference to a CTE, must produce
// fresh column IDs: the optimizer relies on IDs being unique per query.
func TestScanColumnIDsAreUnique(t *testing.T) {
	queries := []string{
		"with r as (select a, sum(m) as s from t group by a) select * from r r1, r r2 where r1.s = (select max(s) from r)",
		"select * from t t1, t t2 where t1.a in (select a from t)",
	}
	for _, q := range queries {
		b := mustBind(t, q)
		seen := map[logical.ColumnID]bool{}
		scans := 0
		var visit func(n logical.Node)
		visit = func(n logical.Node) {
			if s, ok := n.(*logical.Scan); ok {
				scans++
				for _, c := range s.Columns {
					if seen[c.ID] {
						t.Errorf("%s: column ID %d appears in two scans", q, c.ID)
					}
					seen[c.ID] = true
				}
			}
			for _, e := range nodeExprs(n) {
				logical.Walk(e, func(x logical.Expr) bool {
					if sq, ok := x.(*logical.SubqueryExpr); ok {
						visit(sq.Plan)
					}
					return true
				})
			}
			for _, c := range n.Children() {
				visit(c)
			}
		}
		visit(b.Plan)
		if scans != 3 {
			t.Errorf("%s: %d scans, want 3 (a CTE is bound at each reference)", q, scans)
		}
	}
}

func TestSortAndLimit(t *testing.T) {
	b := mustBind(t, "select a, c from t order by a desc, c limit 5, 10")
	limit, ok := b.Plan.(*logical.Limit)
	if !ok {
		t.Fatalf("root %T, want *logical.Limit", b.Plan)
	}
	if limit.Offset != 5 || limit.Count != 10 {
		t.Errorf("LIMIT 5, 10 gave offset=%d count=%d", limit.Offset, limit.Count)
	}
	sort := limit.Input.(*logical.Sort)
	// MySQL: NULLs sort first ascending and last descending.
	if k := sort.Keys[0]; !k.Desc || k.NullsFirst {
		t.Errorf("a DESC: got %s, want DESC NULLS LAST", k)
	}
	if k := sort.Keys[1]; k.Desc || !k.NullsFirst {
		t.Errorf("c: got %s, want ASC NULLS FIRST", k)
	}

	b = mustBind(t, "select a from t limit 3 offset 7")
	if l := b.Plan.(*logical.Limit); l.Offset != 7 || l.Count != 3 {
		t.Errorf("LIMIT 3 OFFSET 7 gave offset=%d count=%d", l.Offset, l.Count)
	}
}

func TestOrderByHiddenColumnIsProjectedAway(t *testing.T) {
	b := mustBind(t, "select c from t order by a + b")
	if got := outputNames(b); !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("output %q, want only c", got)
	}
	project := b.Plan.(*logical.Project)
	sort := project.Input.(*logical.Sort)
	inner := sort.Input.(*logical.Project)
	if len(inner.Exprs) != 2 || inner.Exprs[1].String() != "(t.a#1 + CAST(t.b#2 AS BIGINT))" {
		t.Errorf("inner projection %s, want c and the hidden sort key", inner)
	}
}

func TestJoinKindsAndConditions(t *testing.T) {
	tests := []struct {
		query string
		kind  logical.JoinKind
		cond  string
	}{
		{"select * from t join u on t.a = u.a", logical.JoinInner, "(t.a#1 = u.a#9)"},
		{"select * from t left outer join u on t.a = u.a and u.x > 0", logical.JoinLeft, "((t.a#1 = u.a#9) AND (u.x#10 > 0))"},
		{"select * from t right join u using (a)", logical.JoinRight, "(t.a#1 = u.a#9)"},
		{"select * from t natural join u", logical.JoinInner, "(t.a#1 = u.a#9)"},
		{"select * from t cross join u", logical.JoinInner, "<nil>"},
		{"select * from t, u", logical.JoinInner, "<nil>"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			b := mustBind(t, tc.query)
			join := b.Plan.(*logical.Project).Input.(*logical.Join)
			cond := "<nil>"
			if join.Condition != nil {
				cond = join.Condition.String()
			}
			if join.Kind != tc.kind || cond != tc.cond {
				t.Errorf("got %s on %s, want %s on %s", join.Kind, cond, tc.kind, tc.cond)
			}
		})
	}
	// The right side of a LEFT JOIN is nullable even when the table's column is not.
	b := mustBind(t, "select o_orderkey from customer left join orders on c_custkey = o_custkey")
	if !b.Plan.Schema()[0].Nullable {
		t.Error("o_orderkey from the right side of a LEFT JOIN must be nullable")
	}
}

func TestSubqueries(t *testing.T) {
	b := mustBind(t, "select a from t where exists (select * from u where u.a = t.a) and b not in (select x from u)")
	filter := b.Plan.(*logical.Project).Input.(*logical.Filter)
	conj := logical.SplitConjuncts(filter.Predicate)
	exists := conj[0].(*logical.SubqueryExpr)
	if exists.Kind != logical.SubqueryExists || exists.Negated {
		t.Errorf("first conjunct %s, want EXISTS", exists)
	}
	// The correlated reference reads the outer column t.a#1.
	if !logical.ColumnsUsed(exists.Plan.(*logical.Project).Input.(*logical.Filter).Predicate)[1] {
		t.Error("EXISTS subquery should reference outer column t.a#1")
	}
	in := conj[1].(*logical.SubqueryExpr)
	if in.Kind != logical.SubqueryIn || !in.Negated || in.Input.String() != "CAST(t.b#2 AS BIGINT)" {
		t.Errorf("second conjunct %s (input %s), want NOT IN with b widened to BIGINT", in, in.Input)
	}

	b = mustBind(t, "select (select max(x) from u where u.a = t.a) as mx from t")
	sq := b.Plan.(*logical.Project).Exprs[0].(*logical.SubqueryExpr)
	if sq.Kind != logical.SubqueryScalar || logical.TypeName(sq.Type()) != "BIGINT" {
		t.Errorf("select-list subquery %s of type %s, want a BIGINT scalar subquery", sq, logical.TypeName(sq.Type()))
	}
}

func TestSelectWithoutFromAndDistinct(t *testing.T) {
	b := mustBind(t, "select 1 as one")
	if _, ok := b.Plan.(*logical.Project).Input.(*logical.Values); !ok {
		t.Errorf("SELECT without FROM should read a one-row Values, got %s", logical.Format(b.Plan))
	}
	b = mustBind(t, "select distinct c from t")
	agg, ok := b.Plan.(*logical.Aggregate)
	if !ok || len(agg.GroupBy) != 1 || len(agg.Aggs) != 0 {
		t.Errorf("SELECT DISTINCT should be an Aggregate grouping by the output, got %s", logical.Format(b.Plan))
	}
}

// TPC-H Q13 is often written with a derived-table column list, which TiDB's
// grammar only accepts after LATERAL; Parse rewrites it.
func TestDerivedTableColumnAliasList(t *testing.T) {
	q := `select c_count, count(*) as custdist
from (select c_custkey, count(o_orderkey)
      from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%special%requests%'
      group by c_custkey) as c_orders (c_custkey, c_count)
group by c_count order by custdist desc, c_count desc`
	b := mustBind(t, q)
	if got := outputNames(b); !reflect.DeepEqual(got, []string{"c_count", "custdist"}) {
		t.Errorf("output %q, want c_count, custdist", got)
	}
	if _, err := bindText(t, "select * from t, lateral (select 1) as d"); err == nil {
		t.Error("a LATERAL written by the user should be rejected as unsupported")
	}
	if _, err := bindText(t, "select * from (select 1, 2) d (x)"); err == nil {
		t.Error("a column list with the wrong length should be an error")
	}
}
