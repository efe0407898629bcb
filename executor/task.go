package executor

import (
	"encoding/json"
	"fmt"

	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/shuffle"
)

// Flight action types served by an executor.
const (
	// ActionRunTask runs one task; the body is an encoded TaskSpec, the
	// single result an encoded TaskResult.
	ActionRunTask = "aloft.run_task"
	// ActionDropQuery deletes a query's shuffle data; the body is the
	// query id.
	ActionDropQuery = "aloft.drop_query"
)

// TaskSpecVersion is the version of the TaskSpec encoding. Decoding refuses
// any other version.
const TaskSpecVersion = 1

// MaxTaskSpecBytes bounds an encoded TaskSpec.
const MaxTaskSpecBytes = 256 << 20

// Bounds checked when a TaskSpec is decoded.
const (
	maxIndex     = 1<<31 - 1
	maxPartition = 1 << 16
)

// TaskSpec is everything an executor needs to run one task of a stage.
//
// Encoding: JSON (byte slices as base64, as encoding/json does), chosen over
// a custom binary form because everything large in it (the plan, the
// splits) is already in wire's compact, versioned and validated binary
// form; the envelope is small, and JSON keeps it debuggable. The envelope
// carries its own Version and is validated by DecodeTaskSpec.
//
// The output partitioning travels inside the plan: for OutputHash the plan
// is the stage plan wrapped in an exec.RepartitionExec whose keys and count
// are the output's (wire encodes its expressions); the executor unwraps it.
// For the other kinds the plan is the stage plan and the task writes one
// partition.
type TaskSpec struct {
	Version int
	Query   string
	Stage   int
	Task    int
	Attempt int
	// Output is the distplan.OutputKind of the stage.
	Output int
	// Plan is the wire-encoded stage plan (StageInputs unresolved), wrapped
	// for OutputHash as described above.
	Plan []byte
	// Splits maps every scanID (wire.Scans order) to wire-encoded splits.
	// TaskSplits maps the scanIDs whose splits are this task's alone (the
	// splits of its partition of the scan, in scan order) to the scan's
	// partition count in the stage plan; the other scans carry all their
	// splits.
	Splits     map[int][]byte
	TaskSplits map[int]int
	// Inputs maps an input stage id to the map outputs finished for it.
	Inputs map[int][]MapLocation
}

// MapLocation is where the output of one map task is.
type MapLocation struct {
	MapTask int
	Addr    string
}

// TaskResult is what a task reports.
type TaskResult struct {
	// Rows and Bytes are per output partition (Bytes: compressed shuffle
	// bytes as the store holds them).
	Rows  []int64
	Bytes []int64
}

// EncodeTaskSpec serializes a spec (setting its Version).
func EncodeTaskSpec(s *TaskSpec) ([]byte, error) {
	c := *s
	c.Version = TaskSpecVersion
	if err := c.validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("executor: encoding task spec: %w", err)
	}
	if len(b) > MaxTaskSpecBytes {
		return nil, fmt.Errorf("executor: task spec of %d bytes exceeds %d", len(b), MaxTaskSpecBytes)
	}
	return b, nil
}

// DecodeTaskSpec parses and validates an encoded spec.
func DecodeTaskSpec(data []byte) (*TaskSpec, error) {
	if len(data) > MaxTaskSpecBytes {
		return nil, fmt.Errorf("executor: task spec of %d bytes exceeds %d", len(data), MaxTaskSpecBytes)
	}
	var s TaskSpec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("executor: malformed task spec: %w", err)
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *TaskSpec) validate() error {
	if s.Version != TaskSpecVersion {
		return fmt.Errorf("executor: task spec version %d, want %d", s.Version, TaskSpecVersion)
	}
	// shuffle validates the query id's characters when writing; check the
	// id here too so a bad spec fails before any work.
	if err := ValidateQuery(s.Query); err != nil {
		return fmt.Errorf("executor: task spec: %w", err)
	}
	if s.Stage < 1 || s.Stage > maxIndex || s.Task < 0 || s.Task >= maxPartition || s.Attempt < 0 || s.Attempt > maxIndex {
		return fmt.Errorf("executor: task spec: stage %d task %d attempt %d out of range", s.Stage, s.Task, s.Attempt)
	}
	if s.Output < int(distplan.OutputHash) || s.Output > int(distplan.OutputFinal) {
		return fmt.Errorf("executor: task spec: unknown output kind %d", s.Output)
	}
	if len(s.Plan) == 0 {
		return fmt.Errorf("executor: task spec: no plan")
	}
	for id := range s.Splits {
		if id < 0 || id >= maxPartition {
			return fmt.Errorf("executor: task spec: scan id %d out of range", id)
		}
	}
	for id, parts := range s.TaskSplits {
		if _, ok := s.Splits[id]; !ok {
			return fmt.Errorf("executor: task spec: task splits of scan %d not given", id)
		}
		if parts <= s.Task || parts > maxPartition {
			return fmt.Errorf("executor: task spec: scan %d of %d partitions for task %d", id, parts, s.Task)
		}
	}
	for stage, locs := range s.Inputs {
		if stage < 1 || stage > maxIndex {
			return fmt.Errorf("executor: task spec: input stage %d out of range", stage)
		}
		seen := make(map[int]bool, len(locs))
		for _, l := range locs {
			if l.MapTask < 0 || l.MapTask >= maxPartition || seen[l.MapTask] || l.Addr == "" {
				return fmt.Errorf("executor: task spec: input stage %d: bad location %+v", stage, l)
			}
			seen[l.MapTask] = true
		}
	}
	return nil
}

// ValidateQuery checks a query id as the shuffle store does: 1 to
// shuffle.MaxQueryIDLen characters among [A-Za-z0-9._-].
func ValidateQuery(q string) error {
	if q == "" || len(q) > shuffle.MaxQueryIDLen {
		return fmt.Errorf("query id of %d bytes (want 1 to %d)", len(q), shuffle.MaxQueryIDLen)
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("query id %q: character %q not allowed", q, c)
		}
	}
	return nil
}
