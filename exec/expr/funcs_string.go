package expr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// String functions follow MySQL: positions and lengths count characters
// (UTF-8 runes) except LENGTH, which counts bytes. Every kernel checks once
// per batch whether the data is pure ASCII and then works on bytes.

// strArg is a string argument: a literal or a column.
type strArg struct {
	e     Expr
	lit   []byte
	isLit bool
}

func newStrArg(e Expr) (strArg, error) {
	e, err := castTo(e, logical.String)
	if err != nil {
		return strArg{}, err
	}
	if v, ok := literalOf(e); ok {
		return strArg{e: e, lit: []byte(v.(string)), isLit: true}, nil
	}
	return strArg{e: e}, nil
}

// strCol is an evaluated string argument: value i is
// data[offs[i&mask]:offs[i&mask+1]].
type strCol struct {
	offs  []int32
	data  []byte
	mask  int
	valid []byte
}

func (c strCol) at(i int) []byte {
	j := i & c.mask
	return c.data[c.offs[j]:c.offs[j+1]]
}

// ascii reports whether every value is ASCII.
func (c strCol) ascii() bool {
	return isASCII(c.data[c.offs[0]:c.offs[len(c.offs)-1]])
}

func (a strArg) eval(b arrow.RecordBatch) (strCol, error) {
	if a.isLit {
		return strCol{offs: []int32{0, int32(len(a.lit))}, data: a.lit, mask: 0}, nil
	}
	arr, err := evalChild(a.e, b)
	if err != nil {
		return strCol{}, err
	}
	sa, ok := arr.(*array.String)
	if !ok {
		return strCol{}, fmt.Errorf("expected VARCHAR, got %s", arr.DataType())
	}
	offs, data := stringData(sa)
	return strCol{offs: offs, data: data, mask: -1, valid: validity(sa)}, nil
}

// isASCII checks 8 bytes at a time.
func isASCII(s []byte) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64(s[i:])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func nullString() (Expr, error) { return NewLiteral(nil, logical.String), nil }

// substrRange computes MySQL SUBSTRING bounds over a value of length L
// (in characters): pos is 1-based, negative counts from the end, 0 gives ”.
func substrRange(L, pos, ln int64, hasLen bool) (start, end int64) {
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0:
		start = L + pos
		if start < 0 {
			return 0, 0
		}
	default:
		return 0, 0
	}
	if start >= L {
		return 0, 0
	}
	end = L
	if hasLen {
		if ln <= 0 {
			return 0, 0
		}
		if ln < end-start {
			end = start + ln
		}
	}
	return start, end
}

// runeOffset returns the byte offset of the k-th character of s (k <= count).
func runeOffset(s []byte, k int64) int64 {
	off := 0
	for ; k > 0 && off < len(s); k-- {
		_, size := utf8.DecodeRune(s[off:])
		off += size
	}
	return int64(off)
}

// substrBytes applies substrRange to a value, by bytes when ascii.
func substrBytes(v []byte, pos, ln int64, hasLen, ascii bool) []byte {
	if ascii {
		s, e := substrRange(int64(len(v)), pos, ln, hasLen)
		return v[s:e]
	}
	s, e := substrRange(int64(utf8.RuneCount(v)), pos, ln, hasLen)
	if s == e {
		return nil
	}
	bs := runeOffset(v, s)
	be := bs + runeOffset(v[bs:], e-s)
	return v[bs:be]
}

