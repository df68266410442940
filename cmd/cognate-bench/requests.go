package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
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
	case "srp":
		return d.srpSignIn
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
	_, err := d.send(req)
	return err
}

// send sends req and returns the body of a 200 answer.
func (d *driver) send(req *http.Request) ([]byte, error) {
	resp, err := d.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	return b, nil
}

// postJSON sends an AWS JSON 1.1 request and decodes the answer into out.
func (d *driver) postJSON(target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, d.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	b, err := d.send(req)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// srpSignIn signs in with USER_SRP_AUTH as amazon-cognito-identity-js
// does: InitiateAuth with SRP_A, then the PASSWORD_VERIFIER answer.
func (d *driver) srpSignIn() error {
	const idp = "AWSCognitoIdentityProviderService."
	fx := d.fx
	c := srpclient.NewClient(srp.PoolName(fx.poolID))
	var challenge struct {
		ChallengeName       string
		Session             string
		ChallengeParameters map[string]string
	}
	if err := d.postJSON(idp+"InitiateAuth", map[string]any{
		"ClientId": fx.clientID, "AuthFlow": "USER_SRP_AUTH",
		"AuthParameters": map[string]string{"USERNAME": fx.username, "SRP_A": c.SRPA()},
	}, &challenge); err != nil {
		return err
	}
	p := challenge.ChallengeParameters
	if challenge.ChallengeName != "PASSWORD_VERIFIER" {
		return fmt.Errorf("USER_SRP_AUTH answered %q", challenge.ChallengeName)
	}
	ts := srpclient.Timestamp(time.Now())
	sig, err := c.Sign(srpclient.Challenge{UserIDForSRP: p["USER_ID_FOR_SRP"], Salt: p["SALT"], SRPB: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, fx.password, ts)
	if err != nil {
		return err
	}
	answer := map[string]any{
		"ClientId": fx.clientID, "ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeResponses": map[string]string{
			"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts,
		},
	}
	if challenge.Session != "" {
		answer["Session"] = challenge.Session
	}
	var done struct {
		AuthenticationResult *struct{ AccessToken string }
	}
	if err := d.postJSON(idp+"RespondToAuthChallenge", answer, &done); err != nil {
		return err
	}
	if done.AuthenticationResult == nil || done.AuthenticationResult.AccessToken == "" {
		return fmt.Errorf("PASSWORD_VERIFIER gave no tokens")
	}
	return nil
}
