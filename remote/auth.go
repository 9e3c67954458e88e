package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// TokenSource gives an OAuth access token for a resource (the service's
// audience, e.g. https://api.loganalytics.io). Tokens are kept in memory
// only.
type TokenSource interface {
	Token(ctx context.Context, resource string) (string, error)
	// Secrets are the texts that must never appear in an error: the
	// tokens handed out and any client secret.
	Secrets() []string
}

// StaticToken is an access token given by the user (KQLHUNT_ACCESS_TOKEN
// or AZURE_ACCESS_TOKEN); it is used for every resource.
type StaticToken string

// Token returns the token.
func (t StaticToken) Token(context.Context, string) (string, error) { return string(t), nil }

// Secrets returns the token.
func (t StaticToken) Secrets() []string { return []string{string(t)} }

// cache keeps tokens per resource until shortly before they expire.
type cache struct {
	mu     sync.Mutex
	tokens map[string]cached
}

type cached struct {
	token   string
	expires time.Time
}

func (c *cache) get(resource string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[resource]
	if !ok || time.Until(t.expires) < 2*time.Minute {
		return "", false
	}
	return t.token, true
}

func (c *cache) put(resource, token string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens == nil {
		c.tokens = map[string]cached{}
	}
	c.tokens[resource] = cached{token, expires}
}

func (c *cache) secrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s []string
	for _, t := range c.tokens {
		s = append(s, t.token)
	}
	return s
}

// AzureCLI gets tokens from the Azure CLI's signed-in account:
// az account get-access-token --resource RESOURCE --output json.
type AzureCLI struct {
	Path string // the az program
	// Run runs the program; nil runs it for real. Tests replace it.
	Run   func(ctx context.Context, path string, args ...string) (stdout, stderr []byte, err error)
	cache cache
}

// Token returns a token for resource from az.
func (a *AzureCLI) Token(ctx context.Context, resource string) (string, error) {
	if t, ok := a.cache.get(resource); ok {
		return t, nil
	}
	run := a.Run
	if run == nil {
		run = runProgram
	}
	out, errOut, err := run(ctx, a.Path, "account", "get-access-token", "--resource", resource, "--output", "json")
	if err != nil {
		msg := strings.TrimSpace(string(errOut))
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("az account get-access-token: %s (sign in with az login)", redactJWTs(msg))
	}
	var r struct {
		AccessToken string `json:"accessToken"`
		ExpiresOn   string `json:"expiresOn"`
		ExpiresOnTS int64  `json:"expires_on"`
	}
	if err := json.Unmarshal(out, &r); err != nil || r.AccessToken == "" {
		return "", errors.New("az account get-access-token: no accessToken in its output")
	}
	exp := time.Now().Add(5 * time.Minute)
	if r.ExpiresOnTS > 0 {
		exp = time.Unix(r.ExpiresOnTS, 0)
	} else if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", r.ExpiresOn, time.Local); err == nil {
		exp = t
	}
	a.cache.put(resource, r.AccessToken, exp)
	return r.AccessToken, nil
}

// Secrets returns the tokens az gave.
func (a *AzureCLI) Secrets() []string { return a.cache.secrets() }

func runProgram(ctx context.Context, path string, args ...string) ([]byte, []byte, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return []byte(out.String()), []byte(errOut.String()), err
}

// DefaultAuthority is Microsoft Entra ID's public cloud authority.
const DefaultAuthority = "https://login.microsoftonline.com"

// ClientCredentials gets tokens for a service principal with the OAuth
// client-credentials grant: POST {Authority}/{TenantID}/oauth2/v2.0/token
// with scope RESOURCE/.default.
type ClientCredentials struct {
	Authority    string // default DefaultAuthority (AZURE_AUTHORITY_HOST)
	TenantID     string
	ClientID     string
	ClientSecret string
	HTTPClient   *http.Client
	cache        cache
}

// Token returns a token for resource from the token endpoint.
func (c *ClientCredentials) Token(ctx context.Context, resource string) (string, error) {
	if t, ok := c.cache.get(resource); ok {
		return t, nil
	}
	authority := strings.TrimRight(c.Authority, "/")
	if authority == "" {
		authority = DefaultAuthority
	}
	endpoint := authority + "/" + url.PathEscape(c.TenantID) + "/oauth2/v2.0/token"
	if err := checkScheme(endpoint); err != nil {
		return "", fmt.Errorf("token endpoint: %w", err)
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.ClientID},
		"client_secret": {c.ClientSecret},
		"scope":         {strings.TrimRight(resource, "/") + "/.default"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := noRedirects(c.HTTPClient).Do(req)
	if err != nil {
		return "", fmt.Errorf("token endpoint: %s", redactText(err.Error(), c.Secrets()))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("token endpoint: reading the answer: %w", err)
	}
	var r struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &r)
	if resp.StatusCode != http.StatusOK || r.AccessToken == "" {
		msg := r.Error
		if r.Description != "" {
			msg += ": " + r.Description
		}
		if msg == "" {
			msg = strings.TrimSpace(truncateText(string(body), 200))
		}
		return "", fmt.Errorf("token endpoint: HTTP %d: %s", resp.StatusCode, redactText(msg, c.Secrets()))
	}
	if r.ExpiresIn <= 0 {
		r.ExpiresIn = 300
	}
	c.cache.put(resource, r.AccessToken, time.Now().Add(time.Duration(r.ExpiresIn)*time.Second))
	return r.AccessToken, nil
}

// Secrets returns the client secret and the tokens handed out.
func (c *ClientCredentials) Secrets() []string {
	return append([]string{c.ClientSecret}, c.cache.secrets()...)
}

// TokenFromEnv picks the credential the way Azure tools do, from the
// environment getenv reads:
//
//  1. an access token: KQLHUNT_ACCESS_TOKEN, else AZURE_ACCESS_TOKEN;
//  2. a service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID and
//     AZURE_CLIENT_SECRET (authority AZURE_AUTHORITY_HOST, default
//     login.microsoftonline.com);
//  3. the Azure CLI's account, when az is on the PATH (lookPath finds it).
func TokenFromEnv(getenv func(string) string, lookPath func(string) (string, error)) (TokenSource, error) {
	for _, k := range []string{"KQLHUNT_ACCESS_TOKEN", "AZURE_ACCESS_TOKEN"} {
		if t := strings.TrimSpace(getenv(k)); t != "" {
			return StaticToken(t), nil
		}
	}
	tenant, id, secret := getenv("AZURE_TENANT_ID"), getenv("AZURE_CLIENT_ID"), getenv("AZURE_CLIENT_SECRET")
	if tenant != "" && id != "" && secret != "" {
		return &ClientCredentials{Authority: getenv("AZURE_AUTHORITY_HOST"), TenantID: tenant, ClientID: id, ClientSecret: secret}, nil
	}
	if lookPath != nil {
		if p, err := lookPath("az"); err == nil {
			return &AzureCLI{Path: p}, nil
		}
	}
	return nil, errors.New("no Azure credentials: set KQLHUNT_ACCESS_TOKEN (or AZURE_ACCESS_TOKEN), or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal, or install the Azure CLI and run az login")
}
