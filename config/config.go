// Package config reads the application's settings from environment
// variables. It is the only place that knows their names and defaults.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Environment names the mode the application runs in.
type Environment string

// The two modes. Development enables the demo data and the development
// sign-in; production refuses every development-only setting.
const (
	Development Environment = "development"
	Production  Environment = "production"
)

// Variable documents one environment variable the application reads.
type Variable struct {
	Name        string
	Default     string
	Description string
}

// Variables lists every environment variable the application reads, in the
// order the README documents them. A test keeps the README and
// docker-compose.yml in step with this list.
func Variables() []Variable {
	return []Variable{
		{"APP_ENV", "development", "`development` (demo data, development sign-in) or `production`."},
		{"DATABASE_URL", "", "Empty: a SQLite file under `./data/`. `postgres://…`: PostgreSQL. `sqlite://PATH`: a SQLite file at PATH."},
		{"LISTEN_ADDR", "127.0.0.1:8080", "Address the web server listens on."},
		{"BASE_URL", "http://127.0.0.1:8080", "Public address of the application, used in links in email and for the OIDC redirect."},
		{"DEMO_DATA", "true in development", "Load the demo units, users and applications on start-up (`true`/`false`). Not allowed in production."},
		{"DEV_LOGIN", "true in development", "Offer the development sign-in page listing the demo users. Not allowed in production."},
		{"SESSION_SECRET", "", "Secret that keys the session-id hash and seals the sign-in cookie, at least 32 characters. Required in production; development uses a random one per start."},
		{"OIDC_ISSUER", "", "Issuer URL of the university's OpenID Connect provider (discovery). Required in production."},
		{"OIDC_CLIENT_ID", "", "Client ID registered with the provider."},
		{"OIDC_CLIENT_SECRET", "", "Client secret registered with the provider."},
		{"OIDC_REDIRECT_URL", "BASE_URL + /auth/callback", "Redirect URL registered with the provider."},
		{"OIDC_SCOPES", "openid profile email", "Scopes requested at sign-in, separated by spaces."},
		{"OIDC_CLAIM_EMAIL", "email", "ID-token claim that holds the email address."},
		{"OIDC_CLAIM_NAME", "name", "ID-token claim that holds the display name."},
		{"OIDC_CLAIM_GROUPS", "", "ID-token claim that holds group names (mapped to roles by OIDC_GROUP_ROLES)."},
		{"OIDC_GROUP_ROLES", "", "Group-to-role mapping, `group=role[@UNITCODE]` separated by commas."},
		{"OIDC_CLAIM_UNIT", "", "ID-token claim that holds the person's org unit code (membership)."},
		{"OIDC_GROUPS_REFRESH_MINUTES", "15", "How often, at most, the groups of a signed-in person are read again from the provider (refresh token, else userinfo) while their session lives; `0`: only at sign-in."},
		{"AUTH_RATE_LIMIT", "60", "Requests a minute that one client address may make to `/auth/*` and `/login/dev`; more get 429."},
		{"TRUSTED_PROXIES", "", "Addresses or CIDR ranges of reverse proxies whose `X-Forwarded-For` names the client (for rate limits and logs). Empty: the peer address is the client."},
		{"SMTP_HOST", "", "SMTP server. Empty: mail is written to the log and the development mailbox."},
		{"SMTP_PORT", "587", "SMTP port."},
		{"SMTP_USERNAME", "", "SMTP user name (empty: no authentication)."},
		{"SMTP_PASSWORD", "", "SMTP password."},
		{"SMTP_FROM", "Mobility Fund <noreply@localhost>", "Sender of notification mail."},
		{"SMTP_TLS", "starttls", "`starttls`, `tls` or `none`."},
		{"CONTACT_EMAIL", "the address in SMTP_FROM", "Where people write about the service, named in the accessibility statement. Required in production."},
		{"TIME_ZONE", "Europe/Stockholm", "The university's time zone (IANA name): every date shown, every deadline and every year of a call, report or follow-up is reckoned in it."},
		{"PERSONAL_DATA_RETENTION", "24m", "How long a person may be inactive before `mobilityfund pseudonymise` replaces their name and email: months (`24m`) or years (`2y`), at least one month."},
	}
}

