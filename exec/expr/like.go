package expr

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// LIKE compares bytes (case-sensitive); '_' matches one UTF-8 character and
// '%' any sequence. Literal patterns are compiled once into one of a few
// shapes with fast paths (exact, prefix, suffix, contains, an ordered
// sequence of fragments); patterns with '_' use a small backtracking
// matcher.

type likeKind int

const (
	likeExact    likeKind = iota // abc
	likePrefix                   // abc%
	likeSuffix                   // %abc
	likeContains                 // %abc%
	likeSequence                 // [abc]%def%...%[xyz]: fragments in order, optional anchors
	likeGeneral                  // anything with '_'
	likeAll                      // % (matches every non-NULL string)
)

type likeToken struct {
	b   byte
	any bool // '%'
	one bool // '_'
}

type likePattern struct {
	kind likeKind
	lit  []byte // exact, prefix, suffix, contains
	// likeSequence: first must be a prefix (when anchoredStart), last a
	// suffix (when anchoredEnd), middle found in order in between.
	frags                      [][]byte
	anchoredStart, anchoredEnd bool
	toks                       []likeToken // likeGeneral
}

// compileLike parses a pattern with the given escape byte.
func compileLike(pattern []byte, escape byte) *likePattern {
	var toks []likeToken
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == escape && escape != 0 && i+1 < len(pattern):
			i++
			toks = append(toks, likeToken{b: pattern[i]})
		case c == '%':
			if len(toks) == 0 || !toks[len(toks)-1].any { // %% is %
				toks = append(toks, likeToken{any: true})
			}
		case c == '_':
			toks = append(toks, likeToken{one: true})
		default:
			toks = append(toks, likeToken{b: c})
		}
	}
	p := &likePattern{toks: toks}
	// Split into literal fragments at '%'.
	var frags [][]byte
	cur := []byte{}
	for _, t := range toks {
		switch {
		case t.one:
			p.kind = likeGeneral
			return p
		case t.any:
			frags = append(frags, cur)
			cur = []byte{}
		default:
			cur = append(cur, t.b)
		}
	}
	frags = append(frags, cur)
	switch {
	case len(frags) == 1:
		p.kind, p.lit = likeExact, frags[0]
	case len(frags) == 2 && len(frags[0]) == 0 && len(frags[1]) == 0:
		p.kind = likeAll
	case len(frags) == 2 && len(frags[1]) == 0:
		p.kind, p.lit = likePrefix, frags[0]
	case len(frags) == 2 && len(frags[0]) == 0:
		p.kind, p.lit = likeSuffix, frags[1]
	case len(frags) == 3 && len(frags[0]) == 0 && len(frags[2]) == 0:
		p.kind, p.lit = likeContains, frags[1]
	default:
		p.kind = likeSequence
		p.anchoredStart = len(frags[0]) > 0
		p.anchoredEnd = len(frags[len(frags)-1]) > 0
		p.frags = frags
	}
	return p
}

// match reports whether s matches the pattern.
func (p *likePattern) match(s []byte) bool {
	switch p.kind {
	case likeExact:
		return string(s) == string(p.lit)
	case likePrefix:
		return bytes.HasPrefix(s, p.lit)
	case likeSuffix:
		return bytes.HasSuffix(s, p.lit)
	case likeContains:
		return bytes.Contains(s, p.lit)
	case likeAll:
		return true
	case likeSequence:
		return p.matchSequence(s)
	}
	return likeMatchGeneral(s, p.toks)
}

// matchSequence matches frags[0] % frags[1] % ... % frags[k]: taking each
// middle fragment at its leftmost occurrence is optimal, because it leaves
// the longest rest for the following ones.
func (p *likePattern) matchSequence(s []byte) bool {
	first, last := p.frags[0], p.frags[len(p.frags)-1]
	if len(first)+len(last) > len(s) {
		return false
	}
	if p.anchoredStart {
		if !bytes.HasPrefix(s, first) {
			return false
		}
		s = s[len(first):]
	}
	if p.anchoredEnd {
		if !bytes.HasSuffix(s, last) {
			return false
		}
		s = s[:len(s)-len(last)]
	}
	for _, f := range p.frags[1 : len(p.frags)-1] {
		i := bytes.Index(s, f)
		if i < 0 {
			return false
		}
		s = s[i+len(f):]
	}
	return true
}

// likeMatchGeneral is the classic wildcard matcher: on a mismatch it
// backtracks to the last '%' and lets it absorb one more character.
func likeMatchGeneral(s []byte, p []likeToken) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			t := p[pi]
			switch {
			case t.any:
				starP, starS = pi, si
				pi++
				continue
			case t.one:
				_, size := utf8.DecodeRune(s[si:])
				si += size
				pi++
				continue
			case t.b == s[si]:
				si++
				pi++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, size := utf8.DecodeRune(s[starS:])
		starS += size
		si, pi = starS, starP+1
	}
	for pi < len(p) && p[pi].any {
		pi++
	}
	return pi == len(p)
}

