package distplan

import (
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/wire"
)

// KindStageInput is the wire kind of StageInput. Never renumber: it is on
// the wire.
const KindStageInput = wire.FirstExtensionKind + 16

// maxWirePartitions bounds decoded partition counts (as wire does).
const maxWirePartitions = wire.MaxPartitions

func init() {
	wire.RegisterExec(KindStageInput, encodeStageInput, decodeStageInput)
}

// StageInput: stage id, mode, partitions, map partitions, schema, sort keys
// (count, then expression and flags: 1 descending, 2 nulls first).
func encodeStageInput(e *wire.Encoder, x *StageInput) error {
	e.Varint(int64(x.stageID))
	e.Uvarint(uint64(x.mode))
	e.Varint(int64(x.partitions))
	e.Varint(int64(x.mapPartitions))
	e.Schema(x.schema)
	e.Count(len(x.keys))
	for _, k := range x.keys {
		e.Expr(k.Expr)
		var flags byte
		if k.Desc {
			flags |= 1
		}
		if k.NullsFirst {
			flags |= 2
		}
		e.Byte(flags)
	}
	return nil
}

func decodeStageInput(d *wire.Decoder, children []exec.Exec) (exec.Exec, error) {
	if err := wire.WantChildren(children, 0, "StageInput"); err != nil {
		return nil, err
	}
	id := int(d.Int("stage id", 1, 1<<31-1))
	mode := InputMode(d.Uint("stage input mode", uint64(InputSorted)))
	parts := int(d.Int("partitions", 1, maxWirePartitions))
	mapParts := int(d.Int("map partitions", 1, maxWirePartitions))
	schema := d.Schema()
	if d.Err() != nil {
		return nil, d.Err()
	}
	keys := make([]exec.SortKey, d.Count("sort key", 2))
	for i := range keys {
		keys[i].Expr = d.Expr(schema)
		flags := d.Byte()
		if d.Err() == nil && (keys[i].Expr == nil || flags&^3 != 0) {
			d.Fail("invalid sort key")
		}
		keys[i].Desc, keys[i].NullsFirst = flags&1 != 0, flags&2 != 0
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	if len(keys) > 0 && mode != InputSorted {
		d.Fail("StageInput: sort keys in mode %s", mode)
		return nil, d.Err()
	}
	if (mode == InputSingle || mode == InputBroadcast) && parts != 1 {
		d.Fail("StageInput: mode %s with %d partitions", mode, parts)
		return nil, d.Err()
	}
	if len(keys) == 0 {
		keys = nil
	}
	return NewStageInput(id, schema, mode, parts, mapParts, keys), nil
}