func compileSubstring(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 3); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	pos, err := newIntArg(args[1])
	if err != nil {
		return nil, err
	}
	hasLen := len(args) == 3
	ln := intArg{isLit: true}
	if hasLen {
		if ln, err = newIntArg(args[2]); err != nil {
			return nil, err
		}
	}
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		pv, pm, pvalid, err := pos.values(b)
		if err != nil {
			return nil, err
		}
		lv, lm, lvalid, err := ln.values(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, sc.valid, pvalid, lvalid)
		ascii := sc.ascii()
		sb := newStringBuilder(n, len(sc.data))
		if ascii && pos.isLit && ln.isLit && sc.mask != 0 {
			// The common case (SUBSTRING(col FROM 1 FOR 2)): no per-row decoding.
			p, l := pv[0], lv[0]
			for i := 0; i < n; i++ {
				v := sc.at(i)
				st, en := substrRange(int64(len(v)), p, l, hasLen)
				sb.append(v[st:en])
			}
			return sb.finish(valid)
		}
		for i := 0; i < n; i++ {
			if !isValid(valid, i) {
				sb.appendEmpty()
				continue
			}
			sb.append(substrBytes(sc.at(i), pv[i&pm], lv[i&lm], hasLen, ascii))
		}
		return sb.finish(valid)
	}
	return e, nil
}

// compileLeftRight is LEFT(s, n) and RIGHT(s, n).
func compileLeftRight(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 2, 2); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	cnt, err := newIntArg(args[1])
	if err != nil {
		return nil, err
	}
	right := name == "right"
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		cv, cm, cvalid, err := cnt.values(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, sc.valid, cvalid)
		ascii := sc.ascii()
		sb := newStringBuilder(n, len(sc.data))
		for i := 0; i < n; i++ {
			k := cv[i&cm]
			if !isValid(valid, i) || k <= 0 {
				sb.appendEmpty()
				continue
			}
			v := sc.at(i)
			if right {
				L := int64(len(v))
				if !ascii {
					L = int64(utf8.RuneCount(v))
				}
				if k >= L {
					sb.append(v)
					continue
				}
				sb.append(substrBytes(v, -k, 0, false, ascii))
				continue
			}
			sb.append(substrBytes(v, 1, k, true, ascii))
		}
		return sb.finish(valid)
	}
	return e, nil
}

// compileCaseMap is UPPER / LOWER.
func compileCaseMap(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	upper := name == "upper" || name == "ucase"
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		if sc.ascii() {
			sb := newStringBuilder(n, len(sc.data))
			for i := 0; i < n; i++ {
				start := len(sb.data)
				sb.append(sc.at(i))
				mapASCII(sb.data[start:], upper)
			}
			return sb.finish(cloneBitmap(sc.valid))
		}
		sb := newStringBuilder(n, len(sc.data))
		for i := 0; i < n; i++ {
			if upper {
				sb.append(bytes.ToUpper(sc.at(i)))
			} else {
				sb.append(bytes.ToLower(sc.at(i)))
			}
		}
		return sb.finish(cloneBitmap(sc.valid))
	}
	return e, nil
}

func mapASCII(s []byte, upper bool) {
	if upper {
		for i, c := range s {
			if c >= 'a' && c <= 'z' {
				s[i] = c - 32
			}
		}
		return
	}
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			s[i] = c + 32
		}
	}
}

// compileLength is LENGTH (bytes) and CHAR_LENGTH (characters), as BIGINT.
func compileLength(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return NewLiteral(nil, logical.Int64), nil
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	chars := name == "char_length" || name == "character_length"
	e := &funcExpr{name: name, args: args, typ: logical.Int64}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		out := make([]int64, n)
		if !chars || sc.ascii() {
			for i := range out {
				j := i & sc.mask
				out[i] = int64(sc.offs[j+1] - sc.offs[j])
			}
		} else {
			for i := range out {
				out[i] = int64(utf8.RuneCount(sc.at(i)))
			}
		}
		return newFixed(logical.Int64, out, cloneBitmap(sc.valid)), nil
	}
	return e, nil
}

