package exec

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/exec/expr"
)

// Read-only accessors for what each operator was built from, so that plans
// can be serialized (package wire) and inspected by the distributed planner.
// Returned slices belong to the operator and must not be modified.

// Predicate is the filter condition.
func (e *FilterExec) Predicate() expr.Expr { return e.pred }

// Exprs are the projected expressions, in output order (names: Schema()).
func (e *ProjectionExec) Exprs() []expr.Expr { return e.exprs }

// GroupNames are the names of the group columns.
func (e *HashAggregateExec) GroupNames() []string { return e.groupNames }

// Fetch is the row limit of the merge (< 0: none).
func (e *SortPreservingMergeExec) Fetch() int64 { return e.fetch }

// Offset is the number of rows skipped.
func (e *LimitExec) Offset() int64 { return e.offset }

// Count is the maximum number of rows returned (< 0: no limit).
func (e *LimitExec) Count() int64 { return e.count }

// Count is the maximum number of rows kept per partition.
func (e *LocalLimitExec) Count() int64 { return e.count }

// Batches are the batches the operator produces.
func (e *ValuesExec) Batches() []arrow.RecordBatch { return e.batches }

// Keys are the key column indexes of a per-key single-row check (nil for
// the whole-input check).
func (e *EnforceSingleRowExec) Keys() []int { return e.keys }
