package expr

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// caseExpr is a searched CASE. Conditions are evaluated in order and each
// row takes the first branch whose condition is TRUE (NULL is not taken);
// a THEN branch is only evaluated when some row takes it. Simple CASE is
// compiled to this form with "=" conditions.
type caseExpr struct {
	whens, thens []Expr
	els          Expr // nil: ELSE NULL
	typ          arrow.DataType
}

func (e *caseExpr) DataType() arrow.DataType { return e.typ }
func (e *caseExpr) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := range e.whens {
		fmt.Fprintf(&b, " WHEN %s THEN %s", e.whens[i], e.thens[i])
	}
	if e.els != nil {
		fmt.Fprintf(&b, " ELSE %s", e.els)
	}
	b.WriteString(" END")
	return b.String()
}

func (c *compiler) compileCase(x *logical.CaseExpr) (Expr, error) {
	if len(x.Whens) != len(x.Thens) || len(x.Whens) == 0 {
		return nil, fmt.Errorf("CASE needs matching WHEN/THEN pairs")
	}
	var operand Expr
	var err error
	if x.Operand != nil {
		if operand, err = c.compile(x.Operand); err != nil {
			return nil, err
		}
	}
	e := &caseExpr{typ: x.Typ}
	for i := range x.Whens {
		w, err := c.compile(x.Whens[i])
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if w, err = newCompare(logical.OpEq, operand, w); err != nil {
				return nil, fmt.Errorf("CASE: %w", err)
			}
		}
		if t := w.DataType().ID(); t != arrow.BOOL && t != arrow.NULL {
			return nil, fmt.Errorf("CASE WHEN condition %s is %s, not BOOLEAN", w, logical.TypeName(w.DataType()))
		}
		th, err := c.compile(x.Thens[i])
		if err != nil {
			return nil, err
		}
		if th, err = castTo(th, x.Typ); err != nil {
			return nil, fmt.Errorf("CASE THEN: %w", err)
		}
		e.whens, e.thens = append(e.whens, w), append(e.thens, th)
	}
	if x.Else != nil {
		el, err := c.compile(x.Else)
		if err != nil {
			return nil, err
		}
		if !isNullLiteral(el) {
			if e.els, err = castTo(el, x.Typ); err != nil {
				return nil, fmt.Errorf("CASE ELSE: %w", err)
			}
		}
	}
	return e, nil
}

func (e *caseExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	choice := make([]int32, n)
	elseIdx := int32(len(e.whens))
	for i := range choice {
		choice[i] = elseIdx
	}
	remaining := n
	used := make([]bool, len(e.whens)+1)
	for k, w := range e.whens {
		if remaining == 0 {
			break
		}
		vals, valid, err := boolOperand(w, b)
		if err != nil {
			return nil, err
		}
		for i := range choice {
			if choice[i] == elseIdx && getBit(vals, i) && isValid(valid, i) {
				choice[i] = int32(k)
				remaining--
				used[k] = true
			}
		}
	}
	used[elseIdx] = remaining > 0
	srcs := make([]arrow.Array, len(e.whens)+1)
	for k := range srcs {
		if !used[k] {
			continue
		}
		src := e.els
		if k < len(e.thens) {
			src = e.thens[k]
		}
		if src == nil {
			continue // ELSE NULL
		}
		var err error
		if srcs[k], err = evalBranch(src, b); err != nil {
			return nil, err
		}
	}
	return gather(e.typ, n, choice, srcs)
}

// evalBranch evaluates a branch; a literal is materialized as a single
// element that gather broadcasts, never as n copies.
func evalBranch(e Expr, b arrow.RecordBatch) (arrow.Array, error) {
	if v, ok := literalOf(e); ok {
		return MakeArray(v, e.DataType(), 1)
	}
	return evalChild(e, b)
}

// gather builds an array of type t where row i is row i of
// srcs[choice[i]]; a nil source or choice -1 gives NULL. Sources of length
// 1 (when n != 1) are broadcast.
func gather(t arrow.DataType, n int, choice []int32, srcs []arrow.Array) (arrow.Array, error) {
	masks := make([]int, len(srcs))
	valids := make([][]byte, len(srcs))
	for k, s := range srcs {
		if s == nil {
			continue
		}
		if s.DataType().ID() == arrow.NULL {
			srcs[k] = nil
			continue
		}
		if !arrow.TypeEqual(s.DataType(), t) {
			return nil, fmt.Errorf("internal error: CASE branch of type %s, expected %s", s.DataType(), t)
		}
		masks[k] = -1
		if s.Len() != n {
			masks[k] = 0
		}
		valids[k] = validity(s)
	}
	valid := make([]byte, bitmapLen(n))
	for i, k := range choice {
		if k >= 0 && srcs[k] != nil && isValid(valids[k], i&masks[k]) {
			setBit(valid, i)
		}
	}
	switch t.ID() {
	case arrow.INT64:
		return gatherFixed[int64](t, choice, srcs, masks, valid), nil
	case arrow.INT32:
		return gatherFixed[int32](t, choice, srcs, masks, valid), nil
	case arrow.INT16:
		return gatherFixed[int16](t, choice, srcs, masks, valid), nil
	case arrow.INT8:
		return gatherFixed[int8](t, choice, srcs, masks, valid), nil
	case arrow.FLOAT64:
		return gatherFixed[float64](t, choice, srcs, masks, valid), nil
	case arrow.FLOAT32:
		return gatherFixed[float32](t, choice, srcs, masks, valid), nil
	case arrow.DECIMAL128:
		return gatherFixed[num](t, choice, srcs, masks, valid), nil
	case arrow.DATE32:
		return gatherFixed[arrow.Date32](t, choice, srcs, masks, valid), nil
	case arrow.TIMESTAMP:
		return gatherFixed[arrow.Timestamp](t, choice, srcs, masks, valid), nil
	case arrow.NULL:
		return array.NewNull(n), nil
	case arrow.BOOL:
		out := make([]byte, bitmapLen(n))
		for i, k := range choice {
			if getBit(valid, i) && srcs[k].(*array.Boolean).Value(i&masks[k]) {
				setBit(out, i)
			}
		}
		return newBool(n, out, valid), nil
	case arrow.STRING:
		offs := make([][]int32, len(srcs))
		datas := make([][]byte, len(srcs))
		for k, s := range srcs {
			if s != nil {
				offs[k], datas[k] = stringData(s.(*array.String))
			}
		}
		sb := newStringBuilder(n, 0)
		for i, k := range choice {
			if !getBit(valid, i) {
				sb.appendEmpty()
				continue
			}
			j := i & masks[k]
			sb.append(datas[k][offs[k][j]:offs[k][j+1]])
		}
		return sb.finish(valid)
	}
	return nil, fmt.Errorf("CASE of type %s is not supported", logical.TypeName(t))
}

func gatherFixed[T arrow.FixedWidthType](t arrow.DataType, choice []int32, srcs []arrow.Array, masks []int, valid []byte) arrow.Array {
	vals := make([][]T, len(srcs))
	for k, s := range srcs {
		if s != nil {
			vals[k], _ = primValues[T](s)
		}
	}
	out := make([]T, len(choice))
	for i, k := range choice {
		if getBit(valid, i) {
			out[i] = vals[k][i&masks[k]]
		}
	}
	return newFixed(t, out, valid)
}
