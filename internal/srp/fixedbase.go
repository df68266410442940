package srp

import (
	"crypto/subtle"
	"math/bits"
	"sync"

	"filippo.io/bigmod"
)

// Fixed-base exponentiation. Every secret power of g the server computes
// (g^x for a verifier, g^b for B) has the same base, so the powers of g an
// exponentiation needs can be computed once: with the exponent cut into
// windows of windowBits bits, e = sum d_i * 2^(windowBits*i), and
// g^e = prod g^(d_i * 2^(windowBits*i)), one product per window read from a
// table instead of a square for every bit. bigmod's Exp does 256 squarings
// and 64 multiplications for a 256-bit exponent; this does 31 (bigmod's
// Mul, two Montgomery products each) and reads the whole table once, in
// about a third of the time (BenchmarkExpG against BenchmarkExpGBigmod:
// 1.1 against 3.5 ms here).
//
// The table is sized for exponents of up to fixedBaseBytes bytes: x is a
// SHA-256 hash and b is secretSize bytes. Longer exponents fall back to Exp.

// windowBits is the width of a window. Wider windows mean fewer
// multiplications but a table 2^windowBits entries a window long, and a
// constant-time selection that reads every entry of a window: 8 bits is
// 32 windows of 256 entries (3 MiB, about 0.2 s to compute), which measured
// faster than 6 or 7 bits (BenchmarkExpG).
const windowBits = 8

// fixedBaseBytes is the longest exponent the table covers.
const fixedBaseBytes = secretSize

const windows = (fixedBaseBytes*8 + windowBits - 1) / windowBits

// limbs is the number of machine words of a number modulo N.
const limbs = size * 8 / bits.UintSize

// powerRow is the table of one window: entry d is g^(d * 2^(windowBits*i))
// mod N for window i, as bigmod's little-endian limbs. Rows are flat arrays
// so that the selection, which reads all of a row, reads it in order.
type powerRow [1 << windowBits][limbs]uint

// gTable holds the rows, computed on first use: a process that never sees
// an SRP sign-in never pays for them.
var gTable struct {
	once sync.Once
	rows *[windows]powerRow
}

func gPowers() *[windows]powerRow {
	gTable.once.Do(func() {
		t := new([windows]powerRow)
		base := mustNat(gBytes) // g^(2^(windowBits*i)) for the current i
		for i := range t {
			p := mustNat([]byte{1})
			for d := range t[i] {
				copy(t[i][d][:], p.Bits())
				p.Mul(base, modulus)
			}
			// p is now base^(2^windowBits), the next window's base.
			base = p
		}
		gTable.rows = t
	})
	return gTable.rows
}

// expG returns g^e mod N for the big-endian exponent e, in time that depends
// on the length of e but not on its value.
func expG(e []byte) *bigmod.Nat {
	if len(e) > fixedBaseBytes {
		return bigmod.NewNat().Exp(mustNat(gBytes), e, modulus)
	}
	t := gPowers()
	n := (len(e)*8 + windowBits - 1) / windowBits
	out := bigmod.NewNat().ExpandFor(modulus)
	if n == 0 {
		out.Bits()[0] = 1
		return out
	}
	selectPower(out, &t[0], window(e, 0))
	entry := bigmod.NewNat().ExpandFor(modulus)
	for i := 1; i < n; i++ {
		selectPower(entry, &t[i], window(e, i))
		out.Mul(entry, modulus)
	}
	return out
}

// window returns the i-th window of e (big-endian): bits windowBits*i up to
// windowBits*(i+1), counted from the least significant. Only the positions
// read depend on i; the value is assembled without branches.
func window(e []byte, i int) uint {
	var d uint
	for j := range windowBits {
		k := i*windowBits + j
		if k >= len(e)*8 {
			break
		}
		d |= uint(e[len(e)-1-k/8]>>(k%8)&1) << j
	}
	return d
}

// selectPower sets dst (of the modulus' size) to entry d of row by reading
// every entry and keeping the one whose index is d under a mask, so that
// neither branches nor memory addresses depend on d.
func selectPower(dst *bigmod.Nat, row *powerRow, d uint) {
	var acc [limbs]uint
	for j := range row {
		mask := -uint(subtle.ConstantTimeEq(int32(d), int32(j)))
		r := &row[j]
		// Four limbs a step (limbs is 48 or 96) run twice as fast as one.
		for k := 0; k < limbs; k += 4 {
			acc[k] |= r[k] & mask
			acc[k+1] |= r[k+1] & mask
			acc[k+2] |= r[k+2] & mask
			acc[k+3] |= r[k+3] & mask
		}
	}
	copy(dst.Bits(), acc[:])
}
