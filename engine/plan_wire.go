package engine

import (
	"context"
	"fmt"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/sql"
)

// PhysicalPlan binds, optimizes and plans one query without running it:
// the plan the engine would execute (for plan serialization and the
// distributed planner).
func (e *Engine) PhysicalPlan(ctx context.Context, sqlText string) (exec.Exec, error) {
	stmts, err := sql.Parse(sqlText)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, fmt.Errorf("want one statement, got %d", len(stmts))
	}
	q, ok := stmts[0].(*sql.Query)
	if !ok {
		return nil, fmt.Errorf("not a query: %T", stmts[0])
	}
	return e.planQuery(ctx, q, nil)
}
