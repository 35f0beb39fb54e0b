package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"storefront/internal/platform/pgtest"
)

func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &bytes.Buffer{})
	return out.String(), err
}

func TestMigrateAndUserCommands(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "LOG_LEVEL": "error", "BLOB_DIR": t.TempDir()}
	out, err := runCmd(t, env, "", "migrate", "version")
	if err != nil || !strings.Contains(out, "schema at version 0 of") {
		t.Fatalf("version on an empty database: %q %v", out, err)
	}
	if out, err = runCmd(t, env, "", "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	if _, err = runCmd(t, env, "", "migrate", "down", "x"); err == nil || !strings.Contains(err.Error(), "not a positive number") {
		t.Errorf("migrate down x: %v", err)
	}
	if out, err = runCmd(t, env, "", "user", "create", "--email", "boss@example.com", "--role", "admin"); err != nil ||
		!strings.Contains(out, "created admin user boss@example.com") || !strings.Contains(out, "password: ") {
		t.Fatalf("user create: %q %v", out, err)
	}
	_, err = runCmd(t, env, "", "user", "create", "--email", "boss@example.com", "--role", "ops")
	if err == nil || !strings.Contains(err.Error(), "already has an account") {
		t.Errorf("duplicate user: %v", err)
	}
	_, err = runCmd(t, env, "short\n", "user", "create", "--email", "x@example.com", "--role", "ops", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "--password: The password must have at least 10 characters") {
		t.Errorf("short password: %v", err)
	}
	_, err = runCmd(t, env, "", "user", "create", "--email", "x@example.com", "--role", "king")
	if err == nil || !strings.Contains(err.Error(), "--role must be one of") {
		t.Errorf("bad role: %v", err)
	}
	if out, err = runCmd(t, env, "", "seed", "demo"); err != nil || !strings.Contains(out, "admin@demo.shop") {
		t.Fatalf("seed demo: %q %v", out, err)
	}
	if _, err = runCmd(t, env, "", "seed", "demo"); err != nil {
		t.Fatalf("second seed demo: %v", err)
	}
}

func TestServeExplainsMissingConfiguration(t *testing.T) {
	t.Parallel()
	_, err := runCmd(t, map[string]string{}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
		t.Errorf("serve without a database: %v", err)
	}
	_, err = runCmd(t, map[string]string{"DATABASE_URL": "postgres://x@localhost/x"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "SESSION_KEY") {
		t.Errorf("serve without a session key: %v", err)
	}
	_, err = runCmd(t, map[string]string{}, "", "frobnicate")
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
}