// Config holds every setting. It is built once by Load and passed down;
// nothing reads the environment after start-up.
type Config struct {
	Env         Environment
	DatabaseURL string
	ListenAddr  string
	BaseURL     string
	DemoData    bool
	DevLogin    bool

	SessionSecret string
	// ContactEmail is where people write about the service.
	ContactEmail string
	// Zone is the university's time zone (TIME_ZONE): the calendar that
	// dates, deadlines and years are reckoned in.
	Zone *time.Location

	// Retention is how long a person may be inactive before their name
	// and email are pseudonymised (PERSONAL_DATA_RETENTION).
	Retention Retention

	// AuthRateLimit is how many requests a minute one client address
	// may make to the sign-in routes.
	AuthRateLimit int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; none by default, so that no client can name itself.
	TrustedProxies []string

	OIDC OIDC
	SMTP SMTP
}

// Retention is a period of inactivity in whole months.
type Retention struct{ Months int }

// DefaultRetention is two years: a person who has neither signed in nor
// done anything for that long is no longer part of the fund's work, while
// a yearly call, its decisions and its reports all fall well within it.
var DefaultRetention = Retention{Months: 24}

// ParseRetention reads a retention such as "24m", "24 months", "2y" or
// "2 years". It returns an error for anything else, or less than a month.
func ParseRetention(s string) (Retention, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 {
		return Retention{}, fmt.Errorf("must be months or years such as 24m or 2y, not %q", s)
	}
	n, err := strconv.Atoi(t[:i])
	unit := strings.TrimSpace(t[i:])
	switch {
	case err != nil || n < 1 || n > 1200:
		return Retention{}, fmt.Errorf("must be between 1 month and 100 years, not %q", s)
	case unit == "m" || unit == "month" || unit == "months":
		return Retention{Months: n}, nil
	case (unit == "y" || unit == "year" || unit == "years") && n <= 100:
		return Retention{Months: 12 * n}, nil
	}
	return Retention{}, fmt.Errorf("must be months or years such as 24m or 2y, not %q", s)
}

// Cutoff is the moment before which a person last active is inactive
// longer than the retention, at now.
func (r Retention) Cutoff(now time.Time) time.Time { return now.AddDate(0, -r.Months, 0) }

// String writes the retention as PERSONAL_DATA_RETENTION accepts it.
func (r Retention) String() string {
	if r.Months%12 == 0 {
		return strconv.Itoa(r.Months/12) + "y"
	}
	return strconv.Itoa(r.Months) + "m"
}

// OIDC holds the single sign-on settings.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string
	ClaimEmail   string
	ClaimName    string
	ClaimGroups  string
	GroupRoles   string
	ClaimUnit    string
	// GroupsRefresh is how often, at most, a session's groups are read
	// again from the provider; 0 for only at sign-in.
	GroupsRefresh time.Duration
}

// SMTP holds the mail delivery settings.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string
}

// Production reports whether the application runs in production mode.
func (c Config) Production() bool { return c.Env == Production }

