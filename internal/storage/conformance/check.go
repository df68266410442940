package conformance

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// must fails the test now if err is not nil.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	noDriverTypes(t, err)
}

// wantErr fails the test unless err wraps target (errors.Is) and carries no
// driver error type.
func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one wrapping %q", err, target)
	}
	noDriverTypes(t, err)
}

// allowedErrorPackages are the packages whose error types may reach a
// caller: the standard library's error plumbing and Cognate's storage
// packages (whose backends flatten driver errors into these).
var allowedErrorPackages = []string{"errors", "fmt", "context", "github.com/cognate-dev/cognate/internal/storage"}

// noDriverTypes fails the test if any error in err's tree has a type from
// a package other than allowedErrorPackages: the contract keeps driver
// error types inside the backend.
func noDriverTypes(t testing.TB, err error) {
	t.Helper()
	var walk func(e error)
	walk = func(e error) {
		if e == nil {
			return
		}
		typ := reflect.TypeOf(e)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if !allowedPackage(typ.PkgPath()) {
			t.Errorf("error %q: a %T (from %s) escaped the backend", err, e, typ.PkgPath())
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
}

func allowedPackage(pkg string) bool {
	for _, a := range allowedErrorPackages {
		if pkg == a || strings.HasPrefix(pkg, a+"/") {
			return true
		}
	}
	return false
}

// same fails the test if got differs from want; see diff.
func same(t testing.TB, what string, got, want any) {
	t.Helper()
	if d := diff(got, want); len(d) > 0 {
		t.Fatalf("%s differs:\n  %s", what, strings.Join(d, "\n  "))
	}
}

// diff lists the differences between got and want, field by field. Times
// must be the same instant and, unless zero, in UTC; a want User's Version
// 0 matches any version; everything else must be deeply equal, and a nil
// slice or map differs from an empty one.
func diff(got, want any) []string {
	var out []string
	diffValue(&out, "", reflect.ValueOf(got), reflect.ValueOf(want))
	return out
}

var (
	timeType = reflect.TypeOf(time.Time{})
	userType = reflect.TypeOf(storage.User{})
)

func diffValue(out *[]string, path string, g, w reflect.Value) {
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", name(path), g, w))
		}
		return
	}
	if g.Type() != w.Type() {
		*out = append(*out, fmt.Sprintf("%s: got a %s, want a %s", name(path), g.Type(), w.Type()))
		return
	}
	switch {
	case g.Type() == timeType:
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		switch {
		case !gt.Equal(wt):
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(path), gt.Format(time.RFC3339Nano), wt.Format(time.RFC3339Nano)))
		case !gt.IsZero() && gt.Location() != time.UTC:
			*out = append(*out, fmt.Sprintf("%s: got %s in %s, want UTC", name(path), gt.Format(time.RFC3339Nano), gt.Location()))
		}
	case g.Kind() == reflect.Struct:
		for i := 0; i < g.NumField(); i++ {
			if g.Type() == userType && g.Type().Field(i).Name == "Version" && w.Field(i).Int() == 0 {
				continue // a wanted user's Version 0 stands for any version
			}
			diffValue(out, path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
	case g.Kind() == reflect.Slice:
		if g.IsNil() != w.IsNil() {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(path), nilOrEmpty(g), nilOrEmpty(w)))
			return
		}
		if g.Len() != w.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %d items %v, want %d items %v", name(path), g.Len(), show(g), w.Len(), show(w)))
			return
		}
		for i := 0; i < g.Len(); i++ {
			diffValue(out, fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
	case g.Kind() == reflect.Map:
		if g.IsNil() != w.IsNil() {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(path), nilOrEmpty(g), nilOrEmpty(w)))
			return
		}
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", name(path), g, w))
		}
	default:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", name(path), show(g), show(w)))
		}
	}
}

func name(path string) string {
	if path == "" {
		return "value"
	}
	return strings.TrimPrefix(path, ".")
}

func nilOrEmpty(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	if v.Len() == 0 {
		return "empty (not nil)"
	}
	return fmt.Sprintf("%d items", v.Len())
}

// show prints byte slices as text, everything else with %v.
func show(v reflect.Value) string {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		return fmt.Sprintf("%q", v.Bytes())
	}
	return fmt.Sprintf("%v", v)
}
