package iam

import (
	"net/url"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Wire types: inputs decode from the JSON the query protocol's parameters
// are turned into (member names as in the IAM model); outputs marshal as
// the XML of the operation's result element.

// Tag is a tag, in and out.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Role is IAM's Role shape.
type Role struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string               `xml:",omitempty"`
	Description              string               `xml:",omitempty"`
	MaxSessionDuration       int                  `xml:",omitempty"`
	PermissionsBoundary      *PermissionsBoundary `xml:",omitempty"`
	Tags                     []Tag                `xml:"Tags>member,omitempty"`
	RoleLastUsed             *struct{}            `xml:",omitempty"`
}

// PermissionsBoundary is IAM's AttachedPermissionsBoundary shape.
type PermissionsBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

// encodePolicy URL-encodes a policy document as IAM returns them
// (RFC 3986: spaces as %20).
func encodePolicy(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// wireTime formats a time as IAM does.
func wireTime(t time.Time) string { return awsproto.ISO8601(t) }

func toTags(tags []storage.Tag) []Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag(t)
	}
	return out
}

func fromTags(tags []Tag) []storage.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]storage.Tag, len(tags))
	for i, t := range tags {
		out[i] = storage.Tag(t)
	}
	return out
}
