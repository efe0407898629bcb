package exec

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/logical"
)

// aggAcc holds one aggregate's state for every group, updated a batch at a
// time: groups[i] is the group of row i. Typed implementations keep plain Go
// slices indexed by group id, so the hot loops are simple array updates.
type aggAcc interface {
	// resize makes room for n groups (n only grows).
	resize(n int)
	// update folds raw argument values (arg is nil for COUNT(*)).
	update(groups []uint32, arg arrow.Array) error
	// merge folds partial states (the columns PartialSchema describes).
	merge(groups []uint32, states []arrow.Array) error
	// state returns the partial state columns for all groups.
	state(mem memory.Allocator) ([]arrow.Array, error)
	// final returns the aggregate's values for all groups.
	final(mem memory.Allocator) (arrow.Array, error)
	// size estimates the bytes held.
	size() int64
}

// aggStateTypes returns the partial state types of an aggregate whose
// argument has type argType (nil for COUNT(*)).
func aggStateTypes(spec AggregateSpec, argType arrow.DataType) ([]arrow.DataType, []string, error) {
	switch spec.Func {
	case logical.AggCountStar, logical.AggCount:
		return []arrow.DataType{arrow.PrimitiveTypes.Int64}, []string{"count"}, nil
	case logical.AggSum:
		return []arrow.DataType{spec.Type}, []string{"sum"}, nil
	case logical.AggMin:
		return []arrow.DataType{spec.Type}, []string{"min"}, nil
	case logical.AggMax:
		return []arrow.DataType{spec.Type}, []string{"max"}, nil
	case logical.AggAvg:
		st, err := aggAvgSumType(argType)
		if err != nil {
			return nil, nil, err
		}
		return []arrow.DataType{st, arrow.PrimitiveTypes.Int64}, []string{"sum", "count"}, nil
	}
	return nil, nil, fmt.Errorf("unknown aggregate function %v", spec.Func)
}

// aggAvgSumType is the type AVG accumulates its sum in.
func aggAvgSumType(argType arrow.DataType) (arrow.DataType, error) {
	switch {
	case argType == nil:
		return nil, fmt.Errorf("avg needs an argument")
	case argType.ID() == arrow.DECIMAL128:
		return &arrow.Decimal128Type{Precision: 38, Scale: argType.(*arrow.Decimal128Type).Scale}, nil
	case logical.IsFloat(argType):
		return arrow.PrimitiveTypes.Float64, nil
	case logical.IsInteger(argType):
		return arrow.PrimitiveTypes.Int64, nil
	}
	return nil, fmt.Errorf("avg of %s is not supported", logical.TypeName(argType))
}

// newAggAcc builds the accumulator for spec. inType is the argument type
// (update) or, for AVG in final mode, the sum state type.
func newAggAcc(spec AggregateSpec, inType arrow.DataType) (aggAcc, error) {
	switch spec.Func {
	case logical.AggCountStar, logical.AggCount:
		return &aggCount{}, nil
	case logical.AggSum:
		return newAggSum(spec.Type, inType)
	case logical.AggAvg:
		st, err := aggAvgSumType(inType)
		if err != nil {
			return nil, err
		}
		sum, err := newAggSum(st, inType)
		if err != nil {
			return nil, err
		}
		return &aggAvg{sum: sum, sumType: st, resType: spec.Type}, nil
	case logical.AggMin, logical.AggMax:
		return newAggMinMax(spec.Type, spec.Func == logical.AggMax)
	}
	return nil, fmt.Errorf("unknown aggregate function %v", spec.Func)
}

// ---- COUNT ----

type aggCount struct{ counts []int64 }

func (a *aggCount) resize(n int) { a.counts = aggGrow(a.counts, n) }

func (a *aggCount) update(groups []uint32, arg arrow.Array) error {
	c := a.counts
	if arg == nil || arg.NullN() == 0 {
		for _, g := range groups {
			c[g]++
		}
		return nil
	}
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	valid, off := aggValidity(arg)
	for i, g := range groups {
		if bitutil.BitIsSet(valid, off+i) {
			c[g]++
		}
	}
	return nil
}

