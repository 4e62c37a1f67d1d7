package openrpctest

import (
	"testing"

	"github.com/openrpc-go/openrpc/internal/compat"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// CheckCompatible fails t, with a report of every breaking change, when the OpenRPC
// document new breaks clients written against old: a method or param removed, a param
// moved (by-position), a new required param or an optional one made required, a param
// schema that accepts less (an enum value removed, a bound tightened, a type or pattern
// changed), a result that may hold more (an enum value added, a member removed or no
// longer required, null) and so do a subscription's events, a changed paramStructure or
// unsubscribe method, or a security requirement added.
// Changes that keep old clients working (new methods, new optional params, deprecations,
// looser params) pass. Schemas are compared with their $refs followed, so the names and
// layout of components, member order, descriptions and examples do not count: calling
// it both ways checks two documents describe the same API. A document that cannot be
// read fails t too.
//
// This is the check of "openrpc diff OLD NEW".
func CheckCompatible(t testing.TB, old, new []byte) {
	t.Helper()
	od, err := docmodel.Parse(old)
	if err != nil {
		t.Fatalf("the old document: %v", err)
		return
	}
	nd, err := docmodel.Parse(new)
	if err != nil {
		t.Fatalf("the new document: %v", err)
		return
	}
	if breaking := compat.Breaking(compat.Compare(od, nd)); len(breaking) > 0 {
		t.Errorf("the new document breaks clients of the old one:\n%s", compat.Report(breaking))
	}
}
