package expr

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Exact 128-bit decimal arithmetic on unscaled values. arrow-go's
// decimal128.Num methods go through big.Int for multiplication-sized work and
// ignore overflow, so the kernels use these helpers instead: int64 fast paths
// (TPC-H values fit in 64 bits), 128-bit math with overflow detection next,
// and big.Int only when an intermediate needs more than 128 bits.

type num = decimal128.Num

// maxDigits is the largest precision a Decimal128 result may have.
const maxDigits = 38

var (
	// pow10 holds 10^0 .. 10^38.
	pow10 [maxDigits + 1]num
	// pow10i64 holds 10^0 .. 10^18 as int64.
	pow10i64 [19]int64
	// maxDec is 10^38: every Decimal128 result must stay strictly below it in magnitude.
	maxDec num
)

func init() {
	for i := range pow10 {
		pow10[i] = decimal128.GetScaleMultiplier(i)
	}
	p := int64(1)
	for i := range pow10i64 {
		pow10i64[i] = p
		p *= 10
	}
	maxDec = pow10[maxDigits]
}

// num64 converts an int64 to a Num (sign-extending).
func num64(v int64) num { return decimal128.New(v>>63, uint64(v)) }

// is64 reports whether n fits in an int64.
func is64(n num) bool { return n.HighBits() == int64(n.LowBits())>>63 }

// less128 and cmp128 compare two's-complement 128-bit values.
func less128(a, b num) bool {
	ah, bh := a.HighBits(), b.HighBits()
	return ah < bh || (ah == bh && a.LowBits() < b.LowBits())
}

func cmp128(a, b num) int {
	ah, bh := a.HighBits(), b.HighBits()
	switch {
	case ah < bh:
		return -1
	case ah > bh:
		return 1
	}
	al, bl := a.LowBits(), b.LowBits()
	switch {
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// fitsPrecision reports whether |n| < 10^p.
func fitsPrecision(n num, p int32) bool {
	if p > maxDigits {
		p = maxDigits
	}
	lim := pow10[p]
	if n.HighBits() < 0 {
		return less128(lim.Negate(), n)
	}
	return less128(n, lim)
}

// fits38 reports whether n is a valid DECIMAL(38) value. Values whose high
// word is a sign extension are far below 10^38, so the check is one compare
// for typical data.
func fits38(n num) bool {
	if is64(n) {
		return true
	}
	return fitsPrecision(n, maxDigits)
}

// abs128 returns |n| as an unsigned 128-bit pair and the sign.
func abs128(n num) (hi, lo uint64, neg bool) {
	hi, lo = uint64(n.HighBits()), n.LowBits()
	if n.HighBits() < 0 {
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
		neg = true
	}
	return hi, lo, neg
}

// fromAbs builds a signed value from magnitude and sign; ok is false when
// the magnitude does not fit in a signed 128-bit value.
func fromAbs(hi, lo uint64, neg bool) (num, bool) {
	if hi>>63 != 0 {
		return num{}, false
	}
	n := decimal128.New(int64(hi), lo)
	if neg {
		n = n.Negate()
	}
	return n, true
}

// add128 adds with signed-overflow detection.
func add128(a, b num) (num, bool) {
	lo, carry := bits.Add64(a.LowBits(), b.LowBits(), 0)
	hi := a.HighBits() + b.HighBits() + int64(carry)
	// Signed overflow iff the operands have the same sign and the result's differs.
	if (a.HighBits() >= 0) == (b.HighBits() >= 0) && (hi >= 0) != (a.HighBits() >= 0) {
		return num{}, false
	}
	return decimal128.New(hi, lo), true
}

// sub128 subtracts with signed-overflow detection.
func sub128(a, b num) (num, bool) {
	lo, borrow := bits.Sub64(a.LowBits(), b.LowBits(), 0)
	hi := a.HighBits() - b.HighBits() - int64(borrow)
	if (a.HighBits() >= 0) != (b.HighBits() >= 0) && (hi >= 0) != (a.HighBits() >= 0) {
		return num{}, false
	}
	return decimal128.New(hi, lo), true
}

// mulU128 multiplies two unsigned 128-bit values; ok is false on overflow.
func mulU128(ahi, alo, bhi, blo uint64) (hi, lo uint64, ok bool) {
	if ahi != 0 && bhi != 0 {
		return 0, 0, false
	}
	if ahi == 0 && bhi == 0 {
		hi, lo = bits.Mul64(alo, blo)
		return hi, lo, true
	}
	if ahi == 0 { // make a the wide one
		ahi, alo, bhi, blo = bhi, blo, ahi, alo
	}
	h1, l1 := bits.Mul64(alo, blo)
	h2, l2 := bits.Mul64(ahi, blo)
	if h2 != 0 {
		return 0, 0, false
	}
	hi, c := bits.Add64(h1, l2, 0)
	if c != 0 {
		return 0, 0, false
	}
	return hi, l1, true
}

// mul128 multiplies exactly; ok is false when the product needs more than
// 128 bits.
func mul128(a, b num) (num, bool) {
	if is64(a) && is64(b) {
		x, y := int64(a.LowBits()), int64(b.LowBits())
		// |x|,|y| <= 2^63, so |x*y| <= 2^126 always fits.
		ux, uy := uint64(x), uint64(y)
		if x < 0 {
			ux = -ux
		}
		if y < 0 {
			uy = -uy
		}
		hi, lo := bits.Mul64(ux, uy)
		return fromAbs(hi, lo, (x < 0) != (y < 0))
	}
	ahi, alo, an := abs128(a)
	bhi, blo, bn := abs128(b)
	hi, lo, ok := mulU128(ahi, alo, bhi, blo)
	if !ok {
		return num{}, false
	}
	return fromAbs(hi, lo, an != bn)
}

// scaleUp multiplies n by 10^k (0 <= k <= 38).
func scaleUp(n num, k int32) (num, bool) {
	if k == 0 {
		return n, true
	}
	return mul128(n, pow10[k])
}

// divRound divides a by b (b != 0) rounding half away from zero; ok is
// false only when the quotient does not fit (a = MinInt128, b = -1).
func divRound(a, b num) (num, bool) {
	if is64(a) && is64(b) {
		x, y := int64(a.LowBits()), int64(b.LowBits())
		ux, uy := uint64(x), uint64(y)
		if x < 0 {
			ux = -ux
		}
		if y < 0 {
			uy = -uy
		}
		q, r := ux/uy, ux%uy
		if r >= uy-r { // 2r >= |b| without overflowing
			q++
		}
		return fromAbs(0, q, (x < 0) != (y < 0))
	}
	ahi, alo, an := abs128(a)
	bhi, blo, bn := abs128(b)
	if bhi == 0 {
		qhi, r := ahi/blo, ahi%blo
		qlo, r := bits.Div64(r, alo, blo)
		if r >= blo-r {
			var c uint64
			qlo, c = bits.Add64(qlo, 1, 0)
			qhi += c
		}
		return fromAbs(qhi, qlo, an != bn)
	}
	return divRoundBig(a.BigInt(), b.BigInt())
}

// divRoundBig is divRound for big.Int operands (used when an intermediate
// exceeds 128 bits).
func divRoundBig(a, b *big.Int) (num, bool) {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.CmpAbs(b) >= 0 {
		if a.Sign() == b.Sign() {
			q.Add(q, big.NewInt(1))
		} else {
			q.Sub(q, big.NewInt(1))
		}
	}
	return bigToNum(q)
}

var bigMax128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))