func (a *aggCount) merge(groups []uint32, states []arrow.Array) error {
	if states[0].DataType().ID() != arrow.INT64 {
		return fmt.Errorf("count state has type %s, want Int64", states[0].DataType())
	}
	vals := aggFixed[int64](states[0])
	valid, off := aggValidity(states[0])
	for i, g := range groups {
		if valid == nil || bitutil.BitIsSet(valid, off+i) {
			a.counts[g] += vals[i]
		}
	}
	return nil
}

func (a *aggCount) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggCount) final(memory.Allocator) (arrow.Array, error) {
	return aggFixedArray(arrow.PrimitiveTypes.Int64, a.counts, nil), nil
}

func (a *aggCount) size() int64 { return int64(cap(a.counts)) * 8 }

// ---- SUM ----

// newAggSum returns a SUM accumulator producing resType from inputs of inType.
func newAggSum(resType, inType arrow.DataType) (aggAcc, error) {
	switch resType.ID() {
	case arrow.INT64:
		if !logical.IsInteger(inType) {
			return nil, fmt.Errorf("sum of %s into BIGINT is not supported", logical.TypeName(inType))
		}
		return &aggSumInt{}, nil
	case arrow.FLOAT64:
		if !logical.IsNumeric(inType) {
			return nil, fmt.Errorf("sum of %s is not supported", logical.TypeName(inType))
		}
		return &aggSumFloat{}, nil
	case arrow.DECIMAL128:
		rs := resType.(*arrow.Decimal128Type).Scale
		switch {
		case inType.ID() == arrow.DECIMAL128:
			if s := inType.(*arrow.Decimal128Type).Scale; s > rs {
				return nil, fmt.Errorf("sum of %s into %s would lose digits", logical.TypeName(inType), logical.TypeName(resType))
			}
		case !logical.IsInteger(inType):
			return nil, fmt.Errorf("sum of %s into %s is not supported", logical.TypeName(inType), logical.TypeName(resType))
		}
		return &aggSumDec{typ: resType.(*arrow.Decimal128Type)}, nil
	}
	return nil, fmt.Errorf("sum producing %s is not supported", logical.TypeName(resType))
}

type aggSumInt struct {
	sums    []int64
	seen    []bool
	scratch []int64
}

func (a *aggSumInt) resize(n int) { a.sums = aggGrow(a.sums, n); a.seen = aggGrow(a.seen, n) }

func (a *aggSumInt) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	if arg.DataType().ID() == arrow.UINT64 {
		for _, v := range aggFixed[uint64](arg) {
			if v > math.MaxInt64 {
				return fmt.Errorf("BIGINT value is out of range in sum")
			}
		}
	}
	var vals []int64
	vals, a.scratch = aggInt64Values(arg, a.scratch)
	valid, off := aggValidity(arg)
	sums, seen := a.sums, a.seen
	overflow := false
	for i, g := range groups {
		if valid != nil && !bitutil.BitIsSet(valid, off+i) {
			continue
		}
		v := vals[i]
		s := sums[g] + v
		overflow = overflow || (sums[g]^s)&(v^s) < 0
		sums[g] = s
		seen[g] = true
	}
	if overflow {
		return fmt.Errorf("BIGINT value is out of range in sum")
	}
	return nil
}

func (a *aggSumInt) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggSumInt) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggSumInt) final(memory.Allocator) (arrow.Array, error) {
	return aggFixedArray(arrow.PrimitiveTypes.Int64, a.sums, a.seen), nil
}

func (a *aggSumInt) size() int64 { return int64(cap(a.sums))*9 + int64(cap(a.scratch))*8 }

type aggSumFloat struct {
	sums []float64
	seen []bool
}

func (a *aggSumFloat) resize(n int) { a.sums = aggGrow(a.sums, n); a.seen = aggGrow(a.seen, n) }

func (a *aggSumFloat) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	vals, err := aggFloat64Values(arg)
	if err != nil {
		return err
	}
	valid, off := aggValidity(arg)
	sums, seen := a.sums, a.seen
	for i, g := range groups {
		if valid != nil && !bitutil.BitIsSet(valid, off+i) {
			continue
		}
		sums[g] += vals[i]
		seen[g] = true
	}
	return nil
}