// compileConcat is CONCAT(...): NULL when any argument is NULL.
func compileConcat(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("concat needs at least one argument")
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	sargs := make([]strArg, len(args))
	for i, a := range args {
		var err error
		if sargs[i], err = newStrArg(a); err != nil {
			return nil, err
		}
	}
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		cols := make([]strCol, len(sargs))
		valids := make([][]byte, len(sargs))
		size := 0
		for k, a := range sargs {
			c, err := a.eval(b)
			if err != nil {
				return nil, err
			}
			cols[k], valids[k] = c, c.valid
			if c.mask == 0 {
				size += n * len(c.data)
			} else {
				size += len(c.data)
			}
		}
		valid := andValidity(n, valids...)
		sb := newStringBuilder(n, size)
		for i := 0; i < n; i++ {
			if isValid(valid, i) {
				for _, c := range cols {
					sb.data = append(sb.data, c.at(i)...)
				}
			}
			sb.offsets = append(sb.offsets, int32(len(sb.data)))
		}
		return sb.finish(valid)
	}
	return e, nil
}

// compileTrim is TRIM/LTRIM/RTRIM(s[, remstr]): without remstr, spaces are
// removed; with it, whole occurrences of remstr are removed repeatedly from
// the end(s), as MySQL's TRIM(BOTH remstr FROM s).
func compileTrim(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 2); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	rem := strArg{lit: []byte(" "), isLit: true}
	if len(args) == 2 {
		if rem, err = newStrArg(args[1]); err != nil {
			return nil, err
		}
	}
	left, right := name != "rtrim", name != "ltrim"
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		rc, err := rem.eval(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, sc.valid, rc.valid)
		sb := newStringBuilder(n, len(sc.data))
		for i := 0; i < n; i++ {
			v, r := sc.at(i), rc.at(i)
			if len(r) > 0 {
				if left {
					for bytes.HasPrefix(v, r) {
						v = v[len(r):]
					}
				}
				if right {
					for bytes.HasSuffix(v, r) {
						v = v[:len(v)-len(r)]
					}
				}
			}
			sb.append(v)
		}
		return sb.finish(valid)
	}
	return e, nil
}

// compileReplace is REPLACE(s, from, to); an empty from leaves s unchanged.
func compileReplace(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 3, 3); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	var sa [3]strArg
	for i := range sa {
		var err error
		if sa[i], err = newStrArg(args[i]); err != nil {
			return nil, err
		}
	}
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		var cols [3]strCol
		for k := range sa {
			var err error
			if cols[k], err = sa[k].eval(b); err != nil {
				return nil, err
			}
		}
		valid := andValidity(n, cols[0].valid, cols[1].valid, cols[2].valid)
		sb := newStringBuilder(n, len(cols[0].data))
		for i := 0; i < n; i++ {
			v, from, to := cols[0].at(i), cols[1].at(i), cols[2].at(i)
			if len(from) == 0 || !isValid(valid, i) {
				sb.append(v)
				continue
			}
			for {
				j := bytes.Index(v, from)
				if j < 0 {
					break
				}
				sb.data = append(sb.data, v[:j]...)
				sb.data = append(sb.data, to...)
				v = v[j+len(from):]
			}
			sb.append(v)
		}
		return sb.finish(valid)
	}
	return e, nil
}

// compileReverse reverses characters.
func compileReverse(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 1, 1); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		sb := newStringBuilder(n, len(sc.data))
		for i := 0; i < n; i++ {
			v := sc.at(i)
			start := len(sb.data)
			sb.data = append(sb.data, v...)
			out := sb.data[start:]
			for len(v) > 0 { // write runes from the back of out
				_, size := utf8.DecodeRune(v)
				copy(out[len(out)-size:], v[:size])
				out = out[:len(out)-size]
				v = v[size:]
			}
			sb.offsets = append(sb.offsets, int32(len(sb.data)))
		}
		return sb.finish(cloneBitmap(sc.valid))
	}
	return e, nil
}

