package cognitoidp

import (
	"sort"
	"testing"
)

// TestOperationsServed: every operation of botocore's cognito-idp model
// (all 122) has a handler.
func TestOperationsServed(t *testing.T) {
	svc, err := New(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ops := svc.Model.Operations()
	var missing []string
	for _, op := range ops {
		if svc.Handlers[op] == nil {
			missing = append(missing, op)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d operations not served: %v", len(missing), missing)
	}
	t.Logf("%d of %d operations served", len(svc.Handlers), len(ops))
	if len(ops) != 122 {
		t.Errorf("the model has %d operations; this test was written for 122", len(ops))
	}
}