func (a *aggSumFloat) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggSumFloat) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggSumFloat) final(memory.Allocator) (arrow.Array, error) {
	return aggFixedArray(arrow.PrimitiveTypes.Float64, a.sums, a.seen), nil
}

func (a *aggSumFloat) size() int64 { return int64(cap(a.sums)) * 9 }

// aggFloat64Values converts numeric values to float64 (a fresh slice unless
// the input already is float64).
func aggFloat64Values(arr arrow.Array) ([]float64, error) {
	n := arr.Len()
	switch arr.DataType().ID() {
	case arrow.FLOAT64:
		return aggFixed[float64](arr), nil
	case arrow.FLOAT32:
		out := make([]float64, n)
		for i, v := range aggFixed[float32](arr) {
			out[i] = float64(v)
		}
		return out, nil
	case arrow.DECIMAL128:
		scale := arr.DataType().(*arrow.Decimal128Type).Scale
		out := make([]float64, n)
		for i, v := range aggFixed[decimal128.Num](arr) {
			out[i] = v.ToFloat64(scale)
		}
		return out, nil
	}
	if logical.IsInteger(arr.DataType()) {
		ints, _ := aggInt64Values(arr, nil)
		out := make([]float64, n)
		if arr.DataType().ID() == arrow.UINT64 {
			for i, v := range aggFixed[uint64](arr) {
				out[i] = float64(v)
			}
			return out, nil
		}
		for i, v := range ints {
			out[i] = float64(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot sum %s as a float", arr.DataType())
}

// aggSumDec sums decimals exactly in 128 bits (lo/hi words kept apart so the
// update loop is two adds with carry and a sign-based overflow check).
type aggSumDec struct {
	typ  *arrow.Decimal128Type
	lo   []uint64
	hi   []int64
	seen []bool
}

func (a *aggSumDec) resize(n int) {
	a.lo = aggGrow(a.lo, n)
	a.hi = aggGrow(a.hi, n)
	a.seen = aggGrow(a.seen, n)
}

func (a *aggSumDec) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	vals, err := aggDecimalValues(arg, a.typ.Scale)
	if err != nil {
		return err
	}
	valid, off := aggValidity(arg)
	lo, hi, seen := a.lo, a.hi, a.seen
	overflow := false
	for i, g := range groups {
		if valid != nil && !bitutil.BitIsSet(valid, off+i) {
			continue
		}
		v := vals[i]
		vh := v.HighBits()
		l, c := bits.Add64(lo[g], v.LowBits(), 0)
		h := hi[g] + vh + int64(c)
		overflow = overflow || (hi[g]^h)&(vh^h) < 0
		lo[g], hi[g] = l, h
		seen[g] = true
	}
	if overflow {
		return fmt.Errorf("DECIMAL value is out of range in sum")
	}
	return nil
}

// aggDecimalValues returns arr's values as decimals of the given scale
// (no copy when arr already is a decimal of that scale).
func aggDecimalValues(arr arrow.Array, scale int32) ([]decimal128.Num, error) {
	if dt, ok := arr.DataType().(*arrow.Decimal128Type); ok {
		vals := aggFixed[decimal128.Num](arr)
		if dt.Scale == scale {
			return vals, nil
		}
		out := make([]decimal128.Num, len(vals))
		for i, v := range vals {
			out[i] = v.IncreaseScaleBy(scale - dt.Scale)
		}
		return out, nil
	}
	if !logical.IsInteger(arr.DataType()) {
		return nil, fmt.Errorf("cannot sum %s as a decimal", arr.DataType())
	}
	ints, _ := aggInt64Values(arr, nil)
	out := make([]decimal128.Num, len(ints))
	for i, v := range ints {
		out[i] = decimal128.FromI64(v).IncreaseScaleBy(scale)
	}
	return out, nil
}

func (a *aggSumDec) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggSumDec) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggSumDec) num(g int) decimal128.Num { return decimal128.New(a.hi[g], a.lo[g]) }

