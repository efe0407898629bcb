// Package distplan is the distributed planner: it cuts a physical plan into
// a DAG of stages at its exchanges (Ballista's planner, TiDB's fragments).
//
// A physical plan from package planner already runs as N partitions, with
// data moving between partitions only through explicit exchanges. Cut turns
// each exchange into a stage boundary: the subtree below it becomes a stage
// whose tasks (one per partition) write their output partitioned as the
// exchange says (a map output in package shuffle), and the exchange itself
// becomes a StageInput placeholder in the consuming stage. Just before a
// consumer's tasks run, Resolve replaces its StageInputs by
// shuffle.ShuffleReaderExecs that fetch the finished map outputs.
//
// The exchanges and what they become:
//
//	RepartitionExec(keys, n)  the child stage writes n partitions by the hash of
//	                          keys (round-robin without keys); consumer partition
//	                          p reads partition p of every map task.
//	CoalesceExec              the child stage writes one partition per task; the
//	                          consumer's single partition reads all of them.
//	SortPreservingMergeExec   the child stage's tasks sort (SortExec) and write
//	                          one partition each; the merge stays in the
//	                          consumer, above a StageInput that delivers every
//	                          map task's output as a separate sorted partition.
//	collect-build join        the build (right) side of a HashJoinExec in
//	                          JoinCollectBuild mode, and the right side of a
//	                          NestedLoopJoinExec, becomes a broadcast stage when
//	                          it is a subtree of its own: every consumer task
//	                          reads all of it.
package distplan

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
)

// OutputKind says how a stage's output is split for its consumer.
type OutputKind int

const (
	// OutputHash: every task writes N partitions by the hash of Keys
	// (round-robin by batch when there are no keys).
	OutputHash OutputKind = iota
	// OutputSingle: every task writes one partition, gathered by one
	// consumer partition (or, below a sort-preserving merge, read as one
	// sorted stream per task).
	OutputSingle
	// OutputBroadcast: every task writes one partition and every consumer
	// task reads all of them (build sides of collect-build joins).
	OutputBroadcast
	// OutputFinal: the query result, gathered by the coordinator.
	OutputFinal
)

// OutputPartitioning is how a stage's output is split for its consumer.
type OutputPartitioning struct {
	Kind OutputKind
	// Keys and N describe OutputHash.
	Keys []expr.Expr
	N    int
}

// Hash partitions by keys into n partitions (nil keys: round-robin).
func Hash(keys []expr.Expr, n int) OutputPartitioning {
	return OutputPartitioning{Kind: OutputHash, Keys: keys, N: max(n, 1)}
}

// Single is a gather into one partition.
func Single() OutputPartitioning { return OutputPartitioning{Kind: OutputSingle, N: 1} }

// Broadcast is one partition per task, read whole by every consumer task.
func Broadcast() OutputPartitioning { return OutputPartitioning{Kind: OutputBroadcast, N: 1} }

// Final is the query result.
func Final() OutputPartitioning { return OutputPartitioning{Kind: OutputFinal, N: 1} }

// Partitions is the number of partitions each task of the stage writes.
func (o OutputPartitioning) Partitions() int {
	if o.Kind == OutputHash {
		return max(o.N, 1)
	}
	return 1
}

func (o OutputPartitioning) String() string {
	switch o.Kind {
	case OutputHash:
		if len(o.Keys) == 0 {
			return fmt.Sprintf("round_robin(%d)", o.N)
		}
		ks := make([]string, len(o.Keys))
		for i, k := range o.Keys {
			ks[i] = k.String()
		}
		return fmt.Sprintf("hash(%s, %d)", strings.Join(ks, ", "), o.N)
	case OutputSingle:
		return "single"
	case OutputBroadcast:
		return "broadcast"
	case OutputFinal:
		return "final"
	}
	return fmt.Sprintf("OutputKind(%d)", int(o.Kind))
}

// Stage is a piece of the physical plan between exchanges. It runs as one
// task per partition of Plan.
type Stage struct {
	ID int
	// Plan is the stage's plan; its leaves are scans, values or StageInputs.
	Plan exec.Exec
	// Partitions is the number of tasks: Plan.Partitions().
	Partitions int
	// Output is how the stage's output is split for its consumer.
	Output OutputPartitioning
	// Inputs are the IDs of the stages read, ascending.
	Inputs []int
}

// Graph is a query's stages in dependency order: every stage comes after
// the stages it reads. Stage IDs are 1, 2, ...: Stages[i].ID == i+1. The
// final stage is the last one.
type Graph struct {
	Stages []*Stage
	Final  int
}

// Stage returns the stage with the given ID (nil if there is none).
func (g *Graph) Stage(id int) *Stage {
	if id < 1 || id > len(g.Stages) {
		return nil
	}
	return g.Stages[id-1]
}

// Consumers returns the IDs of the stages that read stage id.
func (g *Graph) Consumers(id int) []int {
	var out []int
	for _, s := range g.Stages {
		for _, in := range s.Inputs {
			if in == id {
				out = append(out, s.ID)
				break
			}
		}
	}
	return out
}

// Header is the first line Format prints for a stage.
func (s *Stage) Header() string {
	h := fmt.Sprintf("Stage %d [partitions=%d, output=%s]", s.ID, s.Partitions, s.Output)
	if len(s.Inputs) > 0 {
		ids := make([]string, len(s.Inputs))
		for i, id := range s.Inputs {
			ids[i] = fmt.Sprint(id)
		}
		h += " <- [" + strings.Join(ids, ", ") + "]"
	}
	return h
}

// Format prints the stages in order, each as its header line followed by
// its plan, one line a node (as exec.Format), indented under the header.
func (g *Graph) Format() string {
	var b strings.Builder
	for _, s := range g.Stages {
		b.WriteString(s.Header())
		b.WriteByte('\n')
		for _, line := range strings.SplitAfter(exec.Format(s.Plan), "\n") {
			if line != "" {
				b.WriteString("  ")
				b.WriteString(line)
			}
		}
	}
	return b.String()
}
