package conformance

import (
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

func init() {
	register("Settings",
		test{"GetMissing", testSettingGetMissing},
		test{"PutGet", testSettingPutGet},
		test{"EmptyValue", testSettingEmptyValue},
		test{"PutIfAbsent", testSettingPutIfAbsent},
	)
}

func (f *fixture) setting(name string) []byte {
	f.t.Helper()
	v, err := f.Settings().Get(f.ctx, name)
	must(f.t, err)
	return v
}

func testSettingGetMissing(t *testing.T, f *fixture) {
	must(t, f.Settings().Put(f.ctx, "Root", []byte("x")))
	_, err := f.Settings().Get(f.ctx, "root") // names are case-sensitive
	wantErr(t, err, storage.ErrNotFound)
}

// testSettingPutGet: Put creates or replaces one name's value.
func testSettingPutGet(t *testing.T, f *fixture) {
	must(t, f.Settings().Put(f.ctx, "a", []byte{0, 1, 0xff}))
	must(t, f.Settings().Put(f.ctx, "b", []byte("b")))
	same(t, "a", f.setting("a"), []byte{0, 1, 0xff})
	must(t, f.Settings().Put(f.ctx, "a", []byte("replaced")))
	same(t, "a", f.setting("a"), []byte("replaced"))
	same(t, "b", f.setting("b"), []byte("b"))
}

// testSettingEmptyValue: an empty value is stored (Get finds it) and reads
// back as nil.
func testSettingEmptyValue(t *testing.T, f *fixture) {
	for _, v := range [][]byte{nil, {}} {
		must(t, f.Settings().Put(f.ctx, "empty", v))
		same(t, "empty", f.setting("empty"), []byte(nil))
	}
	got, err := f.Settings().PutIfAbsent(f.ctx, "empty", []byte("x"))
	must(t, err)
	same(t, "PutIfAbsent over an empty value", got, []byte(nil))
}

// testSettingPutIfAbsent: PutIfAbsent stores the value only when the name
// is new, and returns what is stored.
func testSettingPutIfAbsent(t *testing.T, f *fixture) {
	got, err := f.Settings().PutIfAbsent(f.ctx, "root", []byte("first"))
	must(t, err)
	same(t, "first PutIfAbsent", got, []byte("first"))
	got, err = f.Settings().PutIfAbsent(f.ctx, "root", []byte("second"))
	must(t, err)
	same(t, "second PutIfAbsent", got, []byte("first"))
	same(t, "stored", f.setting("root"), []byte("first"))
	must(t, f.Settings().Put(f.ctx, "root", []byte("third")))
	same(t, "after Put", f.setting("root"), []byte("third"))
}
