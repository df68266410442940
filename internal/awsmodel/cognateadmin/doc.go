// Package cognateadmin holds the wire types of Cognate's CognateAdmin
// extension API (cognate-admin, 2026-11-01), generated from its
// botocore-style model by internal/awsmodel/gen.
package cognateadmin
