package app

import (
	"encoding/base64"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognate-dev/cognate/internal/esdk"
	"github.com/cognate-dev/cognate/internal/lambdainvoke"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Names of the raw AES keyring that encrypts custom senders' codes:
// functions decrypt with a RawAesKeyring of this namespace and name.
const (
	SenderKeyNamespace = "cognate"
	SenderKeyName      = "sender"
)

// triggerDeps builds what the user pools' Lambda triggers need from the
// configuration: the Invoke API client (nil without --lambda-endpoint) and
// the raw AES keyring of --sender-encryption-key (nil without it).
func (a *App) triggerDeps() (triggers.Invoker, esdk.Keyring, error) {
	l := a.cfg.Lambda
	var fns triggers.Invoker
	if l.Endpoint != "" {
		lc := lambdainvoke.Config{
			Endpoint: l.Endpoint, AccessKeyID: l.AccessKeyID, SecretAccessKey: l.SecretAccessKey,
			Region: l.Region, Timeout: l.Timeout, Attempts: 3,
		}
		if a.metrics != nil {
			lc.Observe = a.metrics.Invocation
		}
		if a.tracer != nil {
			lc.Trace = a.tracer.Start
		}
		c, err := lambdainvoke.New(lc)
		if err != nil {
			return nil, nil, err
		}
		fns = c
	}
	var keyring esdk.Keyring
	if l.SenderKey != "" {
		key, err := base64.StdEncoding.DecodeString(l.SenderKey)
		if err != nil || len(key) != 32 {
			return nil, nil, fmt.Errorf("--sender-encryption-key: must be 32 bytes in base64")
		}
		keyring = esdk.RawAES{Namespace: SenderKeyNamespace, Name: SenderKeyName, Key: key}
	}
	return fns, keyring, nil
}

// kmsKeyring is the keyring of a pool's KMSKeyID: AWS KMS, called with
// the --lambda-access-key-id credentials (the AWS account the functions
// live in).
func (a *App) kmsKeyring(keyARN string) esdk.Keyring {
	return esdk.KMS{KeyARN: keyARN, HTTPClient: a.httpClient, Credentials: aws.Credentials{
		AccessKeyID: a.cfg.Lambda.AccessKeyID, SecretAccessKey: a.cfg.Lambda.SecretAccessKey}}
}