// Load builds the configuration from getenv (os.Getenv in main, a map in
// tests). It returns an error that names every invalid or, in production,
// every development-only setting.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var problems []string
	var err error
	c := Config{
		Env:           Environment(get("APP_ENV", string(Development))),
		DatabaseURL:   get("DATABASE_URL", ""),
		ListenAddr:    get("LISTEN_ADDR", "127.0.0.1:8080"),
		BaseURL:       strings.TrimRight(get("BASE_URL", "http://127.0.0.1:8080"), "/"),
		SessionSecret: getenv("SESSION_SECRET"),
		ContactEmail:  getenv("CONTACT_EMAIL"),
	}
	zone := get("TIME_ZONE", "Europe/Stockholm")
	if c.Zone, err = time.LoadLocation(zone); err != nil {
		problems = append(problems, fmt.Sprintf("TIME_ZONE must be a time zone name such as Europe/Stockholm, not %q", zone))
		c.Zone = time.UTC
	}
	if c.Env != Development && c.Env != Production {
		problems = append(problems, fmt.Sprintf("APP_ENV must be %q or %q, not %q", Development, Production, c.Env))
	}
	dev := c.Env == Development
	if c.DemoData, err = parseBool(get("DEMO_DATA", strconv.FormatBool(dev))); err != nil {
		problems = append(problems, "DEMO_DATA: "+err.Error())
	}
	if c.DevLogin, err = parseBool(get("DEV_LOGIN", strconv.FormatBool(dev))); err != nil {
		problems = append(problems, "DEV_LOGIN: "+err.Error())
	}
	if c.Retention, err = ParseRetention(get("PERSONAL_DATA_RETENTION", DefaultRetention.String())); err != nil {
		problems = append(problems, "PERSONAL_DATA_RETENTION: "+err.Error())
	}
	if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		problems = append(problems, fmt.Sprintf("BASE_URL must be an absolute URL such as https://mobility.example.se, not %q", c.BaseURL))
	}

	c.OIDC = OIDC{
		Issuer:       get("OIDC_ISSUER", ""),
		ClientID:     get("OIDC_CLIENT_ID", ""),
		ClientSecret: getenv("OIDC_CLIENT_SECRET"),
		RedirectURL:  get("OIDC_REDIRECT_URL", c.BaseURL+"/auth/callback"),
		Scopes:       strings.Fields(get("OIDC_SCOPES", "openid profile email")),
		ClaimEmail:   get("OIDC_CLAIM_EMAIL", "email"),
		ClaimName:    get("OIDC_CLAIM_NAME", "name"),
		ClaimGroups:  get("OIDC_CLAIM_GROUPS", ""),
		GroupRoles:   get("OIDC_GROUP_ROLES", ""),
		ClaimUnit:    get("OIDC_CLAIM_UNIT", ""),
	}
	if n, err := strconv.Atoi(get("OIDC_GROUPS_REFRESH_MINUTES", "15")); err != nil || n < 0 {
		problems = append(problems, "OIDC_GROUPS_REFRESH_MINUTES must be a number of minutes (0: only at sign-in)")
	} else {
		c.OIDC.GroupsRefresh = time.Duration(n) * time.Minute
	}
	if c.AuthRateLimit, err = strconv.Atoi(get("AUTH_RATE_LIMIT", "60")); err != nil || c.AuthRateLimit <= 0 {
		problems = append(problems, "AUTH_RATE_LIMIT must be a positive number of requests a minute")
	}
	for p := range strings.SplitSeq(get("TRUSTED_PROXIES", ""), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			problems = append(problems, fmt.Sprintf("TRUSTED_PROXIES: %q is neither an address nor a CIDR range", p))
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.SMTP = SMTP{
		Host:     get("SMTP_HOST", ""),
		Username: get("SMTP_USERNAME", ""),
		Password: getenv("SMTP_PASSWORD"),
		From:     get("SMTP_FROM", "Mobility Fund <noreply@localhost>"),
		TLS:      get("SMTP_TLS", "starttls"),
	}
	if c.SMTP.Port, err = strconv.Atoi(get("SMTP_PORT", "587")); err != nil || c.SMTP.Port <= 0 || c.SMTP.Port > 65535 {
		problems = append(problems, "SMTP_PORT must be a port number")
	}
	switch c.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		problems = append(problems, fmt.Sprintf("SMTP_TLS must be starttls, tls or none, not %q", c.SMTP.TLS))
	}

	if c.Production() {
		problems = append(problems, c.productionProblems()...)
	}
	if len(problems) > 0 {
		return c, errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

// productionProblems names every development-only setting that production
// must not run with.
func (c Config) productionProblems() []string {
	var p []string
	if c.DevLogin {
		p = append(p, "DEV_LOGIN is a development-only setting; unset it or set it to false in production")
	}
	if c.DemoData {
		p = append(p, "DEMO_DATA is a development-only setting; unset it or set it to false in production")
	}
	if len(c.SessionSecret) < 32 {
		p = append(p, "SESSION_SECRET must be set to at least 32 characters in production")
	}
	if c.OIDC.Issuer == "" || c.OIDC.ClientID == "" {
		p = append(p, "OIDC_ISSUER and OIDC_CLIENT_ID must be set in production (single sign-on is the only sign-in there)")
	}
	if !strings.HasPrefix(c.BaseURL, "https://") {
		p = append(p, "BASE_URL must use https in production (session cookies are Secure)")
	}
	if c.ContactEmail == "" {
		p = append(p, "CONTACT_EMAIL must be set in production (the accessibility statement names a real address to write to)")
	}
	if c.SMTP.Host == "" {
		p = append(p, "SMTP_HOST must be set in production (without it no notification reaches anyone)")
	}
	if c.OIDC.Issuer != "" && !secureIssuer(c.OIDC.Issuer) {
		p = append(p, "OIDC_ISSUER must use https in production (only a loopback address may use http)")
	}
	return p
}

// secureIssuer reports whether tokens from issuer travel protected: over
// https, or over http to this machine only (a provider in a test, or a
// sidecar reached on loopback).
func secureIssuer(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("must be true or false, not %q", s)
	}
	return b, nil
}

// Timeouts used by the HTTP server; not configurable because no
// deployment has needed other values. A request must arrive whole within
// ReadTimeout (a 10 MB attachment on a slow line included), its answer
// within WriteTimeout (the largest export included), and an idle
// keep-alive connection is closed after IdleTimeout.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 2 * time.Minute
	WriteTimeout      = 5 * time.Minute
	IdleTimeout       = 2 * time.Minute
	ShutdownTimeout   = 20 * time.Second
)
