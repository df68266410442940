package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
)

// GetCSVHeader returns the header of a CSV file for importing users into
// the pool: its attributes in schema order (the standard ones, name first,
// then custom ones), without sub and identities, which an import cannot
// set, then cognito:mfa_enabled and cognito:username, as Cognito lists
// them.
func (s *Service) GetCSVHeader(ctx context.Context, in *cip.GetCSVHeaderRequest) (*cip.GetCSVHeaderResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	header := make([]string, 0, len(p.cfg.SchemaAttributes)+2)
	for _, a := range p.cfg.SchemaAttributes {
		if a.Name == "sub" || a.Name == "identities" {
			continue
		}
		header = append(header, a.Name)
	}
	header = append(header, "cognito:mfa_enabled", "cognito:username")
	return &cip.GetCSVHeaderResponse{UserPoolId: p.rec.ID, CSVHeader: header}, nil
}
