package expr

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

func TestLikeShapes(t *testing.T) {
	tests := []struct {
		pattern string
		kind    likeKind
		match   []string
		noMatch []string
	}{
		{"PROMO%", likePrefix, []string{"PROMO", "PROMO BRUSHED TIN"}, []string{"PROM", "xPROMO", "promo"}},
		{"%BRASS", likeSuffix, []string{"BRASS", "LARGE BRASS"}, []string{"BRASSY", "brass"}},
		{"%green%", likeContains, []string{"green", "dark green tan"}, []string{"gree n", "GREEN"}},
		{"%special%requests%", likeSequence, []string{"specialrequests", "a special b requests c"}, []string{"requests special", "special"}},
		{"%Customer%Complaints%", likeSequence, []string{"Customer xx Complaints"}, []string{"Complaints Customer"}},
		{"a%b%c", likeSequence, []string{"abc", "aXbYc", "abcbc"}, []string{"ab", "abcx", "xabc"}},
		{"ab%ab", likeSequence, []string{"abab", "abxab"}, []string{"aba", "ab"}},
		{"exact", likeExact, []string{"exact"}, []string{"exactly", "Exact"}},
		{"%", likeAll, []string{"", "anything"}, nil},
		{"%%", likeAll, []string{""}, nil},
		{"a_c", likeGeneral, []string{"abc", "a€c"}, []string{"ac", "abbc"}},
		{"%a_c%", likeGeneral, []string{"xxabcxx", "a c"}, []string{"ac"}},
		{`100\%`, likeExact, []string{"100%"}, []string{"1000"}},
		{`a\_b%`, likePrefix, []string{"a_bc"}, []string{"axbc"}},
		{"", likeExact, []string{""}, []string{"a"}},
	}
	for _, tc := range tests {
		p := compileLike([]byte(tc.pattern), '\\')
		if p.kind != tc.kind {
			t.Errorf("%q compiled to kind %d, want %d", tc.pattern, p.kind, tc.kind)
		}
		for _, s := range tc.match {
			if !p.match([]byte(s)) {
				t.Errorf("%q LIKE %q should match", s, tc.pattern)
			}
		}
		for _, s := range tc.noMatch {
			if p.match([]byte(s)) {
				t.Errorf("%q LIKE %q should not match", s, tc.pattern)
			}
		}
	}
}

// likeRegexp is an independent reference implementation of LIKE.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			} else {
				b.WriteString(`\\`)
			}
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// Property: the fast paths, the general matcher and a regexp agree on
// random patterns and strings over a small alphabet (so matches are common).
func TestLikeAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	gen := func(alpha string, n int) string {
		b := make([]byte, rng.Intn(n+1))
		for i := range b {
			b[i] = alpha[rng.Intn(len(alpha))]
		}
		return string(b)
	}
	for iter := 0; iter < 3000; iter++ {
		pattern := gen("ab%_\\", 7)
		re := likeRegexp(pattern)
		p := compileLike([]byte(pattern), '\\')
		for j := 0; j < 30; j++ {
			s := gen("abc", 9)
			want := re.MatchString(s)
			if got := p.match([]byte(s)); got != want {
				t.Fatalf("%q LIKE %q: compiled (kind %d) = %v, reference = %v", s, pattern, p.kind, got, want)
			}
			if got := likeMatchGeneral([]byte(s), p.toks); got != want {
				t.Fatalf("%q LIKE %q: general matcher = %v, reference = %v", s, pattern, got, want)
			}
		}
	}
}

func TestLikeExpr(t *testing.T) {
	in := newInput(strs(t, "forest green", "PROMO ANODIZED", nil, "lace"), strs(t, "%green", "PROMO%", "x", nil))
	like := func(input, pattern logical.Expr, neg bool) logical.Expr {
		return &logical.LikeExpr{Input: input, Pattern: pattern, Negated: neg, Escape: '\\'}
	}
	expectRows(t, in, like(in.ref(0), lit("forest%", logical.String), false), "true", "false", "NULL", "false")
	expectRows(t, in, like(in.ref(0), lit("forest%", logical.String), true), "false", "true", "NULL", "true")
	expectRows(t, in, like(in.ref(0), lit("%a%e%", logical.String), false), "false", "false", "NULL", "true")
	// A pattern column: compiled per row.
	expectRows(t, in, like(in.ref(0), in.ref(1), false), "true", "true", "NULL", "NULL")
	expectRows(t, in, like(in.ref(0), in.ref(1), true), "false", "false", "NULL", "NULL")
	expectRows(t, in, like(in.ref(0), lit(nil, logical.Null), false), "NULL", "NULL", "NULL", "NULL")
}