// likeExpr is "input [NOT] LIKE pattern".
type likeExpr struct {
	input, pattern Expr
	negated        bool
	escape         byte
	compiled       *likePattern // literal pattern, compiled once
}

func (e *likeExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *likeExpr) String() string {
	not := ""
	if e.negated {
		not = "NOT "
	}
	return fmt.Sprintf("(%s %sLIKE %s)", e.input, not, e.pattern)
}

func (c *compiler) compileLike(x *logical.LikeExpr) (Expr, error) {
	in, err := c.compile(x.Input)
	if err != nil {
		return nil, err
	}
	pat, err := c.compile(x.Pattern)
	if err != nil {
		return nil, err
	}
	if isNullLiteral(in) || isNullLiteral(pat) {
		return NewLiteral(nil, logical.Bool), nil
	}
	if in, err = castTo(in, logical.String); err != nil {
		return nil, fmt.Errorf("LIKE: %w", err)
	}
	if pat, err = castTo(pat, logical.String); err != nil {
		return nil, fmt.Errorf("LIKE: %w", err)
	}
	e := &likeExpr{input: in, pattern: pat, negated: x.Negated, escape: x.Escape}
	if v, ok := literalOf(pat); ok {
		e.compiled = compileLike([]byte(v.(string)), x.Escape)
	}
	return e, nil
}

func (e *likeExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := evalChild(e.input, b)
	if err != nil {
		return nil, err
	}
	sa, ok := a.(*array.String)
	if !ok {
		return nil, fmt.Errorf("%s: expected VARCHAR input, got %s", e, a.DataType())
	}
	n := sa.Len()
	offs, data := stringData(sa)
	out := make([]byte, bitmapLen(n))
	valid := validity(sa)
	if e.compiled != nil {
		likeColumn(e.compiled, offs, data, out)
	} else {
		pa, err := evalChild(e.pattern, b)
		if err != nil {
			return nil, err
		}
		ps, ok := pa.(*array.String)
		if !ok {
			return nil, fmt.Errorf("%s: expected VARCHAR pattern, got %s", e, pa.DataType())
		}
		poffs, pdata := stringData(ps)
		pvalid := validity(ps)
		valid = andValidity(n, valid, pvalid)
		var last []byte
		var pat *likePattern
		for i := 0; i < n; i++ {
			if !isValid(valid, i) {
				continue
			}
			p := pdata[poffs[i]:poffs[i+1]]
			if pat == nil || string(p) != string(last) { // patterns often repeat: keep the last one
				pat, last = compileLike(p, e.escape), p
			}
			out[i>>3] |= b2u8(pat.match(data[offs[i]:offs[i+1]])) << uint(i&7)
		}
		if e.negated {
			for i := range out {
				out[i] = ^out[i]
			}
		}
		return newBool(n, out, valid), nil
	}
	if e.negated {
		for i := range out {
			out[i] = ^out[i]
		}
	}
	return newBool(n, out, cloneBitmap(valid)), nil
}

// likeColumn matches every value, with the per-shape loop hoisted out.
func likeColumn(p *likePattern, offs []int32, data []byte, out []byte) {
	n := len(offs) - 1
	switch p.kind {
	case likeExact:
		lit, ln := p.lit, int32(len(p.lit))
		for i := 0; i < n; i++ {
			lo, hi := offs[i], offs[i+1]
			out[i>>3] |= b2u8(hi-lo == ln && string(data[lo:hi]) == string(lit)) << uint(i&7)
		}
	case likePrefix:
		lit, ln := p.lit, int32(len(p.lit))
		for i := 0; i < n; i++ {
			lo, hi := offs[i], offs[i+1]
			out[i>>3] |= b2u8(hi-lo >= ln && string(data[lo:lo+ln]) == string(lit)) << uint(i&7)
		}
	case likeSuffix:
		lit, ln := p.lit, int32(len(p.lit))
		for i := 0; i < n; i++ {
			lo, hi := offs[i], offs[i+1]
			out[i>>3] |= b2u8(hi-lo >= ln && string(data[hi-ln:hi]) == string(lit)) << uint(i&7)
		}
	case likeContains:
		lit := p.lit
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u8(bytes.Contains(data[offs[i]:offs[i+1]], lit)) << uint(i&7)
		}
	case likeAll:
		for i := range out {
			out[i] = 0xff
		}
	default:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u8(p.match(data[offs[i]:offs[i+1]])) << uint(i&7)
		}
	}
}
