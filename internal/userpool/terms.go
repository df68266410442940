package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// The terms operations keep an app client's terms of use and privacy
// policy (ClientDocuments of kind "terms", named by TermsName): links to
// documents per language, which managed login shows at sign-up. A client
// has at most one of each.

// TermsExists is the exception for a second terms document of one name for
// a client.
const TermsExists Kind = "TermsExistsException"

// docTerms is the ClientDocument kind of terms documents.
const docTerms = "terms"

// storedTerms is a terms document as a ClientDocument's body keeps it.
type storedTerms struct {
	Source      string            `json:"Source"`
	Enforcement string            `json:"Enforcement"`
	Links       map[string]string `json:"Links"`
}

func termsNotFound(id string) *Error {
	return errorf(ResourceNotFound, "Terms %s do not exist.", id)
}

func termsExist(clientID, name string) *Error {
	return errorf(TermsExists, "App client %s already has terms named %s.", clientID, name)
}

// checkLinks requires a link for at least one language, each an absolute
// http or https URL. (The model checks the language names and the count.)
func checkLinks(links map[string]string) error {
	if len(links) == 0 {
		return errorf(InvalidParameter, "Links must name a URL for at least one language when TermsSource is LINK.")
	}
	for lang, link := range links {
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errorf(InvalidParameter, "The link for %s is not an absolute http or https URL.", lang)
		}
	}
	return nil
}

// CreateTerms adds a terms document to an app client.
func (s *Service) CreateTerms(ctx context.Context, in *cip.CreateTermsRequest) (*cip.CreateTermsResponse, error) {
	p, err := s.adminClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkLinks(in.Links); err != nil {
		return nil, err
	}
	t := storedTerms{Source: in.TermsSource, Enforcement: in.Enforcement, Links: in.Links}
	now := s.now()
	d := storage.ClientDocument{
		PoolID: p.rec.ID, ID: uuid.NewString(), ClientID: in.ClientId, Kind: docTerms, Name: in.TermsName,
		CreatedAt: now, UpdatedAt: now,
	}
	if d.Body, err = json.Marshal(t); err != nil {
		return nil, err
	}
	err = s.store.ClientDocuments().Create(ctx, d)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return nil, termsExist(in.ClientId, in.TermsName)
	case errors.Is(err, storage.ErrNotFound):
		return nil, clientNotFound(in.ClientId)
	case err != nil:
		return nil, err
	}
	return &cip.CreateTermsResponse{Terms: termsOutput(d, &t)}, nil
}

func termsOutput(d storage.ClientDocument, t *storedTerms) *cip.TermsType {
	return &cip.TermsType{
		TermsId: d.ID, UserPoolId: d.PoolID, ClientId: d.ClientID, TermsName: d.Name,
		TermsSource: t.Source, Enforcement: t.Enforcement, Links: t.Links,
		CreationDate: awstime.New(d.CreatedAt), LastModifiedDate: awstime.New(d.UpdatedAt),
	}
}

func decodeTerms(d storage.ClientDocument) (*storedTerms, error) {
	var t storedTerms
	if err := json.Unmarshal(d.Body, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// getTerms reads a terms document of the pool through st.
func getTerms(ctx context.Context, st storage.Stores, poolID, id string) (storage.ClientDocument, *storedTerms, error) {
	d, err := st.ClientDocuments().Get(ctx, poolID, docTerms, id)
	if errors.Is(err, storage.ErrNotFound) {
		return d, nil, termsNotFound(id)
	}
	if err != nil {
		return d, nil, err
	}
	t, err := decodeTerms(d)
	return d, t, err
}

// DescribeTerms returns a terms document by id.
func (s *Service) DescribeTerms(ctx context.Context, in *cip.DescribeTermsRequest) (*cip.DescribeTermsResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	d, t, err := getTerms(ctx, s.store, p.rec.ID, in.TermsId)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeTermsResponse{Terms: termsOutput(d, t)}, nil
}

// listTermsOutput is ListTermsResponse with Terms always present.
type listTermsOutput struct {
	Terms     []cip.TermsDescriptionType `json:"Terms"`
	NextToken string                     `json:"NextToken,omitempty"`
}

// ListTerms lists the pool's terms documents by id, up to MaxResults (at
// most 60) a page.
func (s *Service) ListTerms(ctx context.Context, in *cip.ListTermsRequest) (*listTermsOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	docs, next, err := s.store.ClientDocuments().List(ctx, p.rec.ID, docTerms,
		storage.Page{Token: in.NextToken, Limit: pageLimit(in.MaxResults)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &listTermsOutput{Terms: []cip.TermsDescriptionType{}, NextToken: next}
	for _, d := range docs {
		t, err := decodeTerms(d)
		if err != nil {
			return nil, err
		}
		out.Terms = append(out.Terms, cip.TermsDescriptionType{
			TermsId: d.ID, TermsName: d.Name, Enforcement: t.Enforcement,
			CreationDate: awstime.New(d.CreatedAt), LastModifiedDate: awstime.New(d.UpdatedAt),
		})
	}
	return out, nil
}

// UpdateTerms changes the fields a request gives of a terms document;
// Links, when given, replace the old ones whole.
func (s *Service) UpdateTerms(ctx context.Context, in *cip.UpdateTermsRequest) (*cip.UpdateTermsResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.Links != nil {
		if err := checkLinks(in.Links); err != nil {
			return nil, err
		}
	}
	var out *cip.TermsType
	err = s.store.InTx(ctx, func(tx storage.Stores) error {
		d, t, err := getTerms(ctx, tx, p.rec.ID, in.TermsId)
		if err != nil {
			return err
		}
		if in.TermsName != "" {
			d.Name = in.TermsName
		}
		if in.TermsSource != "" {
			t.Source = in.TermsSource
		}
		if in.Enforcement != "" {
			t.Enforcement = in.Enforcement
		}
		if in.Links != nil {
			t.Links = in.Links
		}
		d.UpdatedAt = s.now()
		if d.Body, err = json.Marshal(t); err != nil {
			return err
		}
		err = tx.ClientDocuments().Update(ctx, d)
		if errors.Is(err, storage.ErrConflict) {
			return termsExist(d.ClientID, d.Name)
		}
		out = termsOutput(d, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateTermsResponse{Terms: out}, nil
}

// DeleteTerms deletes a terms document.
func (s *Service) DeleteTerms(ctx context.Context, in *cip.DeleteTermsRequest) (*Empty, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	err = s.store.ClientDocuments().Delete(ctx, p.rec.ID, docTerms, in.TermsId)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, termsNotFound(in.TermsId)
	}
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// TermsLink is one terms document of an app client for the login pages:
// its name (terms-of-use or privacy-policy) and the URL for a language.
type TermsLink struct {
	Name string
	URL  string
}

// Terms returns the terms documents of an app client for the login pages,
// by name, each with the link for lang (a LanguageIdType such as
// "cognito:french"), or else the "cognito:default" link, or else the
// English one; a document with none of these is left out.
func (s *Service) Terms(ctx context.Context, poolID, clientID, lang string) ([]TermsLink, error) {
	var out []TermsLink
	for _, name := range []string{"terms-of-use", "privacy-policy"} {
		d, err := s.store.ClientDocuments().Find(ctx, poolID, clientID, docTerms, name)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t, err := decodeTerms(d)
		if err != nil {
			return nil, err
		}
		for _, l := range []string{lang, "cognito:default", "cognito:english"} {
			if link := t.Links[l]; link != "" {
				out = append(out, TermsLink{Name: name, URL: link})
				break
			}
		}
	}
	return out, nil
}
