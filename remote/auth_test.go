package remote

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The credential is picked as Azure tools pick it.
func TestTokenFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	noAz := func(string) (string, error) { return "", errors.New("not found") }
	withAz := func(string) (string, error) { return "/usr/bin/az", nil }
	ts, err := TokenFromEnv(env(map[string]string{"KQLHUNT_ACCESS_TOKEN": "a", "AZURE_ACCESS_TOKEN": "b", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"}), withAz)
	if err != nil || ts != StaticToken("a") {
		t.Errorf("KQLHUNT_ACCESS_TOKEN first: %v %v", ts, err)
	}
	ts, _ = TokenFromEnv(env(map[string]string{"AZURE_ACCESS_TOKEN": "b"}), withAz)
	if ts != StaticToken("b") {
		t.Errorf("AZURE_ACCESS_TOKEN: %v", ts)
	}
	ts, _ = TokenFromEnv(env(map[string]string{"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s", "AZURE_AUTHORITY_HOST": "https://login.example"}), withAz)
	if cc, ok := ts.(*ClientCredentials); !ok || cc.TenantID != "t" || cc.ClientID != "c" || cc.Authority != "https://login.example" {
		t.Errorf("service principal: %#v", ts)
	}
	ts, _ = TokenFromEnv(env(nil), withAz)
	if az, ok := ts.(*AzureCLI); !ok || az.Path != "/usr/bin/az" {
		t.Errorf("az: %#v", ts)
	}
	if _, err := TokenFromEnv(env(nil), noAz); err == nil || !strings.Contains(err.Error(), "az login") {
		t.Errorf("none: %v", err)
	}
}

// The client-credentials grant against a configurable authority; the
// token is cached per resource and used as the bearer token.
func TestClientCredentials(t *testing.T) {
	idp := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		serve(200, []byte(`{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"`+testToken+`"}`))(w, r, n)
	})
	// the fake decodes JSON bodies; read the form from a second server
	var form url.Values
	var path string
	formIdp := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	formIdp.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		r.ParseForm()
		form = r.PostForm
		idp.handle(w, r, 0)
	})
	svc := newFake(t, serve(200, fixture(t, "loganalytics_alltypes.json")))
	cc := &ClientCredentials{Authority: formIdp.srv.URL, TenantID: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555", ClientSecret: "the-secret"}
	e, _ := newEngine(t, LogAnalytics, svc, func(c *Config) { c.Token = cc })
	for range 2 {
		if _, err := e.Query(context.Background(), allTypesQuery(t)); err != nil {
			t.Fatal(err)
		}
	}
	if path != "/contoso.onmicrosoft.com/oauth2/v2.0/token" {
		t.Errorf("token path %q", path)
	}
	want := url.Values{"grant_type": {"client_credentials"}, "client_id": {cc.ClientID}, "client_secret": {"the-secret"}, "scope": {"https://api.loganalytics.io/.default"}}
	if diff := cmp.Diff(want, form); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
	for _, r := range svc.requests() {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
	}
	if got := cc.cache.secrets(); len(got) != 1 {
		t.Errorf("cached tokens %d, want 1 (one token request for two queries)", len(got))
	}
}

// The Azure CLI is asked for a token for the service's resource.
func TestAzureCLI(t *testing.T) {
	var gotArgs []string
	az := &AzureCLI{Path: "az", Run: func(ctx context.Context, path string, args ...string) ([]byte, []byte, error) {
		gotArgs = args
		return []byte(`{"accessToken":"` + testToken + `","expiresOn":"2099-01-01 00:00:00.000000","subscription":"s","tenant":"t","tokenType":"Bearer"}`), nil, nil
	}}
	svc := newFake(t, serve(200, fixture(t, "adx_v2_alltypes.json")))
	e, _ := newEngine(t, ADX, svc, func(c *Config) { c.Token = az })
	if _, err := e.Query(context.Background(), allTypesQuery(t)); err != nil {
		t.Fatal(err)
	}
	want := []string{"account", "get-access-token", "--resource", svc.srv.URL, "--output", "json"}
	if diff := cmp.Diff(want, gotArgs); diff != "" {
		t.Errorf("az args (-want +got):\n%s", diff)
	}
	if svc.requests()[0].Header.Get("Authorization") != "Bearer "+testToken {
		t.Error("the az token was not used")
	}
}
