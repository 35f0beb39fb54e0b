package config

import (
	"log/slog"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAndValidation(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.BaseCurrency != "USD" || c.Secure() {
		t.Errorf("defaults: %+v", c)
	}
	if err := c.CheckServer(); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("serving without a database: %v", err)
	}
	_, err = Load(env(map[string]string{"BASE_URL": "ftp://x", "SESSION_KEY": "short", "LOG_LEVEL": "loud",
		"DATABASE_URL": "mysql://x", "STRIPE_SECRET_KEY": "sk_test_1"}))
	for _, want := range []string{"BASE_URL", "SESSION_KEY", "LOG_LEVEL", "DATABASE_URL", "STRIPE_WEBHOOK_SECRET"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestSecretsAreMaskedInTheLog(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DATABASE_URL": "postgres://shop:hunter2@db:5432/shop", "SESSION_KEY": strings.Repeat("k", 40),
		"STRIPE_SECRET_KEY": "sk_live_secret", "STRIPE_WEBHOOK_SECRET": "whsec_secret", "BASE_URL": "https://shop.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Secure() {
		t.Error("https base URL must be secure")
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("start", "config", c)
	out := b.String()
	for _, secret := range []string{"hunter2", "kkkkkkkk", "sk_live_secret", "whsec_secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line leaks %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "db:5432") {
		t.Errorf("log line should keep the database host: %s", out)
	}
}