// compileInstr is INSTR(s, sub) / STRPOS(s, sub) and LOCATE(sub, s[, pos]) /
// POSITION(sub IN s): the 1-based character position of sub, 0 if absent.
func compileInstr(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	hi := 2
	if name == "locate" {
		hi = 3
	}
	if err := wantArgs(name, args, 2, hi); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return NewLiteral(nil, logical.Int64), nil
	}
	hay, needle := args[0], args[1]
	if name == "locate" || name == "position" {
		hay, needle = args[1], args[0]
	}
	h, err := newStrArg(hay)
	if err != nil {
		return nil, err
	}
	nd, err := newStrArg(needle)
	if err != nil {
		return nil, err
	}
	start := intArg{scalar: 1, isLit: true}
	if len(args) == 3 {
		if start, err = newIntArg(args[2]); err != nil {
			return nil, err
		}
	}
	e := &funcExpr{name: name, args: args, typ: logical.Int64}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		hc, err := h.eval(b)
		if err != nil {
			return nil, err
		}
		nc, err := nd.eval(b)
		if err != nil {
			return nil, err
		}
		sv, sm, svalid, err := start.values(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, hc.valid, nc.valid, svalid)
		ascii := hc.ascii()
		out := make([]int64, n)
		for i := range out {
			v, sub, p := hc.at(i), nc.at(i), sv[i&sm]
			if p < 1 {
				continue
			}
			off := p - 1
			if !ascii {
				if off > int64(utf8.RuneCount(v)) {
					continue
				}
				off = runeOffset(v, off)
			}
			if off > int64(len(v)) {
				continue
			}
			j := bytes.Index(v[off:], sub)
			if j < 0 {
				continue
			}
			if ascii {
				out[i] = off + int64(j) + 1
			} else {
				out[i] = int64(utf8.RuneCount(v[:off+int64(j)])) + 1
			}
		}
		return newFixed(logical.Int64, out, valid), nil
	}
	return e, nil
}

// compilePad is LPAD/RPAD(s, len, pad): the result has exactly len
// characters (s is truncated when longer); an empty pad that is needed gives NULL.
func compilePad(name string, args []Expr, _ arrow.DataType) (Expr, error) {
	if err := wantArgs(name, args, 3, 3); err != nil {
		return nil, err
	}
	if anyNullLiteral(args) {
		return nullString()
	}
	s, err := newStrArg(args[0])
	if err != nil {
		return nil, err
	}
	ln, err := newIntArg(args[1])
	if err != nil {
		return nil, err
	}
	pad, err := newStrArg(args[2])
	if err != nil {
		return nil, err
	}
	left := name == "lpad"
	e := &funcExpr{name: name, args: args, typ: logical.String}
	e.eval = func(b arrow.RecordBatch) (arrow.Array, error) {
		n := int(b.NumRows())
		sc, err := s.eval(b)
		if err != nil {
			return nil, err
		}
		lv, lm, lvalid, err := ln.values(b)
		if err != nil {
			return nil, err
		}
		pc, err := pad.eval(b)
		if err != nil {
			return nil, err
		}
		valid := andValidity(n, sc.valid, lvalid, pc.valid)
		owned := false
		sb := newStringBuilder(n, len(sc.data))
		for i := 0; i < n; i++ {
			want := lv[i&lm]
			if !isValid(valid, i) || want < 0 {
				if isValid(valid, i) {
					valid = nullAt(valid, &owned, n, i)
				}
				sb.appendEmpty()
				continue
			}
			v, p := sc.at(i), pc.at(i)
			have := int64(utf8.RuneCount(v))
			if have >= want {
				sb.append(v[:runeOffset(v, want)])
				continue
			}
			if len(p) == 0 {
				valid = nullAt(valid, &owned, n, i)
				sb.appendEmpty()
				continue
			}
			if !left {
				sb.data = append(sb.data, v...)
			}
			for need, off := want-have, 0; need > 0; need-- {
				_, size := utf8.DecodeRune(p[off:])
				sb.data = append(sb.data, p[off:off+size]...)
				if off += size; off >= len(p) {
					off = 0
				}
			}
			if left {
				sb.data = append(sb.data, v...)
			}
			sb.offsets = append(sb.offsets, int32(len(sb.data)))
		}
		return sb.finish(valid)
	}
	return e, nil
}
