package distplan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/exec"
)

// InputMode says which map output partitions a StageInput partition reads.
type InputMode int

const (
	// InputHash: partition p reads partition p of every map task.
	InputHash InputMode = iota
	// InputSingle: the one partition reads partition 0 of every map task.
	InputSingle
	// InputBroadcast: the one partition reads every partition of every map
	// task; every task of the consumer reads it whole.
	InputBroadcast
	// InputSorted: partition i is the output of map task i alone (its
	// partition 0), a sorted stream for a SortPreservingMergeExec above.
	InputSorted
)

func (m InputMode) String() string {
	switch m {
	case InputHash:
		return "hash"
	case InputSingle:
		return "single"
	case InputBroadcast:
		return "broadcast"
	case InputSorted:
		return "sorted"
	}
	return fmt.Sprintf("InputMode(%d)", int(m))
}

// StageInput is the leaf where a stage reads another stage's output. It
// cannot run: Resolve replaces it by a shuffle.ShuffleReaderExec once the
// map outputs it reads exist.
type StageInput struct {
	stageID       int
	schema        *arrow.Schema
	partitions    int
	mode          InputMode
	mapPartitions int
	keys          []exec.SortKey
}

// NewStageInput reads the output of stage stageID. partitions is the
// number of partitions the placeholder produces (the hash partition count
// for InputHash, 1 for InputSingle and InputBroadcast, the input stage's
// task count for InputSorted); mapPartitions is the number of partitions
// every map task of the input stage writes; keys (InputSorted only) is the
// order of each map task's output.
func NewStageInput(stageID int, schema *arrow.Schema, mode InputMode, partitions, mapPartitions int, keys []exec.SortKey) *StageInput {
	return &StageInput{stageID: stageID, schema: schema, partitions: max(partitions, 1), mode: mode,
		mapPartitions: max(mapPartitions, 1), keys: keys}
}

func (e *StageInput) Schema() *arrow.Schema { return e.schema }
func (e *StageInput) Children() []exec.Exec { return nil }
func (e *StageInput) Partitions() int       { return e.partitions }

// StageID is the stage read.
func (e *StageInput) StageID() int { return e.stageID }

// Mode is how partitions map onto the input stage's map outputs.
func (e *StageInput) Mode() InputMode { return e.mode }

// MapPartitions is the number of partitions each map task of the input
// stage writes.
func (e *StageInput) MapPartitions() int { return e.mapPartitions }

// SortKeys is the order of every map task's output (InputSorted), else nil.
func (e *StageInput) SortKeys() []exec.SortKey { return e.keys }

func (e *StageInput) String() string {
	s := fmt.Sprintf("StageInput: stage=%d mode=%s partitions=%d", e.stageID, e.mode, e.partitions)
	if e.mode == InputSorted && len(e.keys) > 0 {
		ks := make([]string, len(e.keys))
		for i, k := range e.keys {
			ks[i] = k.String()
		}
		s += " order=[" + strings.Join(ks, ", ") + "]"
	}
	return s
}

// Execute fails: a StageInput must be resolved first (Resolve).
func (e *StageInput) Execute(*exec.TaskContext, int) (exec.Stream, error) {
	return nil, fmt.Errorf("distplan: %s was not resolved into a shuffle reader", e)
}
