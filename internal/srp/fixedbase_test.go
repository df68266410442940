package srp

import (
	"bytes"
	"crypto/rand"
	"sync"
	"testing"

	"filippo.io/bigmod"
)

// TestExpGMatchesExp compares the table against bigmod's Exp for exponents
// of every length up to past the table's, with random and extreme values.
func TestExpGMatchesExp(t *testing.T) {
	g := mustNat(gBytes)
	check := func(e []byte) {
		t.Helper()
		want := bigmod.NewNat().Exp(g, e, modulus).Bytes(modulus)
		if got := expG(e).Bytes(modulus); !bytes.Equal(got, want) {
			t.Fatalf("g^%x: table and Exp differ", e)
		}
	}
	for n := 0; n <= fixedBaseBytes+8; n++ {
		zeros := make([]byte, n)
		check(zeros)
		check(bytes.Repeat([]byte{0xff}, n))
		if n > 0 {
			one := make([]byte, n)
			one[n-1] = 1
			check(one)
			top := make([]byte, n)
			top[0] = 0x80
			check(top)
		}
		for range 20 {
			e := make([]byte, n)
			_, _ = rand.Read(e)
			check(e)
		}
	}
	for range 500 {
		e := make([]byte, fixedBaseBytes)
		_, _ = rand.Read(e)
		check(e)
	}
}

// TestWindowCoversEveryBit checks that the windows of e, put back together,
// give e: no bit is read twice or missed.
func TestWindowCoversEveryBit(t *testing.T) {
	for _, n := range []int{1, 7, 31, fixedBaseBytes} {
		e := make([]byte, n)
		_, _ = rand.Read(e)
		var got []bool
		for i := 0; i < (n*8+windowBits-1)/windowBits; i++ {
			d := window(e, i)
			for j := range windowBits {
				got = append(got, d>>j&1 == 1)
			}
		}
		for k := range n * 8 {
			if want := e[n-1-k/8]>>(k%8)&1 == 1; got[k] != want {
				t.Fatalf("%d-byte exponent: bit %d read as %v", n, k, got[k])
			}
		}
	}
}

func BenchmarkExpG(b *testing.B) {
	e := make([]byte, fixedBaseBytes)
	_, _ = rand.Read(e)
	expG(e) // the table, once
	b.ReportAllocs()
	for b.Loop() {
		expG(e)
	}
}

func BenchmarkExpGBigmod(b *testing.B) {
	e := make([]byte, fixedBaseBytes)
	_, _ = rand.Read(e)
	g := mustNat(gBytes)
	b.ReportAllocs()
	for b.Loop() {
		bigmod.NewNat().Exp(g, e, modulus)
	}
}

func BenchmarkGTable(b *testing.B) {
	for b.Loop() {
		gTable.once = sync.Once{}
		gPowers()
	}
}