func (a *aggSumDec) final(memory.Allocator) (arrow.Array, error) {
	out := make([]decimal128.Num, len(a.lo))
	for g := range out {
		out[g] = a.num(g)
		if a.seen[g] && !out[g].FitsInPrecision(a.typ.Precision) {
			return nil, fmt.Errorf("DECIMAL value is out of range in sum: does not fit %s", logical.TypeName(a.typ))
		}
	}
	return aggFixedArray(arrow.DataType(a.typ), out, a.seen), nil
}

func (a *aggSumDec) size() int64 { return int64(cap(a.lo)) * 17 }

// ---- AVG ----

// aggAvg keeps a SUM accumulator and a count of non-NULL values.
type aggAvg struct {
	sum     aggAcc
	sumType arrow.DataType
	resType arrow.DataType
	counts  []int64
}

func (a *aggAvg) resize(n int) { a.sum.resize(n); a.counts = aggGrow(a.counts, n) }

func (a *aggAvg) update(groups []uint32, arg arrow.Array) error {
	if err := a.sum.update(groups, arg); err != nil {
		return err
	}
	c := aggCount{counts: a.counts}
	return c.update(groups, arg)
}

func (a *aggAvg) merge(groups []uint32, states []arrow.Array) error {
	if len(states) != 2 {
		return fmt.Errorf("avg needs 2 state columns, got %d", len(states))
	}
	if err := a.sum.merge(groups, states[:1]); err != nil {
		return err
	}
	c := aggCount{counts: a.counts}
	return c.merge(groups, states[1:])
}

func (a *aggAvg) state(mem memory.Allocator) ([]arrow.Array, error) {
	s, err := a.sum.final(mem)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{s, aggFixedArray(arrow.PrimitiveTypes.Int64, a.counts, nil)}, nil
}

func (a *aggAvg) final(memory.Allocator) (arrow.Array, error) {
	n := len(a.counts)
	seen := make([]bool, n)
	for g, c := range a.counts {
		seen[g] = c > 0
	}
	switch a.resType.ID() {
	case arrow.FLOAT64:
		out := make([]float64, n)
		for g, c := range a.counts {
			if c == 0 {
				continue
			}
			switch s := a.sum.(type) {
			case *aggSumFloat:
				out[g] = s.sums[g] / float64(c)
			case *aggSumInt:
				out[g] = float64(s.sums[g]) / float64(c)
			case *aggSumDec:
				out[g] = s.num(g).ToFloat64(s.typ.Scale) / float64(c)
			}
		}
		return aggFixedArray(arrow.PrimitiveTypes.Float64, out, seen), nil
	case arrow.DECIMAL128:
		rt := a.resType.(*arrow.Decimal128Type)
		out := make([]decimal128.Num, n)
		for g, c := range a.counts {
			if c == 0 {
				continue
			}
			var sum decimal128.Num
			var scale int32
			switch s := a.sum.(type) {
			case *aggSumInt:
				sum = decimal128.FromI64(s.sums[g])
			case *aggSumDec:
				sum, scale = s.num(g), s.typ.Scale
			default:
				return nil, fmt.Errorf("avg of %s into %s is not supported", a.sumType, logical.TypeName(a.resType))
			}
			v, err := aggDivRound(sum, rt.Scale-scale, c)
			if err != nil {
				return nil, err
			}
			if !v.FitsInPrecision(rt.Precision) {
				return nil, fmt.Errorf("DECIMAL value is out of range in avg: does not fit %s", logical.TypeName(rt))
			}
			out[g] = v
		}
		return aggFixedArray(a.resType, out, seen), nil
	}
	return nil, fmt.Errorf("avg producing %s is not supported", logical.TypeName(a.resType))
}

func (a *aggAvg) size() int64 { return a.sum.size() + int64(cap(a.counts))*8 }

