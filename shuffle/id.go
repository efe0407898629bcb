package shuffle

import (
	"fmt"
)

// MaxQueryIDLen is the longest query id a shuffle accepts.
const MaxQueryIDLen = 128

// MapOutputID names the output of one map task: every partition a task of a
// stage wrote.
type MapOutputID struct {
	Query   string
	Stage   int
	MapTask int
}

// PartitionID names one partition of one map output: what a reducer fetches.
type PartitionID struct {
	Query     string
	Stage     int
	MapTask   int
	Partition int
}

// MapOutput returns the map output the partition belongs to.
func (p PartitionID) MapOutput() MapOutputID {
	return MapOutputID{Query: p.Query, Stage: p.Stage, MapTask: p.MapTask}
}

// Partition returns partition p of the map output.
func (m MapOutputID) Partition(p int) PartitionID {
	return PartitionID{Query: m.Query, Stage: m.Stage, MapTask: m.MapTask, Partition: p}
}

func (m MapOutputID) String() string {
	return fmt.Sprintf("query %s stage %d map %d", m.Query, m.Stage, m.MapTask)
}

func (p PartitionID) String() string {
	return fmt.Sprintf("query %s stage %d map %d partition %d", p.Query, p.Stage, p.MapTask, p.Partition)
}

// maxIndex bounds stage, map task and partition numbers (they travel as
// int32-sized values in tickets).
const maxIndex = 1<<31 - 1

// validateQuery checks a query id: 1 to MaxQueryIDLen characters among
// [A-Za-z0-9._-]. Query ids name directories on disk, so nothing else is
// allowed.
func validateQuery(q string) error {
	if q == "" {
		return fmt.Errorf("empty query id")
	}
	if len(q) > MaxQueryIDLen {
		return fmt.Errorf("query id of %d bytes exceeds %d", len(q), MaxQueryIDLen)
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("query id %q: character %q not allowed (use [A-Za-z0-9._-])", q, c)
		}
	}
	return nil
}

// validate checks the map output id.
func (m MapOutputID) validate() error {
	if err := validateQuery(m.Query); err != nil {
		return err
	}
	if m.Stage < 0 || m.Stage > maxIndex || m.MapTask < 0 || m.MapTask > maxIndex {
		return fmt.Errorf("%s: stage and map task must be in [0, %d]", m, maxIndex)
	}
	return nil
}

// validate checks the partition id.
func (p PartitionID) validate() error {
	if err := p.MapOutput().validate(); err != nil {
		return err
	}
	if p.Partition < 0 || p.Partition > maxIndex {
		return fmt.Errorf("%s: partition must be in [0, %d]", p, maxIndex)
	}
	return nil
}
