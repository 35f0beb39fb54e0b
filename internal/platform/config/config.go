// Package config reads the storefront's configuration once, from environment variables, into one struct that
// the command passes down. Nothing else in the program reads the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a storefront process.
type Config struct {
	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL).
	DatabaseURL string
	// HTTPAddr is the listen address (HTTP_ADDR, default ":8080").
	HTTPAddr string
	// BaseURL is the public origin of the shop, used for absolute links, canonical URLs and cookie security
	// (BASE_URL, default "http://localhost:8080").
	BaseURL *url.URL
	// SessionKey signs CSRF tokens and guest links (SESSION_KEY, at least 32 characters). Every instance
	// behind one load balancer must share it.
	SessionKey []byte
	// StripeSecretKey enables Stripe Checkout when set (STRIPE_SECRET_KEY).
	StripeSecretKey string
	// StripeWebhookSecret verifies webhook signatures (STRIPE_WEBHOOK_SECRET).
	StripeWebhookSecret string
	// StripeAPIBase points the Stripe client elsewhere, e.g. at stripe-mock (STRIPE_API_BASE).
	StripeAPIBase string
	// LogLevel is debug, info, warn or error (LOG_LEVEL, default info).
	LogLevel slog.Level
	// BlobDir is where uploaded images are stored (BLOB_DIR, default ".data/blobs").
	BlobDir string
	// SMTPURL sends e-mail when set, e.g. smtp://user:pass@host:587 (SMTP_URL); otherwise mail stays in the
	// outbox, viewable by admins.
	SMTPURL string
	// MailFrom is the sender address of shop e-mail (MAIL_FROM).
	MailFrom string
	// BaseCurrency is the merchant's currency for base prices (BASE_CURRENCY, default USD).
	BaseCurrency string
	// FXMaxAge is how old the newest exchange rate may be before the admin warns (FX_MAX_AGE, default 48h).
	FXMaxAge time.Duration
	// Demo enables the demo-only test payment method (DEMO=1).
	Demo bool
	// BenchEndpoints serves the load test's reference page and Go profiles under /bench/ (BENCH_ENDPOINTS=1);
	// never set it in production.
	BenchEndpoints bool
	// Registrations are the seller's low-value VAT/GST registrations (SELLER_REGISTRATIONS, comma-separated:
	// EU_IOSS, UK_VAT, AU_GST, NZ_GST, NO_VOEC, SG_OVR, CH_VAT), which decide whether import tax is collected at
	// checkout under those schemes.
	Registrations []string
	// ShutdownTimeout bounds how long in-flight requests may take to finish on SIGTERM (SHUTDOWN_TIMEOUT,
	// default 15s).
	ShutdownTimeout time.Duration
}

// Secure reports whether the shop is served over https, which turns on Secure cookies and HSTS.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// StripeEnabled reports whether card payments through Stripe Checkout are configured.
func (c Config) StripeEnabled() bool { return c.StripeSecretKey != "" }

