package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != Development || c.ListenAddr != "127.0.0.1:8080" || c.DatabaseURL != "" ||
		!c.DemoData || !c.DevLogin || c.OIDC.RedirectURL != "http://127.0.0.1:8080/auth/callback" ||
		c.SMTP.Port != 587 || c.SMTP.TLS != "starttls" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.Zone == nil || c.Zone.String() != "Europe/Stockholm" {
		t.Errorf("zone = %v, want Europe/Stockholm", c.Zone)
	}
	if got := strings.Join(c.OIDC.Scopes, " "); got != "openid profile email" {
		t.Errorf("scopes = %q", got)
	}
}

func TestProductionRefusesDevelopmentSettings(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"APP_ENV":        "production",
		"BASE_URL":       "https://mobility.example.se",
		"SESSION_SECRET": strings.Repeat("s", 32),
		"OIDC_ISSUER":    "https://login.example.se",
		"OIDC_CLIENT_ID": "mobilityfund",
		"CONTACT_EMAIL":  "mobilitet@example.se",
		"SMTP_HOST":      "smtp.example.se",
	}
	c, err := Load(env(good))
	if err != nil {
		t.Fatalf("complete production settings refused: %v", err)
	}
	if c.DevLogin || c.DemoData {
		t.Fatalf("production defaults enable development features: %+v", c)
	}
	tests := []struct {
		name, key, value, wantMsg string
	}{
		{"DevLogin", "DEV_LOGIN", "true", "DEV_LOGIN is a development-only setting"},
		{"DemoData", "DEMO_DATA", "true", "DEMO_DATA is a development-only setting"},
		{"NoSessionSecret", "SESSION_SECRET", "", "SESSION_SECRET must be set"},
		{"ShortSessionSecret", "SESSION_SECRET", "short", "SESSION_SECRET must be set"},
		{"NoOIDC", "OIDC_ISSUER", "", "OIDC_ISSUER and OIDC_CLIENT_ID must be set"},
		{"PlainHTTP", "BASE_URL", "http://mobility.example.se", "BASE_URL must use https"},
		{"NoContactEmail", "CONTACT_EMAIL", "", "CONTACT_EMAIL must be set in production"},
		{"NoSMTPHost", "SMTP_HOST", "", "SMTP_HOST must be set in production"},
		{"PlainHTTPIssuer", "OIDC_ISSUER", "http://login.example.se", "OIDC_ISSUER must use https"},
		{"IssuerLookalike", "OIDC_ISSUER", "http://127.0.0.1.example.se", "OIDC_ISSUER must use https"},
		{"NoRateLimit", "AUTH_RATE_LIMIT", "0", "AUTH_RATE_LIMIT"},
		{"BadProxy", "TRUSTED_PROXIES", "10.0.0.0/8, proxy.example.se", "TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]string{}
			for k, v := range good {
				m[k] = v
			}
			m[tt.key] = tt.value
			_, err := Load(env(m))
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want it to say %q", err, tt.wantMsg)
			}
		})
	}
}

// TestProductionAcceptsLoopbackIssuer lets a provider on this machine
// speak plain http (tests, a sidecar); tokens never leave the host.
func TestProductionAcceptsLoopbackIssuer(t *testing.T) {
	t.Parallel()
	for _, issuer := range []string{"http://127.0.0.1:5556/dex", "http://localhost:8080/oidc", "http://[::1]:9000/"} {
		m := map[string]string{"APP_ENV": "production", "BASE_URL": "https://mobility.example.se",
			"SESSION_SECRET": strings.Repeat("s", 32), "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "mf",
			"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7", "CONTACT_EMAIL": "mobility@example.se", "SMTP_HOST": "smtp.example.se"}
		c, err := Load(env(m))
		if err != nil {
			t.Errorf("%s refused: %v", issuer, err)
		}
		if len(c.TrustedProxies) != 2 || c.AuthRateLimit != 60 {
			t.Errorf("proxies %v, rate limit %d", c.TrustedProxies, c.AuthRateLimit)
		}
	}
}

func TestInvalidValues(t *testing.T) {
	t.Parallel()
	_, err := Load(env(map[string]string{"APP_ENV": "staging", "SMTP_TLS": "ssl", "SMTP_PORT": "x", "DEV_LOGIN": "maybe", "BASE_URL": "localhost",
		"TIME_ZONE": "Europe/Örebro"}))
	if err == nil {
		t.Fatal("invalid values accepted")
	}
	for _, want := range []string{"APP_ENV", "SMTP_TLS", "SMTP_PORT", "DEV_LOGIN", "BASE_URL", "TIME_ZONE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestVariablesAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range Variables() {
		if seen[v.Name] || v.Description == "" {
			t.Errorf("variable %s is listed twice or undocumented", v.Name)
		}
		seen[v.Name] = true
	}
}

// TestProductionNamesEveryMissingSetting: one start-up tells the operator
// everything that is missing, each by name.
func TestProductionNamesEveryMissingSetting(t *testing.T) {
	t.Parallel()
	_, err := Load(env(map[string]string{"APP_ENV": "production"}))
	if err == nil {
		t.Fatal("production without settings started")
	}
	for _, want := range []string{"SESSION_SECRET", "OIDC_ISSUER", "BASE_URL", "CONTACT_EMAIL", "SMTP_HOST"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestTimeZone(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"TIME_ZONE": "Europe/Helsinki"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Zone.String() != "Europe/Helsinki" {
		t.Errorf("zone = %v", c.Zone)
	}
}