var aggPow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// aggDivRound computes sum * 10^shift / count rounded half away from zero
// (shift may be negative), in int64 when that cannot overflow.
func aggDivRound(sum decimal128.Num, shift int32, count int64) (decimal128.Num, error) {
	if count <= 0 {
		return decimal128.Num{}, fmt.Errorf("avg of an empty group")
	}
	if shift >= 0 && shift < 19 && sum.HighBits() == int64(sum.LowBits())>>63 {
		s := int64(sum.LowBits())
		p := aggPow10[shift]
		if hi, lo := bits.Mul64(uint64(aggAbs(s)), uint64(p)); hi == 0 && lo < 1<<63 {
			num := s * p
			q, r := num/count, num%count
			if r < 0 {
				r = -r
			}
			if r >= count-r { // 2r >= count without overflow
				if num < 0 {
					q--
				} else {
					q++
				}
			}
			return decimal128.FromI64(q), nil
		}
	}
	num := sum.BigInt()
	den := big.NewInt(count)
	ten := big.NewInt(10)
	if shift > 0 {
		num.Mul(num, new(big.Int).Exp(ten, big.NewInt(int64(shift)), nil))
	} else if shift < 0 {
		den.Mul(den, new(big.Int).Exp(ten, big.NewInt(int64(-shift)), nil))
	}
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if q.BitLen() > 127 {
		return decimal128.Num{}, fmt.Errorf("DECIMAL value is out of range in avg")
	}
	return decimal128.FromBigInt(q), nil
}

func aggAbs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// ---- MIN / MAX ----

func newAggMinMax(t arrow.DataType, isMax bool) (aggAcc, error) {
	switch t.ID() {
	case arrow.INT8:
		return &aggMinMaxFixed[int8]{typ: t, isMax: isMax}, nil
	case arrow.INT16:
		return &aggMinMaxFixed[int16]{typ: t, isMax: isMax}, nil
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return &aggMinMaxFixed[int32]{typ: t, isMax: isMax}, nil
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		return &aggMinMaxFixed[int64]{typ: t, isMax: isMax}, nil
	case arrow.UINT8:
		return &aggMinMaxFixed[uint8]{typ: t, isMax: isMax}, nil
	case arrow.UINT16:
		return &aggMinMaxFixed[uint16]{typ: t, isMax: isMax}, nil
	case arrow.UINT32:
		return &aggMinMaxFixed[uint32]{typ: t, isMax: isMax}, nil
	case arrow.UINT64:
		return &aggMinMaxFixed[uint64]{typ: t, isMax: isMax}, nil
	case arrow.FLOAT32:
		return &aggMinMaxFixed[float32]{typ: t, isMax: isMax}, nil
	case arrow.FLOAT64:
		return &aggMinMaxFixed[float64]{typ: t, isMax: isMax}, nil
	case arrow.DECIMAL128:
		return &aggMinMaxDec{typ: t, isMax: isMax}, nil
	case arrow.STRING, arrow.LARGE_STRING:
		return &aggMinMaxString{typ: t, isMax: isMax}, nil
	case arrow.BOOL:
		return &aggMinMaxBool{isMax: isMax}, nil
	}
	return nil, fmt.Errorf("min/max of %s is not supported", logical.TypeName(t))
}

type aggOrdered interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

type aggMinMaxFixed[T aggOrdered] struct {
	typ   arrow.DataType
	isMax bool
	vals  []T
	seen  []bool
}

func (a *aggMinMaxFixed[T]) resize(n int) { a.vals = aggGrow(a.vals, n); a.seen = aggGrow(a.seen, n) }

func (a *aggMinMaxFixed[T]) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	if !arrow.TypeEqual(arg.DataType(), a.typ) {
		return fmt.Errorf("min/max input has type %s, want %s", arg.DataType(), a.typ)
	}
	in := aggFixed[T](arg)
	valid, off := aggValidity(arg)
	vals, seen := a.vals, a.seen
	if a.isMax {
		for i, g := range groups {
			if valid != nil && !bitutil.BitIsSet(valid, off+i) {
				continue
			}
			if v := in[i]; !seen[g] || v > vals[g] {
				vals[g], seen[g] = v, true
			}
		}
	} else {
		for i, g := range groups {
			if valid != nil && !bitutil.BitIsSet(valid, off+i) {
				continue
			}
			if v := in[i]; !seen[g] || v < vals[g] {
				vals[g], seen[g] = v, true
			}
		}
	}
	return nil
}

