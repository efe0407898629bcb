package sql

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenQueries are bound and printed to testdata/<name>.plan. TPC-H names
// read the shared query files.
var goldenQueries = map[string]string{
	"tpch_q01":                  "@q01.sql",
	"tpch_q02":                  "@q02.sql",
	"tpch_q13":                  "@q13.sql",
	"tpch_q15":                  "@q15.sql",
	"tpch_q17":                  "@q17.sql",
	"tpch_q22":                  "@q22.sql",
	"order_by_hidden_and_alias": `select a + 1 as x, c from t where b > 2 order by m desc, x, 2 limit 5 offset 10`,
	"union_distinct_and_all":    `select a, c from t union all select x, s from u union select 1, 'one' order by 1 desc limit 3`,
	"distinct_having_alias":     `select distinct c, sum(m) as total from t group by c having total > 10 and count(*) > 1`,
	"using_and_right_join":      `select a, t.c, u.s from t join u using (a) right join lineitem on l_orderkey = t.a`,
	"correlated_in_select_list": `select c, (select count(*) from u where u.s = t.c) as n from t group by c order by n`,
	"cte_with_columns":          `with w(k, v) as (select a, sum(m) from t group by a) select w1.k, w2.v from w w1, w w2 where w1.k = w2.k`,
}

func TestGoldenPlans(t *testing.T) {
	for name, text := range goldenQueries {
		t.Run(name, func(t *testing.T) {
			if file, ok := strings.CutPrefix(text, "@"); ok {
				data, err := os.ReadFile(filepath.Join(tpchQueryDir, file))
				if err != nil {
					t.Skipf("TPC-H query not available: %v", err)
				}
				text = string(data)
			}
			got := bindAndFormat(t, text)
			path := filepath.Join("testdata", name+".plan")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenPlans -update)", err)
			}
			if got != string(want) {
				t.Errorf("plan differs from %s (rerun with -update if intended)\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// bindAndFormat prints the output schema with types, then the plan with the
// plans of subqueries indented under the node that uses them.
func bindAndFormat(t *testing.T, text string) string {
	t.Helper()
	b := mustBind(t, text)
	var sb strings.Builder
	cols := b.Plan.Schema()
	parts := make([]string, len(cols))
	for i, c := range cols {
		null := ""
		if c.Nullable {
			null = " NULL"
		}
		parts[i] = fmt.Sprintf("%s %s%s", c.Name, logical.TypeName(c.Type), null)
	}
	sb.WriteString("Schema: " + strings.Join(parts, ", ") + "\n")
	formatTree(&sb, b.Plan, 0)
	return sb.String()
}

func formatTree(sb *strings.Builder, n logical.Node, depth int) {
	indent := strings.Repeat("  ", depth)
	sb.WriteString(indent + n.String() + "\n")
	for _, e := range nodeExprs(n) {
		logical.Walk(e, func(x logical.Expr) bool {
			if sq, ok := x.(*logical.SubqueryExpr); ok {
				sb.WriteString(indent + "  subquery " + sq.String() + ":\n")
				formatTree(sb, sq.Plan, depth+2)
			}
			return true
		})
	}
	for _, c := range n.Children() {
		formatTree(sb, c, depth+1)
	}
}

// nodeExprs lists the expressions a node evaluates.
func nodeExprs(n logical.Node) []logical.Expr {
	switch x := n.(type) {
	case *logical.Filter:
		return []logical.Expr{x.Predicate}
	case *logical.Project:
		return x.Exprs
	case *logical.Join:
		if x.Condition != nil {
			return []logical.Expr{x.Condition}
		}
	case *logical.Aggregate:
		out := append([]logical.Expr(nil), x.GroupBy...)
		for _, a := range x.Aggs {
			out = append(out, a)
		}
		return out
	case *logical.Sort:
		var out []logical.Expr
		for _, k := range x.Keys {
			out = append(out, k.Expr)
		}
		return out
	}
	return nil
}

// mustBind parses one query and binds it against the test catalog.
func mustBind(t *testing.T, text string) *Bound {
	t.Helper()
	b, err := bindText(t, text)
	if err != nil {
		t.Fatalf("%s\n-> %v", text, err)
	}
	return b
}

func bindText(t *testing.T, text string) (*Bound, error) {
	t.Helper()
	stmts, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		t.Fatalf("got %d statements, want 1", len(stmts))
	}
	q, ok := stmts[0].(*Query)
	if !ok {
		t.Fatalf("got %T, want *Query", stmts[0])
	}
	return Bind(q, testCatalog(t))
}
