package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/sql"
)

// explain returns the plans of a query as rows (plan_type, plan): one row a
// plan node, so every client shows them without multi-line cells. VERBOSE
// adds the plan after binding and after every optimizer rule.
func (e *Engine) explain(ctx context.Context, s *sql.Explain) (*Result, error) {
	q, ok := s.Statement.(*sql.Query)
	if !ok {
		return nil, fmt.Errorf("EXPLAIN supports queries only")
	}
	var rows [][]string
	add := func(kind, text string) {
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			rows = append(rows, []string{kind, line})
		}
	}
	var logicalPlan string
	trace := func(stage string, plan logical.Node) {
		switch {
		case stage == "optimized":
			logicalPlan = logical.Format(plan)
		case s.Verbose:
			add(stage, formatWithSubqueries(plan))
		}
	}
	phys, err := e.planQuery(ctx, q, trace)
	if err != nil {
		return nil, err
	}
	add("logical", logicalPlan)
	add("physical", exec.Format(phys))
	if s.Distributed {
		if e.opts.StagePlan == nil {
			return nil, fmt.Errorf("EXPLAIN DISTRIBUTED: this engine has no distributed planner configured")
		}
		stages, err := e.opts.StagePlan(phys)
		if err != nil {
			return nil, err
		}
		add("distributed", stages)
	}
	if s.Analyze {
		start := time.Now()
		res, err := e.collect(ctx, phys)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []string{"analyze", fmt.Sprintf("rows=%d elapsed=%s", res.NumRows(), time.Since(start).Round(time.Microsecond))})
	}
	return stringsResult([]string{"plan_type", "plan"}, rows), nil
}

// formatWithSubqueries is logical.Format that also prints the plan of every
// subquery an expression holds, under the node that evaluates it (before
// decorrelation, subqueries are expressions, and Format shows them only as
// "<subquery>").
func formatWithSubqueries(n logical.Node) string {
	var b strings.Builder
	var walk func(n logical.Node, depth int)
	walk = func(n logical.Node, depth int) {
		indent := strings.Repeat("  ", depth)
		b.WriteString(indent + n.String() + "\n")
		for _, x := range logical.NodeExprs(n) {
			logical.Walk(x, func(x logical.Expr) bool {
				if sq, ok := x.(*logical.SubqueryExpr); ok {
					b.WriteString(indent + "  Subquery: " + sq.String() + "\n")
					walk(sq.Plan, depth+2)
					return false // its own subqueries print under its plan
				}
				return true
			})
		}
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

func rowsOf(values []string) [][]string {
	rows := make([][]string, len(values))
	for i, v := range values {
		rows[i] = []string{v}
	}
	return rows
}

// stringsResult builds a result of VARCHAR columns.
func stringsResult(names []string, rows [][]string) *Result {
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	return &Result{Schema: schema, Batches: []arrow.RecordBatch{b.NewRecordBatch()}}
}
