// Package exec holds Aloft's physical operators ("Execs"). A physical plan is
// a tree of Execs; each produces its output as Partitions() independent
// streams of Arrow record batches, one per partition, so N partitions run on
// N goroutines (and later on N executor slots). The points where data moves
// between partitions are explicit Execs (RepartitionExec, CoalesceExec,
// SortPreservingMergeExec): the distributed planner cuts stages there.
package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Exec is a physical operator. Execs are immutable once built and hold no
// per-execution state: all state lives in the Streams that Execute returns,
// so one plan can run many times and concurrently.
type Exec interface {
	// Schema is the schema of every batch the operator produces.
	Schema() *arrow.Schema
	// Children are the inputs.
	Children() []Exec
	// Partitions is the number of output partitions.
	Partitions() int
	// Execute starts producing partition p. No work happens before the
	// first Next. The caller must Close the stream.
	Execute(ctx *TaskContext, partition int) (Stream, error)
	// String prints the operator on one deterministic line, without children.
	String() string
}

// Stream yields record batches. Next returns (nil, nil) at the end of the
// stream. A returned batch belongs to the caller: the producer never reuses
// its buffers (batches are garbage collected; calling Release is optional).
type Stream interface {
	Next() (arrow.RecordBatch, error)
	Close()
}

// TaskContext carries what a running partition needs: cancellation, the
// memory pool, the allocator and the batch size.
type TaskContext struct {
	Ctx context.Context
	// Memory accounts for memory held by buffering operators.
	Memory *MemoryPool
	// Alloc allocates Arrow buffers.
	Alloc memory.Allocator
	// BatchSize is the target number of rows per batch.
	BatchSize int
}

// DefaultBatchSize is the target rows per batch when none is configured.
const DefaultBatchSize = 8192

// NewTaskContext returns a context with a pool of the given limit in bytes (<=0: unlimited).
func NewTaskContext(ctx context.Context, memoryLimit int64) *TaskContext {
	return &TaskContext{
		Ctx:       ctx,
		Memory:    NewMemoryPool(memoryLimit),
		Alloc:     memory.DefaultAllocator,
		BatchSize: DefaultBatchSize,
	}
}

// Err returns the context's error once the query is cancelled.
func (c *TaskContext) Err() error { return c.Ctx.Err() }

// Format prints a physical plan as an indented tree, one operator a line.
func Format(e Exec) string {
	var b strings.Builder
	var walk func(e Exec, depth int)
	walk = func(e Exec, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(e.String())
		b.WriteByte('\n')
		for _, c := range e.Children() {
			walk(c, depth+1)
		}
	}
	walk(e, 0)
	return b.String()
}

// checkPartition validates a partition index for Execute implementations.
func checkPartition(e Exec, p int) error {
	if p < 0 || p >= e.Partitions() {
		return fmt.Errorf("%s: partition %d out of range [0,%d)", e.String(), p, e.Partitions())
	}
	return nil
}
