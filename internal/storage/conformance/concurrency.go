package conformance

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Concurrency",
		test{"PutIfAbsent", testConcurrentPutIfAbsent},
		test{"CreateSameUsername", testConcurrentCreateSameUsername},
		test{"AddSameLogin", testConcurrentAddSameLogin},
		test{"AddAttempt", testConcurrentAddAttempt},
		test{"TxIncrements", testConcurrentTxIncrements},
		test{"TxSnapshots", testConcurrentTxSnapshots},
	)
}

// workers is how many goroutines each concurrency test runs.
const workers = 8

// together runs fn(i) for i in [0, n) in n goroutines released at once,
// and returns their errors by i.
func together(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWins checks that exactly one of errs is nil and every other wraps
// storage.ErrConflict, and returns the winner.
func oneWins(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("goroutines %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		default:
			wantErr(t, err, storage.ErrConflict)
		}
	}
	if winner < 0 {
		t.Fatalf("no goroutine succeeded: %v", errs)
	}
	return winner
}

// testConcurrentPutIfAbsent: concurrent first starts agree on one value.
func testConcurrentPutIfAbsent(t *testing.T, f *fixture) {
	got := make([][]byte, workers)
	errs := together(workers, func(i int) error {
		var err error
		got[i], err = f.Settings().PutIfAbsent(f.ctx, "root", []byte(strconv.Itoa(i)))
		return err
	})
	for _, err := range errs {
		must(t, err)
	}
	stored := f.setting("root")
	for i, v := range got {
		same(t, fmt.Sprintf("value returned to goroutine %d", i), v, stored)
	}
}

// testConcurrentCreateSameUsername: of users created at once with one
// username, exactly one is stored; the others get ErrConflict.
func testConcurrentCreateSameUsername(t *testing.T, f *fixture) {
	p := f.pool()
	us := make([]storage.User, workers)
	for i := range us {
		us[i] = f.newUser(p.ID, "alice")
		us[i].Lookups = append(us[i].Lookups, storage.Lookup{Kind: storage.LookupEmail, Key: fmt.Sprintf("%d@example.com", i)})
	}
	winner := oneWins(t, together(workers, func(i int) error { return f.Users().Create(f.ctx, us[i]) }))
	got, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupUsername, "alice")
	must(t, err)
	same(t, "alice", got, wantUser(us[winner]))
	if n, err := f.Users().Count(f.ctx, p.ID); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v; want 1", n, err)
	}
	for i, u := range us {
		if i == winner {
			continue
		}
		_, err := f.Users().GetByLookup(f.ctx, p.ID, storage.LookupEmail, u.Lookups[1].Key)
		wantErr(t, err, storage.ErrNotFound)
	}
}

// testConcurrentAddSameLogin: of identities linking one login at once,
// exactly one gets it.
func testConcurrentAddSameLogin(t *testing.T, f *fixture) {
	p := f.identityPool()
	ids := make([]storage.Identity, workers)
	for i := range ids {
		ids[i] = f.identity(p.ID)
	}
	winner := oneWins(t, together(workers, func(i int) error {
		return f.Identities().AddLogin(f.ctx, storage.IdentityLogin{
			IdentityID: ids[i].ID, IdentityPoolID: p.ID, Provider: "login.example", Subject: "s", CreatedAt: at(0),
		})
	}))
	l, err := f.Identities().FindLogin(f.ctx, p.ID, "login.example", "s")
	must(t, err)
	if l.IdentityID != ids[winner].ID {
		t.Fatalf("login belongs to %s, want the winner %s", l.IdentityID, ids[winner].ID)
	}
}

// testConcurrentAddAttempt: concurrent AddAttempt calls each count one
// attempt and see distinct counts, each with the code it counted.
func testConcurrentAddAttempt(t *testing.T, f *fixture) {
	_, u := f.poolUser()
	want := f.code(u, "signup")
	counts := make([]int, workers)
	errs := together(workers, func(i int) error {
		c, err := f.Codes().AddAttempt(f.ctx, u.PoolID, u.Sub, "signup")
		if err == nil && string(c.Hash) != string(want.Hash) {
			t.Errorf("AddAttempt returned hash %x, want %x", c.Hash, want.Hash)
		}
		counts[i] = c.Attempts
		return err
	})
	for _, err := range errs {
		must(t, err)
	}
	slices.Sort(counts)
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("counts returned: %v, want 1..%d", counts, workers)
		}
	}
	if c := f.getCode(u, "signup"); c.Attempts != workers {
		t.Fatalf("Attempts = %d, want %d", c.Attempts, workers)
	}
}

// increment adds one to the number stored under name, in tx.
func increment(f *fixture, tx storage.Stores, name string) error {
	v, err := tx.Settings().Get(f.ctx, name)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return err
	}
	return tx.Settings().Put(f.ctx, name, []byte(strconv.Itoa(n+1)))
}

// testConcurrentTxIncrements: read-modify-write cycles in InTx behave as
// if run one at a time: no increment is lost, and none fails.
func testConcurrentTxIncrements(t *testing.T, f *fixture) {
	const rounds = 5
	must(t, f.Settings().Put(f.ctx, "counter", []byte("0")))
	errs := together(workers, func(int) error {
		for r := 0; r < rounds; r++ {
			if err := f.InTx(f.ctx, func(tx storage.Stores) error { return increment(f, tx, "counter") }); err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	same(t, "counter", string(f.setting("counter")), strconv.Itoa(workers*rounds))
}

// testConcurrentTxSnapshots: a transaction that reads two values sees
// either all of another transaction's writes or none of them.
func testConcurrentTxSnapshots(t *testing.T, f *fixture) {
	const rounds = 10
	must(t, f.Settings().Put(f.ctx, "a", []byte("0")))
	must(t, f.Settings().Put(f.ctx, "b", []byte("0")))
	errTorn := errors.New("torn read")
	errs := together(workers, func(i int) error {
		for r := 0; r < rounds; r++ {
			err := f.InTx(f.ctx, func(tx storage.Stores) error {
				if i%2 == 0 { // writer
					if err := increment(f, tx, "a"); err != nil {
						return err
					}
					return increment(f, tx, "b")
				}
				a, err := tx.Settings().Get(f.ctx, "a")
				if err != nil {
					return err
				}
				b, err := tx.Settings().Get(f.ctx, "b")
				if err != nil {
					return err
				}
				if string(a) != string(b) {
					return fmt.Errorf("%w: a = %s, b = %s", errTorn, a, b)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	same(t, "a", string(f.setting("a")), strconv.Itoa(workers/2*rounds))
}
