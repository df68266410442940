package policy

// Evaluate applies AWS's logic across all documents: an explicit Deny wins,
// else any Allow, else implicit deny. Nil documents are skipped.
func Evaluate(req Request, docs ...*Document) Decision {
	return EvaluateDetailed(req, docs...).Decision
}

// EvaluateDetailed is Evaluate that also reports which statement decided:
// the first matching Deny, else the first matching Allow (documents and
// statements in order).
func EvaluateDetailed(req Request, docs ...*Document) Result {
	res := Result{Decision: ImplicitDeny, Document: -1, Statement: -1}
	var resource arnValue
	resourceSplit := false
	for di, d := range docs {
		if d == nil {
			continue
		}
		for si := range d.Statements {
			st := &d.Statements[si]
			c := &st.c
			if !c.deny && res.Decision == Allow {
				continue // another Allow changes nothing; only a Deny can
			}
			if c.hasResource && !resourceSplit {
				resource, resourceSplit = newARNValue(req.Resource), true
			}
			if !c.applies(&req, &resource) {
				continue
			}
			if c.deny {
				return Result{Decision: ExplicitDeny, Document: di, Statement: si, Sid: st.Sid}
			}
			res = Result{Decision: Allow, Document: di, Statement: si, Sid: st.Sid}
		}
	}
	return res
}

// applies reports whether a statement covers the request: its principal,
// action and resource match and all of its conditions hold.
func (c *compiled) applies(req *Request, resource *arnValue) bool {
	if !c.matchAction(req.Action) {
		return false
	}
	if c.principal != nil && c.principal.match(req.Principal) == c.notPrincipal {
		return false
	}
	if c.hasResource && c.matchResource(resource, req.Context) == c.notResource {
		return false
	}
	for i := range c.conds {
		if !c.conds[i].eval(req.Context) {
			return false
		}
	}
	return true
}

// matchAction reports whether the Action element covers action (or the
// NotAction element does not). Service and action names ignore case.
func (c *compiled) matchAction(action string) bool {
	for i := range c.actions {
		if c.actions[i].match(action, nil, modeGlobFold) {
			return !c.notAction
		}
	}
	return c.notAction
}

// matchResource reports whether one of the Resource or NotResource
// patterns matches the resource.
func (c *compiled) matchResource(resource *arnValue, ctx map[string][]string) bool {
	for i := range c.resources {
		if c.resources[i].match(resource, ctx) {
			return true
		}
	}
	return false
}
