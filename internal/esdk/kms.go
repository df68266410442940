package esdk

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

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// KMS is the AWS Encryption SDK's KMS keyring for one key: the data key
// comes from the key's GenerateDataKey (with the encryption context), and
// only who may call Decrypt with that key can read the message. It calls
// AWS KMS itself, so it needs a real AWS account and credentials allowed
// to use the key.
type KMS struct {
	// KeyARN is the key (arn:aws:kms:REGION:ACCOUNT:key/ID or an alias ARN).
	KeyARN string
	// Endpoint is the KMS endpoint; "" means https://kms.REGION.amazonaws.com
	// for the key's region.
	Endpoint string
	// Credentials sign the requests (SigV4, service kms).
	Credentials aws.Credentials
	// HTTPClient makes the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// GenerateDataKey asks KMS for a 256-bit data key under the key.
func (k KMS) GenerateDataKey(ctx context.Context, ec map[string]string) (DataKey, error) {
	parts := strings.Split(k.KeyARN, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "kms" || parts[3] == "" {
		return DataKey{}, fmt.Errorf("esdk: %q is not a KMS key ARN", k.KeyARN)
	}
	region := parts[3]
	endpoint := k.Endpoint
	if endpoint == "" {
		endpoint = "https://kms." + region + ".amazonaws.com"
	}
	body, err := json.Marshal(map[string]any{"KeyId": k.KeyARN, "KeySpec": "AES_256", "EncryptionContext": ec})
	if err != nil {
		return DataKey{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return DataKey{}, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService.GenerateDataKey")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, k.Credentials, req, hex.EncodeToString(sum[:]), "kms", region, time.Now()); err != nil {
		return DataKey{}, err
	}
	hc := k.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return DataKey{}, fmt.Errorf("esdk: KMS GenerateDataKey: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return DataKey{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return DataKey{}, fmt.Errorf("esdk: KMS GenerateDataKey: HTTP %d: %s", resp.StatusCode, raw)
	}
	var out struct {
		KeyID          string `json:"KeyId"`
		Plaintext      []byte `json:"Plaintext"`
		CiphertextBlob []byte `json:"CiphertextBlob"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return DataKey{}, fmt.Errorf("esdk: KMS GenerateDataKey: %w", err)
	}
	return DataKey{Plaintext: out.Plaintext, Encrypted: EncryptedDataKey{
		ProviderID: "aws-kms", ProviderInfo: []byte(out.KeyID), Ciphertext: out.CiphertextBlob,
	}}, nil
}