// Load reads the configuration with getenv and validates it. All problems are reported together, one per line,
// each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}

	c := Config{
		DatabaseURL:         get("DATABASE_URL", ""),
		HTTPAddr:            get("HTTP_ADDR", ":8080"),
		StripeSecretKey:     get("STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret: get("STRIPE_WEBHOOK_SECRET", ""),
		StripeAPIBase:       get("STRIPE_API_BASE", ""),
		BlobDir:             get("BLOB_DIR", ".data/blobs"),
		SMTPURL:             get("SMTP_URL", ""),
		MailFrom:            get("MAIL_FROM", "shop@localhost"),
		BaseCurrency:        strings.ToUpper(get("BASE_CURRENCY", "USD")),
	}

	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("DATABASE_URL must be a postgres:// URL")
		}
	}

	base, err := url.Parse(get("BASE_URL", "http://localhost:8080"))
	switch {
	case err != nil:
		bad("BASE_URL is not a URL: %v", err)
	case base.Scheme != "http" && base.Scheme != "https":
		bad("BASE_URL must start with http:// or https://")
	case base.Host == "":
		bad("BASE_URL needs a host, e.g. https://shop.example.com")
	default:
		base.Path = strings.TrimSuffix(base.Path, "/")
		c.BaseURL = base
	}

	if key := get("SESSION_KEY", ""); key != "" {
		if len(key) < 32 {
			bad("SESSION_KEY must be at least 32 characters (generate one with: openssl rand -hex 32)")
		}
		c.SessionKey = []byte(key)
	}

	if c.StripeSecretKey != "" && c.StripeWebhookSecret == "" {
		bad("STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is: webhooks cannot be verified without it")
	}
	if c.StripeAPIBase != "" {
		if u, err := url.Parse(c.StripeAPIBase); err != nil || u.Host == "" {
			bad("STRIPE_API_BASE must be a URL such as http://localhost:12111")
		}
	}

	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		bad("LOG_LEVEL must be debug, info, warn or error")
	}
	if len(c.BaseCurrency) != 3 {
		bad("BASE_CURRENCY must be an ISO 4217 code such as USD")
	}
	if c.FXMaxAge, err = time.ParseDuration(get("FX_MAX_AGE", "48h")); err != nil || c.FXMaxAge <= 0 {
		bad("FX_MAX_AGE must be a positive duration such as 48h")
	}
	if c.ShutdownTimeout, err = time.ParseDuration(get("SHUTDOWN_TIMEOUT", "15s")); err != nil || c.ShutdownTimeout <= 0 {
		bad("SHUTDOWN_TIMEOUT must be a positive duration such as 15s")
	}
	for _, r := range strings.Split(get("SELLER_REGISTRATIONS", "EU_IOSS,UK_VAT,AU_GST,NZ_GST,NO_VOEC,SG_OVR"), ",") {
		r = strings.ToUpper(strings.TrimSpace(r))
		switch r {
		case "":
		case "EU_IOSS", "UK_VAT", "AU_GST", "NZ_GST", "NO_VOEC", "SG_OVR", "CH_VAT":
			c.Registrations = append(c.Registrations, r)
		default:
			bad("SELLER_REGISTRATIONS: unknown registration %q (EU_IOSS, UK_VAT, AU_GST, NZ_GST, NO_VOEC, SG_OVR, CH_VAT)", r)
		}
	}
	if c.Demo, err = parseBool(get("DEMO", "false")); err != nil {
		bad("DEMO must be true or false")
	}
	if c.BenchEndpoints, err = parseBool(get("BENCH_ENDPOINTS", "false")); err != nil {
		bad("BENCH_ENDPOINTS must be true or false")
	}

	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// CheckDatabase reports a clear error when the command needs a database and none is configured.
func (c Config) CheckDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("configuration: DATABASE_URL is not set: give a PostgreSQL URL such as " +
			"postgres://user:pass@localhost:5432/shop (make run starts a local database for you)")
	}
	return nil
}

// CheckServer reports what serving the shop needs and is missing: a database and a session key shared by every
// instance (a key generated at start would log everyone out on restart and break CSRF tokens across instances).
func (c Config) CheckServer() error {
	if err := c.CheckDatabase(); err != nil {
		return err
	}
	if len(c.SessionKey) == 0 {
		return errors.New("configuration: SESSION_KEY is not set: generate one with `openssl rand -hex 32` " +
			"and give every instance the same key")
	}
	return nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	return strconv.ParseBool(s)
}

// LogValue renders the configuration for the start-up log with every secret masked.
func (c Config) LogValue() slog.Value {
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.String()
	}
	return slog.GroupValue(
		slog.String("database_url", maskURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("base_url", base),
		slog.String("session_key", mask(string(c.SessionKey))),
		slog.String("stripe_secret_key", mask(c.StripeSecretKey)),
		slog.String("stripe_webhook_secret", mask(c.StripeWebhookSecret)),
		slog.String("stripe_api_base", c.StripeAPIBase),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("blob_dir", c.BlobDir),
		slog.String("smtp_url", maskURL(c.SMTPURL)),
		slog.String("mail_from", c.MailFrom),
		slog.String("base_currency", c.BaseCurrency),
		slog.String("fx_max_age", c.FXMaxAge.String()), // as written in the environment, not in nanoseconds
		slog.Any("registrations", c.Registrations),
		slog.Bool("demo", c.Demo),
		slog.Bool("bench_endpoints", c.BenchEndpoints),
		slog.String("shutdown_timeout", c.ShutdownTimeout.String()),
	)
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "********"
}

// maskURL hides the password of a URL but keeps host and database, which are what one needs to debug.
func maskURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "********"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
