package console

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// schemaOf splits a pool's schema for the pool page: its custom
// attributes, and the standard ones that can be made required.
func schemaOf(p cip.UserPoolType) (custom []cip.SchemaAttributeType, standard []cip.SchemaAttributeType) {
	for _, a := range p.SchemaAttributes {
		switch {
		case strings.HasPrefix(a.Name, "custom:") || strings.HasPrefix(a.Name, "dev:custom:"):
			custom = append(custom, a)
		case a.Name != "sub" && a.Name != "identities":
			standard = append(standard, a)
		}
	}
	return custom, standard
}

// signInSettings changes how users sign in (CognateAdmin
// UpdateSignInAttributes and UpdateUsernameConfiguration): the form sends
// the whole setting.
func (c *Console) signInSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID := r.Context(), r.PathValue("pool")
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: %v", errBadInput, err)
	}
	in := &ca.UpdateSignInAttributesInput{UserPoolId: poolID,
		UsernameAttributes: append([]string{}, r.PostForm["username_attribute"]...),
		AliasAttributes:    append([]string{}, r.PostForm["alias_attribute"]...)}
	out, err := c.d.Users.UpdateSignInAttributes(ctx, in)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Sign-in settings saved: %d users re-keyed.", *out.UsersRekeyed)
	caseSensitive := r.PostFormValue("case_sensitive") != ""
	pool, err := c.d.Users.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: poolID})
	if err != nil {
		return err
	}
	if uc := pool.UserPool.UsernameConfiguration; (uc == nil || uc.CaseSensitive == nil || *uc.CaseSensitive) != caseSensitive {
		uc, err := c.d.Users.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: poolID, CaseSensitive: &caseSensitive})
		if err != nil {
			return err
		}
		note += fmt.Sprintf(" Usernames are now case-%s: %d users re-keyed.", map[bool]string{true: "sensitive", false: "insensitive"}[caseSensitive], *uc.UsersRekeyed)
	}
	e := eventOf("SignInAttributesUpdated", nil, "AliasAttributes", strings.Join(out.AliasAttributes, ","),
		"UsernameAttributes", strings.Join(out.UsernameAttributes, ","), "CaseSensitive", strconv.FormatBool(caseSensitive))
	e.UserPoolID = poolID
	c.audit(ctx, s, e)
	return c.showPool(w, r, s, poolID, poolData{}, note)
}

// attributeSettings removes or changes a custom attribute, or makes a
// standard attribute required or not (CognateAdmin DeleteCustomAttribute,
// UpdateCustomAttribute, UpdateRequiredAttribute).
func (c *Console) attributeSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx, poolID := r.Context(), r.PathValue("pool")
	name := r.PostFormValue("name")
	var note string
	var e = eventOf("", nil, "Name", name)
	switch action := r.PostFormValue("action"); action {
	case "delete":
		if r.PostFormValue("confirm") == "" {
			return fmt.Errorf("%w: tick the box to confirm that every user's value of %s is deleted", errBadInput, name)
		}
		out, err := c.d.Users.DeleteCustomAttribute(ctx, &ca.DeleteCustomAttributeInput{UserPoolId: poolID, Name: name})
		if err != nil {
			return err
		}
		e.Type = "CustomAttributeDeleted"
		note = fmt.Sprintf("%s removed: from %d users and %d app clients.", out.Name, *out.UsersUpdated, *out.ClientsUpdated)
	case "update":
		in := &ca.UpdateCustomAttributeInput{UserPoolId: poolID, Name: name}
		switch r.PostFormValue("mutable") {
		case "yes":
			in.Mutable = ptr(true)
		case "no":
			in.Mutable = ptr(false)
		}
		lo, hi := strings.TrimSpace(r.PostFormValue("min")), strings.TrimSpace(r.PostFormValue("max"))
		if lo != "" || hi != "" {
			pool, err := c.d.Users.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: poolID})
			if err != nil {
				return err
			}
			custom, _ := schemaOf(pool.UserPool.UserPoolType)
			i := slices.IndexFunc(custom, func(a cip.SchemaAttributeType) bool { return a.Name == name })
			if i >= 0 && custom[i].AttributeDataType == "Number" {
				in.NumberAttributeConstraints = &ca.NumberAttributeConstraintsType{MinValue: lo, MaxValue: hi}
			} else {
				in.StringAttributeConstraints = &ca.StringAttributeConstraintsType{MinLength: lo, MaxLength: hi}
			}
		}
		out, err := c.d.Users.UpdateCustomAttribute(ctx, in)
		if err != nil {
			return err
		}
		e.Type = "CustomAttributeUpdated"
		note = fmt.Sprintf("%s saved: %d users hold a value outside the new constraints%s (kept until next written).",
			out.Name, *out.UsersOutOfConstraints, named(out.SomeUsersOutOfConstraints))
	case "required", "optional":
		out, err := c.d.Users.UpdateRequiredAttribute(ctx, &ca.UpdateRequiredAttributeInput{UserPoolId: poolID, Name: name, Required: ptr(action == "required")})
		if err != nil {
			return err
		}
		e.Type = "RequiredAttributeUpdated"
		e.Details["Required"] = strconv.FormatBool(*out.Required)
		note = fmt.Sprintf("%s is %s: %d users lack it%s.", out.Name, map[bool]string{true: "required", false: "optional"}[*out.Required],
			*out.UsersMissing, named(out.SomeUsersMissing))
	default:
		return fmt.Errorf("%w: unknown action %q", errBadInput, action)
	}
	e.UserPoolID = poolID
	c.audit(ctx, s, e)
	return c.showPool(w, r, s, poolID, poolData{}, note)
}

// named words the first users of a report: " (ann, bob, ...)".
func named(users []string) string {
	if len(users) == 0 {
		return ""
	}
	return " (" + strings.Join(users, ", ") + ")"
}
