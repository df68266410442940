package sts

import (
	"context"
	"time"
)

// Issuance describes one vending of credentials, for the audit log.
type Issuance struct {
	// Operation is what the credentials were issued for:
	// "AssumeRoleWithWebIdentity", or the caller's operation (e.g.
	// "GetCredentialsForIdentity").
	Operation      string
	AccessKeyID    string
	RoleARN        string
	RoleID         string
	SessionName    string
	AssumedRoleARN string
	Provider       string
	Subject        string
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
	PrincipalTags  map[string]string
	SourceIP       string
	IssuedAt       time.Time
	Expiration     time.Time
}

// IssuanceRecorder records issuances; the identity pools' audit log
// implements it. An error fails the issuance: credentials are never
// handed out unrecorded.
type IssuanceRecorder interface {
	CredentialsIssued(ctx context.Context, is Issuance) error
}
