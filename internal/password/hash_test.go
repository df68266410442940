package password

import (
	"context"
	"errors"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/benchcpu"
)

// testHasher serves the tests that do not care about the slot count.
var testHasher = NewHasher(runtime.GOMAXPROCS(0))

// ctx is the context of calls that are not cancelled.
var ctx = context.Background()

// Vectors made with the reference implementation's CLI (Debian package
// argon2), e.g.
//
//	echo -n "correct horse battery staple" | argon2 somesaltsomesalt -id -t 2 -k 19456 -p 1 -l 32 -e
var vectors = []struct {
	pw, phc string
}{
	{"correct horse battery staple", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ISO7kkvFzh19GM8qB7patN3C3Y9HHsjlVTfEZ9T600Y"},
	{"password", "$argon2id$v=19$m=4096,t=3,p=4$YW5vdGhlcnNhbHQxMjM0$JPhQdD7p/8YX1c2Gb5Oc+Q"},
}

func TestVerifyReferenceVectors(t *testing.T) {
	for _, v := range vectors {
		ok, err := testHasher.Verify(ctx, v.pw, v.phc)
		if err != nil || !ok {
			t.Errorf("Verify(%q, %s) = %v, %v; want true", v.pw, v.phc, ok, err)
		}
		ok, err = testHasher.Verify(ctx, v.pw+"x", v.phc)
		if err != nil || ok {
			t.Errorf("Verify(wrong password) = %v, %v; want false", ok, err)
		}
	}
}

var phcFormat = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerify(t *testing.T) {
	tests := []string{"Passw0rd!", "", "ünïcødé pässwörd 🔑", strings.Repeat("long", 64)}
	for _, pw := range tests {
		phc, err := testHasher.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if !phcFormat.MatchString(phc) {
			t.Fatalf("Hash = %q, not the expected PHC format", phc)
		}
		if ok, err := testHasher.Verify(ctx, pw, phc); err != nil || !ok {
			t.Fatalf("Verify(right password) = %v, %v", ok, err)
		}
		if ok, err := testHasher.Verify(ctx, pw+" ", phc); err != nil || ok {
			t.Fatalf("Verify(wrong password) = %v, %v", ok, err)
		}
		if NeedsRehash(phc) {
			t.Fatal("NeedsRehash of a fresh hash")
		}
	}
	a, _ := testHasher.Hash(ctx, "same")
	b, _ := testHasher.Hash(ctx, "same")
	if a == b {
		t.Fatal("two hashes of one password are equal (salt not random)")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	good := vectors[0].phc
	tests := map[string]string{
		"empty":          "",
		"bcrypt, short":  "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
		"argon2i, salt":  strings.Replace(strings.Replace(good, "argon2id", "argon2i", 1), "c29tZXNhbHRzb21lc2FsdA", "c29t!", 1),
		"version 16":     strings.Replace(good, "v=19", "v=16", 1),
		"param order":    strings.Replace(good, "m=19456,t=2,p=1", "t=2,m=19456,p=1", 1),
		"missing param":  strings.Replace(good, "m=19456,t=2,p=1", "m=19456,t=2", 1),
		"huge memory":    strings.Replace(good, "m=19456", "m=4194304", 1),
		"zero time":      strings.Replace(good, "t=2", "t=0", 1),
		"many threads":   strings.Replace(good, "p=1", "p=255", 1),
		"negative":       strings.Replace(good, "t=2", "t=-1", 1),
		"bad salt":       strings.Replace(good, "c29tZXNhbHRzb21lc2FsdA", "c29t!", 1),
		"short salt":     strings.Replace(good, "c29tZXNhbHRzb21lc2FsdA", "c29tZQ", 1),
		"padded key":     good + "=",
		"short key":      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAA",
		"extra field":    good + "$x",
		"no leading sep": good[1:],
	}
	for name, phc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := testHasher.Verify(ctx, "correct horse battery staple", phc)
			if ok || !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("Verify = %v, %v; want ErrInvalidHash", ok, err)
			}
			if !NeedsRehash(phc) {
				t.Fatal("NeedsRehash(malformed) = false")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	if !NeedsRehash(vectors[1].phc) {
		t.Fatal("hash with other parameters does not need rehash")
	}
	if NeedsRehash(vectors[0].phc) {
		t.Fatal("hash with default parameters needs rehash")
	}
}

func TestDummyHashParses(t *testing.T) {
	p, err := parsePHC(dummyPHC)
	if err != nil {
		t.Fatal(err)
	}
	if p.memory != DefaultMemory || p.time != DefaultTime || p.threads != DefaultThreads || len(p.key) != KeyLen || len(p.salt) != SaltLen {
		t.Fatalf("dummy hash parameters %+v differ from the defaults", p)
	}
}

// TestVerifyDummyCostsLikeVerify checks that an unknown user's failure
// takes about as long as a wrong password (within a factor of two, which
// is far tighter than the difference between argon2 and no work at all).
func TestVerifyDummyCostsLikeVerify(t *testing.T) {
	h := NewHasher(1)
	phc, _ := h.Hash(ctx, "real password")
	// CPU time of this process, not wall time: other work on a busy
	// machine stretches the wall clock of either call, not its CPU.
	measure := func(f func()) time.Duration {
		best := time.Hour
		for range 5 {
			start := processCPU(t)
			f()
			best = min(best, processCPU(t)-start)
		}
		return best
	}
	real := measure(func() { _, _ = h.Verify(ctx, "wrong", phc) })
	dummy := measure(func() { h.VerifyDummy(ctx, "wrong") })
	if dummy < real/2 || dummy > real*2 {
		t.Fatalf("VerifyDummy took %v of CPU, Verify %v", dummy, real)
	}
}

// processCPU is the CPU time the test process has used so far.
func processCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Skipf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestHasherBoundsConcurrency(t *testing.T) {
	h := NewHasher(1)
	// Hold the only slot: callers whose context ends give up promptly,
	// with the context's error, whether it ends while they wait or before.
	h.sem <- struct{}{}
	expired, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"deadline while waiting", expired, context.DeadlineExceeded},
		{"cancelled before", cancelled, context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			if _, err := h.Hash(tt.ctx, "pw"); !errors.Is(err, tt.want) {
				t.Errorf("Hash with a full Hasher = %v, want %v", err, tt.want)
			}
			if _, err := h.Verify(tt.ctx, "pw", vectors[0].phc); !errors.Is(err, tt.want) {
				t.Errorf("Verify with a full Hasher = %v, want %v", err, tt.want)
			}
			h.VerifyDummy(tt.ctx, "pw")
			if d := time.Since(start); d > time.Second {
				t.Errorf("gave up after %v", d)
			}
		})
	}
	<-h.sem
	// A cancelled caller does not start a hash even when a slot is free.
	if _, err := h.Hash(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with a cancelled context and a free slot = %v, want context.Canceled", err)
	}

	// Many concurrent callers all finish and give their slots back.
	h = NewHasher(2)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := h.Verify(ctx, vectors[1].pw, vectors[1].phc); !ok || err != nil {
				t.Errorf("Verify = %v, %v", ok, err)
			}
		}()
	}
	wg.Wait()
	if len(h.sem) != 0 {
		t.Fatalf("%d slots still held", len(h.sem))
	}
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(1)
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		if _, err := h.Hash(ctx, "Passw0rd!"); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

func BenchmarkVerify(b *testing.B) {
	h := NewHasher(1)
	phc, _ := h.Hash(ctx, "Passw0rd!")
	b.ReportAllocs()
	done := benchcpu.Start(b)
	for b.Loop() {
		if ok, _ := h.Verify(ctx, "Passw0rd!", phc); !ok {
			b.Fatal("Verify failed")
		}
	}
	done()
}

// BenchmarkVerifyParallel measures throughput of a GOMAXPROCS-slot Hasher under
// concurrent sign-ins (ns/op is wall time per verification across all
// goroutines).
func BenchmarkVerifyParallel(b *testing.B) {
	phc, _ := testHasher.Hash(ctx, "Passw0rd!")
	b.ReportAllocs()
	done := benchcpu.Start(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _ := testHasher.Verify(ctx, "Passw0rd!", phc); !ok {
				b.Error("Verify failed")
			}
		}
	})
	done()
}
