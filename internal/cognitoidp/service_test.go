package cognitoidp

import (
	"sort"
	"testing"
)

// importJobOps are the cognito-idp operations of user import jobs, which
// another part of the server serves.
var importJobOps = map[string]bool{
	"CreateUserImportJob": true, "DescribeUserImportJob": true, "ListUserImportJobs": true,
	"StartUserImportJob": true, "StopUserImportJob": true,
}

// TestOperationsServed: every operation of botocore's cognito-idp model
// has a handler, except (until they are served) the import-job ones.
func TestOperationsServed(t *testing.T) {
	svc, err := New(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ops := svc.Model.Operations()
	var missing []string
	for _, op := range ops {
		if svc.Handlers[op] == nil && !importJobOps[op] {
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
