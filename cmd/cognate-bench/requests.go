package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// driver sends the load requests.
type driver struct {
	endpoint, region string
	fx               *fixture
	hc               *http.Client
}

// call returns a function that performs one op.
func (d *driver) call(op string) func() error {
	const (
		idp = "AWSCognitoIdentityProviderService."
		ids = "AWSCognitoIdentityService."
	)
	fx := d.fx
	switch op {
	case "getuser":
		return d.jsonCall(idp+"GetUser", fmt.Sprintf(`{"AccessToken":%q}`, fx.accessToken))
	case "refresh":
		return d.jsonCall(idp+"InitiateAuth", fmt.Sprintf(
			`{"ClientId":%q,"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":%q}}`, fx.clientID, fx.refreshToken))
	case "signin":
		return d.jsonCall(idp+"InitiateAuth", fmt.Sprintf(
			`{"ClientId":%q,"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":%q,"PASSWORD":%q}}`,
			fx.clientID, fx.username, fx.password))
	case "getid":
		return d.jsonCall(ids+"GetId", fmt.Sprintf(`{"IdentityPoolId":%q,"Logins":{%q:%q}}`,
			fx.identityPoolID, fx.loginKey, fx.idToken))
	case "credentials":
		return d.jsonCall(ids+"GetCredentialsForIdentity", fmt.Sprintf(`{"IdentityId":%q,"Logins":{%q:%q}}`,
			fx.identityID, fx.loginKey, fx.idToken))
	case "callerid":
		return d.callerIdentity
	}
	panic("unknown op " + op)
}

// jsonCall returns a function that POSTs an AWS JSON 1.1 request.
func (d *driver) jsonCall(target, body string) func() error {
	return func() error {
		req, err := http.NewRequest(http.MethodPost, d.endpoint+"/", strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		return d.do(req)
	}
}

const callerIdentityBody = "Action=GetCallerIdentity&Version=2011-06-15"

var callerIdentityHash = func() string {
	sum := sha256.Sum256([]byte(callerIdentityBody))
	return hex.EncodeToString(sum[:])
}()

// callerIdentity calls STS GetCallerIdentity signed with the vended
// credentials, signing each request afresh as an SDK does.
func (d *driver) callerIdentity() error {
	req, err := http.NewRequest(http.MethodPost, d.endpoint+"/", strings.NewReader(callerIdentityBody))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := v4.NewSigner().SignHTTP(context.Background(), d.fx.credentials, req, callerIdentityHash, "sts", d.region, time.Now()); err != nil {
		return err
	}
	return d.do(req)
}

func (d *driver) do(req *http.Request) error {
	resp, err := d.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	return nil
}
