package identitypool

import (
	"context"
	"strings"
)

// Regions. Identity pool ids and identity ids are "<region>:<uuid>", the
// region being the one the pool was created in. AWS serves each region at
// its own endpoint, so a request finds only that region's pools and
// identities; Cognate serves every region at one endpoint and scopes a
// signed request by the region of its SigV4 credential scope, as the user
// pools API does: ListIdentityPools lists that region's pools, and an id
// of another region is ResourceNotFoundException, as if it did not exist.
//
// An unsigned request (GetId, GetCredentialsForIdentity, GetOpenIdToken,
// UnlinkIdentity) names no region: an SDK sends it to its configured
// region's endpoint, which at Cognate's one endpoint leaves no trace in
// the request. Those operations find the pool or identity by its id
// alone, whatever its region: the id names the region, and a client that
// asks AWS's endpoint of the id's region gets the same answer.

type regionKey struct{}

// WithRegion returns ctx carrying the region of a signed request (from its
// SigV4 credential scope): CreateIdentityPool creates the pool there, and
// every other signed operation sees only that region's pools and
// identities.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

func regionFrom(ctx context.Context) string {
	r, _ := ctx.Value(regionKey{}).(string)
	return r
}

// inRegion reports whether a resource of region is visible to the request
// of ctx: always for an unsigned request, else only in its signed region.
func inRegion(ctx context.Context, region string) bool {
	r := regionFrom(ctx)
	return r == "" || r == region
}

// idRegion is the region of an identity pool or identity id
// ("<region>:<uuid>").
func idRegion(id string) string {
	region, _, _ := strings.Cut(id, ":")
	return region
}