func (a *aggMinMaxFixed[T]) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggMinMaxFixed[T]) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggMinMaxFixed[T]) final(memory.Allocator) (arrow.Array, error) {
	return aggFixedArray(a.typ, a.vals, a.seen), nil
}

func (a *aggMinMaxFixed[T]) size() int64 {
	var z T
	return int64(cap(a.vals)) * (int64(unsafe.Sizeof(z)) + 1)
}

type aggMinMaxDec struct {
	typ   arrow.DataType
	isMax bool
	vals  []decimal128.Num
	seen  []bool
}

func (a *aggMinMaxDec) resize(n int) { a.vals = aggGrow(a.vals, n); a.seen = aggGrow(a.seen, n) }

func (a *aggMinMaxDec) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	scale := a.typ.(*arrow.Decimal128Type).Scale
	in, err := aggDecimalValues(arg, scale)
	if err != nil {
		return err
	}
	valid, off := aggValidity(arg)
	for i, g := range groups {
		if valid != nil && !bitutil.BitIsSet(valid, off+i) {
			continue
		}
		v := in[i]
		if !a.seen[g] || (a.isMax && v.Greater(a.vals[g])) || (!a.isMax && v.Less(a.vals[g])) {
			a.vals[g], a.seen[g] = v, true
		}
	}
	return nil
}

func (a *aggMinMaxDec) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggMinMaxDec) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggMinMaxDec) final(memory.Allocator) (arrow.Array, error) {
	return aggFixedArray(a.typ, a.vals, a.seen), nil
}

func (a *aggMinMaxDec) size() int64 { return int64(cap(a.vals)) * 17 }

type aggMinMaxString struct {
	typ   arrow.DataType
	isMax bool
	vals  []string
	seen  []bool
	bytes int64
}

func (a *aggMinMaxString) resize(n int) { a.vals = aggGrow(a.vals, n); a.seen = aggGrow(a.seen, n) }

func (a *aggMinMaxString) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	sa, ok := arg.(interface{ Value(int) string })
	if !ok {
		return fmt.Errorf("min/max input has type %s, want %s", arg.DataType(), a.typ)
	}
	valid, off := aggValidity(arg)
	for i, g := range groups {
		if valid != nil && !bitutil.BitIsSet(valid, off+i) {
			continue
		}
		v := sa.Value(i) // aliases the batch: cloned only when kept
		if !a.seen[g] || (a.isMax && v > a.vals[g]) || (!a.isMax && v < a.vals[g]) {
			a.bytes += int64(len(v) - len(a.vals[g]))
			a.vals[g], a.seen[g] = strings.Clone(v), true
		}
	}
	return nil
}

func (a *aggMinMaxString) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggMinMaxString) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggMinMaxString) final(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewBuilder(mem, a.typ)
	defer b.Release()
	b.Reserve(len(a.vals))
	switch sb := b.(type) {
	case *array.StringBuilder:
		sb.ReserveData(int(a.bytes))
		for g, v := range a.vals {
			if a.seen[g] {
				sb.Append(v)
			} else {
				sb.AppendNull()
			}
		}
	case *array.LargeStringBuilder:
		for g, v := range a.vals {
			if a.seen[g] {
				sb.Append(v)
			} else {
				sb.AppendNull()
			}
		}
	default:
		return nil, fmt.Errorf("min/max of %s is not supported", a.typ)
	}
	return b.NewArray(), nil
}

func (a *aggMinMaxString) size() int64 { return int64(cap(a.vals))*17 + a.bytes }

type aggMinMaxBool struct {
	isMax bool
	vals  []bool
	seen  []bool
}

func (a *aggMinMaxBool) resize(n int) { a.vals = aggGrow(a.vals, n); a.seen = aggGrow(a.seen, n) }