// bigToNum converts a big.Int that fits in a signed 128-bit value.
func bigToNum(b *big.Int) (num, bool) {
	if b.CmpAbs(bigMax128) > 0 {
		return num{}, false
	}
	return decimal128.FromBigInt(b), true
}

// divTrunc divides a by b (b != 0) truncating toward zero (DIV).
func divTrunc(a, b num) (num, bool) {
	if is64(a) && is64(b) {
		x, y := int64(a.LowBits()), int64(b.LowBits())
		if !(x == -1<<63 && y == -1) {
			return num64(x / y), true
		}
	}
	return bigToNum(new(big.Int).Quo(a.BigInt(), b.BigInt()))
}

// mod128 is a % b with the sign of a (MySQL and Go agree), b != 0.
func mod128(a, b num) num {
	if is64(a) && is64(b) {
		x, y := int64(a.LowBits()), int64(b.LowBits())
		if y == -1 {
			return num{}
		}
		return num64(x % y)
	}
	r, _ := bigToNum(new(big.Int).Rem(a.BigInt(), b.BigInt()))
	return r
}

// rescale converts an unscaled value from scale `from` to scale `to`,
// rounding half away from zero when the scale shrinks. ok is false when the
// result does not fit in 128 bits.
func rescale(n num, from, to int32) (num, bool) {
	switch {
	case to == from:
		return n, true
	case to > from:
		return scaleUp(n, to-from)
	default:
		return divRound(n, pow10[from-to])
	}
}

// divScaled computes round(a * 10^e / b) for e possibly negative, exactly,
// falling back to big.Int when a*10^e needs more than 128 bits.
func divScaled(a, b num, e int32) (num, bool) {
	if e >= 0 {
		if e <= maxDigits {
			if n, ok := scaleUp(a, e); ok {
				return divRound(n, b)
			}
		}
		x := new(big.Int).Mul(a.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
		return divRoundBig(x, b.BigInt())
	}
	if -e <= maxDigits {
		if d, ok := scaleUp(b, -e); ok {
			return divRound(a, d)
		}
	}
	y := new(big.Int).Mul(b.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil))
	return divRoundBig(a.BigInt(), y)
}

// bigMul is the exact product of two decimals as a big.Int.
func bigMul(a, b num) *big.Int { return new(big.Int).Mul(a.BigInt(), b.BigInt()) }
