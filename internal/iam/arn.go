package iam

import (
	"net"
	"net/url"
	"strings"
)

// RoleARN returns the ARN of a role: arn:aws:iam::<account>:role<path><name>.
func RoleARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":role" + path + name
}

// ParseRoleARN splits arn:aws:iam::<account>:role/<path><name> into its
// account, path ("/" or "/a/b/") and name.
func ParseRoleARN(arn string) (account, path, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", "", false
	}
	account, res, ok := strings.Cut(rest, ":")
	if !ok || !strings.HasPrefix(res, "role/") {
		return "", "", "", false
	}
	full := res[len("role"):]
	i := strings.LastIndexByte(full, '/')
	path, name = full[:i+1], full[i+1:]
	if name == "" || account == "" {
		return "", "", "", false
	}
	return account, path, name, true
}

// ProviderARN returns the ARN of an OIDC provider from its URL key
// (host and path, no scheme).
func ProviderARN(account, key string) string {
	return "arn:aws:iam::" + account + ":oidc-provider/" + key
}

// parseProviderARN returns the URL key an OIDC provider ARN names, if it
// is one of this account's.
func parseProviderARN(account, arn string) (string, bool) {
	key, ok := strings.CutPrefix(arn, "arn:aws:iam::"+account+":oidc-provider/")
	return key, ok && key != ""
}

// ProviderKey turns an issuer URL ("https://issuer.example/tenant") into a
// provider's key ("issuer.example/tenant"): the scheme is dropped and the
// host lower-cased. It accepts https URLs, and http URLs of loopback hosts
// (for local development); no query, fragment or user info.
func ProviderKey(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", false
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", false
		}
	default:
		return "", false
	}
	return strings.ToLower(u.Host) + u.EscapedPath(), true
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