func (a *aggMinMaxBool) update(groups []uint32, arg arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	ba, ok := arg.(*array.Boolean)
	if !ok {
		return fmt.Errorf("min/max input has type %s, want boolean", arg.DataType())
	}
	for i, g := range groups {
		if ba.IsNull(i) {
			continue
		}
		v := ba.Value(i)
		if !a.seen[g] {
			a.vals[g], a.seen[g] = v, true
		} else if a.isMax {
			a.vals[g] = a.vals[g] || v
		} else {
			a.vals[g] = a.vals[g] && v
		}
	}
	return nil
}

func (a *aggMinMaxBool) merge(groups []uint32, states []arrow.Array) error {
	return a.update(groups, states[0])
}

func (a *aggMinMaxBool) state(mem memory.Allocator) ([]arrow.Array, error) {
	f, err := a.final(mem)
	return []arrow.Array{f}, err
}

func (a *aggMinMaxBool) final(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(a.vals, a.seen)
	return b.NewArray(), nil
}

func (a *aggMinMaxBool) size() int64 { return int64(cap(a.vals)) * 2 }

// ---- DISTINCT ----

// aggDistinct feeds an inner accumulator only the (group, value) pairs it
// has not seen before, found with a byte-key hash table.
type aggDistinct struct {
	inner   aggAcc
	table   *aggBytesTable
	enc     aggRowEncoder
	scratch []uint32
	newRows []int32
	cctx    context.Context
}

func (a *aggDistinct) resize(n int) { a.inner.resize(n) }

func (a *aggDistinct) update(groups []uint32, arg arrow.Array) error {
	n := len(groups)
	if err := a.enc.encode([]arrow.Array{arg}, groups, n); err != nil {
		return err
	}
	a.scratch = aggGrow(a.scratch[:0], n)
	a.newRows = a.table.insert(&a.enc, n, a.scratch, a.newRows[:0])
	if len(a.newRows) == 0 {
		return nil
	}
	if len(a.newRows) == n {
		return a.inner.update(groups, arg)
	}
	sub := make([]uint32, len(a.newRows))
	for i, r := range a.newRows {
		sub[i] = groups[r]
	}
	taken, err := sortTake(a.cctx, []arrow.Array{arg}, a.newRows)
	if err != nil {
		return err
	}
	defer taken[0].Release()
	return a.inner.update(sub, taken[0])
}

func (a *aggDistinct) merge([]uint32, []arrow.Array) error {
	return fmt.Errorf("DISTINCT aggregates cannot merge partial states")
}

func (a *aggDistinct) state(memory.Allocator) ([]arrow.Array, error) {
	return nil, fmt.Errorf("DISTINCT aggregates have no partial state")
}

func (a *aggDistinct) final(mem memory.Allocator) (arrow.Array, error) { return a.inner.final(mem) }

func (a *aggDistinct) size() int64 {
	return a.inner.size() + a.table.size() + int64(cap(a.enc.buf)) + int64(cap(a.enc.offs))*16
}

// ---- helpers ----

// aggGrow extends s to length n with zero values, doubling capacity so
// growth is amortised.
func aggGrow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	ns := make([]T, n, max(n, 2*cap(s), 16))
	copy(ns, s)
	return ns
}

// aggFixed returns the fixed-width values of arr.
func aggFixed[T arrow.FixedWidthType](arr arrow.Array) []T {
	if arr.Len() == 0 {
		return nil
	}
	return arrow.GetValues[T](arr.Data(), 1)
}

// aggFixedArray wraps vals (not copied: the accumulator is done with them)
// as an array of type t; seen[g] false means NULL (nil seen: no NULLs).
func aggFixedArray[T arrow.FixedWidthType](t arrow.DataType, vals []T, seen []bool) arrow.Array {
	n := len(vals)
	var validity *memory.Buffer
	nulls := 0
	if seen != nil {
		bm := make([]byte, bitutil.BytesForBits(int64(n)))
		for i, ok := range seen[:n] {
			if ok {
				bitutil.SetBit(bm, i)
			} else {
				nulls++
			}
		}
		if nulls > 0 {
			validity = memory.NewBufferBytes(bm)
		}
	}
	d := array.NewData(t, n, []*memory.Buffer{validity, memory.NewBufferBytes(arrow.GetBytes(vals[:n:n]))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
