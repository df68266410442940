package userpool

import (
	"context"
	"net/netip"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// riskSettings is the threat protection configuration of a pool or an app
// client, as SetRiskConfiguration stored it. Cognate stores and returns
// it; it assesses no risk and takes none of these actions: sign-ins are
// never blocked, challenged or notified for risk, and the IP ranges are
// not consulted.
type riskSettings struct {
	CompromisedCredentials *cip.CompromisedCredentialsRiskConfigurationType `json:"CompromisedCredentials,omitempty"`
	AccountTakeover        *cip.AccountTakeoverRiskConfigurationType        `json:"AccountTakeover,omitempty"`
	RiskException          *cip.RiskExceptionConfigurationType              `json:"RiskException,omitempty"`
	Modified               time.Time                                        `json:"Modified"`
}

// checkRisk validates what the model cannot: IP ranges in CIDR notation,
// at least one account-takeover action, and notification settings for
// actions that notify.
func checkRisk(in *cip.SetRiskConfigurationRequest) error {
	if at := in.AccountTakeoverRiskConfiguration; at != nil {
		acts := at.Actions
		if acts == nil || (acts.LowAction == nil && acts.MediumAction == nil && acts.HighAction == nil) {
			return errorf(InvalidParameter, "AccountTakeoverRiskConfiguration.Actions must set an action for at least one risk level.")
		}
		for _, a := range []*cip.AccountTakeoverActionType{acts.LowAction, acts.MediumAction, acts.HighAction} {
			if a != nil && boolv(a.Notify) && at.NotifyConfiguration == nil {
				return errorf(InvalidParameter, "AccountTakeoverRiskConfiguration.NotifyConfiguration is required when an action notifies users.")
			}
		}
		if n := at.NotifyConfiguration; n != nil {
			for _, e := range []*cip.NotifyEmailType{n.BlockEmail, n.NoActionEmail, n.MfaEmail} {
				if e != nil && e.HtmlBody == "" && e.TextBody == "" {
					return errorf(InvalidParameter, "A notification email needs an HtmlBody or a TextBody.")
				}
			}
		}
	}
	if ex := in.RiskExceptionConfiguration; ex != nil {
		for _, list := range [][]string{ex.BlockedIPRangeList, ex.SkippedIPRangeList} {
			for _, r := range list {
				if _, err := netip.ParsePrefix(r); err != nil {
					return errorf(InvalidParameter, "%q is not an IP address range in CIDR notation.", r)
				}
			}
		}
	}
	return nil
}

// riskOutput is the RiskConfiguration that Set and Describe return; with
// nothing set it holds just the ids.
func riskOutput(poolID, clientID string, r *riskSettings) *cip.RiskConfigurationType {
	out := &cip.RiskConfigurationType{UserPoolId: poolID}
	if clientID != allClients {
		out.ClientId = clientID
	}
	if r != nil {
		out.CompromisedCredentialsRiskConfiguration = r.CompromisedCredentials
		out.AccountTakeoverRiskConfiguration = r.AccountTakeover
		out.RiskExceptionConfiguration = r.RiskException
		out.LastModifiedDate = awstime.New(r.Modified)
	}
	return out
}

// SetRiskConfiguration sets the threat protection configuration of an app
// client, or without ClientId (or with ALL), of the pool: a client's own
// configuration replaces the pool's for that client. A request with none
// of the three configurations removes the configuration. The settings are
// stored and returned only: Cognate does no risk detection.
func (s *Service) SetRiskConfiguration(ctx context.Context, in *cip.SetRiskConfigurationRequest) (*cip.SetRiskConfigurationResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.settingsClient(ctx, p, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkRisk(in); err != nil {
		return nil, err
	}
	var r *riskSettings
	if in.CompromisedCredentialsRiskConfiguration != nil || in.AccountTakeoverRiskConfiguration != nil || in.RiskExceptionConfiguration != nil {
		r = &riskSettings{
			CompromisedCredentials: in.CompromisedCredentialsRiskConfiguration,
			AccountTakeover:        in.AccountTakeoverRiskConfiguration,
			RiskException:          in.RiskExceptionConfiguration,
		}
	}
	stale, err := staleClients(ctx, s.store.Clients(), p.rec.ID, p.cfg.Risk)
	if err != nil {
		return nil, err
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		m := make(map[string]*riskSettings, len(cfg.Risk)+1)
		for k, v := range cfg.Risk {
			m[k] = v
		}
		if r == nil {
			delete(m, key)
		} else {
			r.Modified = s.now()
			m[key] = r
		}
		for _, id := range stale {
			delete(m, id)
		}
		cfg.Risk = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.SetRiskConfigurationResponse{RiskConfiguration: riskOutput(p.rec.ID, key, r)}, nil
}

// DescribeRiskConfiguration returns the threat protection configuration
// of an app client, falling back to the pool's when the client has none of
// its own, or the pool's when no client is named.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, in *cip.DescribeRiskConfigurationRequest) (*cip.DescribeRiskConfigurationResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.settingsClient(ctx, p, in.ClientId)
	if err != nil {
		return nil, err
	}
	r := p.cfg.Risk[key]
	if r == nil && key != allClients {
		if all := p.cfg.Risk[allClients]; all != nil {
			key, r = allClients, all
		}
	}
	return &cip.DescribeRiskConfigurationResponse{RiskConfiguration: riskOutput(p.rec.ID, key, r)}, nil
}
