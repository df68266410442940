package userpool

import (
	"strconv"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// legacyFlows maps the pre-2019 ExplicitAuthFlows values to their ALLOW_
// equivalents. With legacy values, SRP and refresh are always allowed.
var legacyFlows = map[string]string{
	"ADMIN_NO_SRP_AUTH":     "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	"USER_PASSWORD_AUTH":    "ALLOW_USER_PASSWORD_AUTH",
	"CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}

// buildClientConfig validates client settings and fills Cognito's defaults.
func buildClientConfig(p *pool, in clientSettings) (*cip.UserPoolClientType, error) {
	cfg := &cip.UserPoolClientType{
		ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, SupportedIdentityProviders: in.SupportedIdentityProviders,
		CallbackURLs: in.CallbackURLs, LogoutURLs: in.LogoutURLs, DefaultRedirectURI: in.DefaultRedirectURI,
		AllowedOAuthFlows: in.AllowedOAuthFlows, AllowedOAuthScopes: in.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient:          ptr(boolv(in.AllowedOAuthFlowsUserPoolClient)),
		AnalyticsConfiguration:                   in.AnalyticsConfiguration,
		PreventUserExistenceErrors:               orDefault(in.PreventUserExistenceErrors, "LEGACY"),
		EnableTokenRevocation:                    ptr(in.EnableTokenRevocation == nil || *in.EnableTokenRevocation),
		EnablePropagateAdditionalUserContextData: ptr(boolv(in.EnablePropagateAdditionalUserContextData)),
		AuthSessionValidity:                      ptr(int32v(in.AuthSessionValidity, 3)),
		RefreshTokenRotation:                     in.RefreshTokenRotation,
	}
	if len(cfg.ExplicitAuthFlows) == 0 {
		cfg.ExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	legacy, modern := 0, 0
	for _, f := range cfg.ExplicitAuthFlows {
		if _, ok := legacyFlows[f]; ok {
			legacy++
		} else {
			modern++
		}
	}
	if legacy > 0 && modern > 0 {
		return nil, errorf(InvalidParameter, "ExplicitAuthFlows can't have both legacy and new values.")
	}
	if err := checkSupportedProviders(p, cfg.SupportedIdentityProviders); err != nil {
		return nil, err
	}
	if err := checkOAuthScopes(p, cfg.AllowedOAuthScopes); err != nil {
		return nil, err
	}
	if err := checkClientAttributes(p, cfg.ReadAttributes, "read"); err != nil {
		return nil, err
	}
	if err := checkClientAttributes(p, cfg.WriteAttributes, "write"); err != nil {
		return nil, err
	}
	units := in.TokenValidityUnits
	if units == nil {
		units = &cip.TokenValidityUnitsType{}
	}
	cfg.TokenValidityUnits = &cip.TokenValidityUnitsType{
		AccessToken:  orDefault(units.AccessToken, "minutes"),
		IdToken:      orDefault(units.IdToken, "minutes"),
		RefreshToken: orDefault(units.RefreshToken, "days"),
	}
	cfg.AccessTokenValidity = ptr(int32v(in.AccessTokenValidity, defaultValidity(units.AccessToken, time.Hour)))
	cfg.IdTokenValidity = ptr(int32v(in.IdTokenValidity, defaultValidity(units.IdToken, time.Hour)))
	cfg.RefreshTokenValidity = ptr(int32v(in.RefreshTokenValidity, defaultValidity(units.RefreshToken, 30*24*time.Hour)))
	checks := []struct {
		name     string
		d        time.Duration
		min, max time.Duration
	}{
		{"AccessTokenValidity", validity(*cfg.AccessTokenValidity, cfg.TokenValidityUnits.AccessToken), 5 * time.Minute, 24 * time.Hour},
		{"IdTokenValidity", validity(*cfg.IdTokenValidity, cfg.TokenValidityUnits.IdToken), 5 * time.Minute, 24 * time.Hour},
		{"RefreshTokenValidity", validity(*cfg.RefreshTokenValidity, cfg.TokenValidityUnits.RefreshToken), time.Hour, 3650 * 24 * time.Hour},
	}
	for _, c := range checks {
		if c.d < c.min || c.d > c.max {
			return nil, errorf(InvalidParameter, "%s must be between %s and %s.", c.name, human(c.min), human(c.max))
		}
	}
	if s := *cfg.AuthSessionValidity; s < 3 || s > 15 {
		return nil, errorf(InvalidParameter, "AuthSessionValidity must be between 3 and 15 minutes.")
	}
	return cfg, nil
}

// checkClientAttributes checks Read/WriteAttributes name attributes of the
// pool's schema (and that sub is never writable).
func checkClientAttributes(p *pool, names []string, kind string) error {
	for _, n := range names {
		_, ok := p.schemaAttribute(n)
		if !ok || (kind == "write" && n == "sub") {
			return errorf(InvalidParameter, "Invalid %s attributes specified while creating a client", kind)
		}
	}
	return nil
}

// defaultValidity expresses d in the given unit ("" meaning the unit that
// Cognito assumes when none is given: minutes for 1 h, days for 30 days).
func defaultValidity(unit string, d time.Duration) int32 {
	if unit == "" {
		if d >= 24*time.Hour {
			unit = "days"
		} else {
			unit = "minutes"
		}
	}
	return int32(d / unitDuration(unit))
}

func validity(n int32, unit string) time.Duration { return time.Duration(n) * unitDuration(unit) }

func unitDuration(unit string) time.Duration {
	switch unit {
	case "seconds":
		return time.Second
	case "minutes":
		return time.Minute
	case "hours":
		return time.Hour
	default:
		return 24 * time.Hour
	}
}

func human(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	case d >= time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	default:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
}

// Token lifetimes of a client.
func (c *client) accessTTL() time.Duration {
	return validity(*c.cfg.AccessTokenValidity, c.cfg.TokenValidityUnits.AccessToken)
}
func (c *client) idTTL() time.Duration {
	return validity(*c.cfg.IdTokenValidity, c.cfg.TokenValidityUnits.IdToken)
}
func (c *client) refreshTTL() time.Duration {
	return validity(*c.cfg.RefreshTokenValidity, c.cfg.TokenValidityUnits.RefreshToken)
}
func (c *client) sessionTTL() time.Duration {
	return time.Duration(int32v(c.cfg.AuthSessionValidity, 3)) * time.Minute
}

// allows reports whether the client allows an auth flow (ALLOW_ name).
func (c *client) allows(flow string) bool {
	legacy := false
	for _, f := range c.cfg.ExplicitAuthFlows {
		if f == flow || legacyFlows[f] == flow {
			return true
		}
		if _, ok := legacyFlows[f]; ok {
			legacy = true
		}
	}
	return legacy && (flow == "ALLOW_USER_SRP_AUTH" || flow == "ALLOW_REFRESH_TOKEN_AUTH")
}

// preventsExistenceErrors reports PreventUserExistenceErrors=ENABLED.
func (c *client) preventsExistenceErrors() bool { return c.cfg.PreventUserExistenceErrors == "ENABLED" }

// canRead / canWrite apply the client's Read/WriteAttributes (none listed
// means all).
func (c *client) canRead(name string) bool {
	return len(c.cfg.ReadAttributes) == 0 || contains(c.cfg.ReadAttributes, name)
}
func (c *client) canWrite(name string) bool {
	return len(c.cfg.WriteAttributes) == 0 || contains(c.cfg.WriteAttributes, name)
}
