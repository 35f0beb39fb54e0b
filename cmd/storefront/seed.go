package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"storefront/internal/account"
	"storefront/internal/platform/config"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// demoPassword is the password of every demo account; `make run` prints it with the logins.
const demoPassword = "demo-password"

// demoUsers are one login per role.
var demoUsers = []account.NewUser{
	{Email: "shopper@demo.shop", Name: "Sam Shopper", Role: account.RoleShopper},
	{Email: "merchant@demo.shop", Name: "Mia Merchant", Role: account.RoleMerchant},
	{Email: "ops@demo.shop", Name: "Oli Ops", Role: account.RoleOps},
	{Email: "admin@demo.shop", Name: "Ada Admin", Role: account.RoleAdmin},
}

func cmdSeed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "demo" {
		return errors.New("seed: the only seed is `seed demo`")
	}
	if err := cfg.CheckDatabase(); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := postgres.NewMigrator(pool, migrations.FS).Up(ctx); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, log, pool)
	if err != nil {
		return err
	}
	if err := a.seedDemo(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo shop seeded")
	printLogins(stdout)
	return nil
}

// seedDemo creates or refreshes the demo shop; running it again changes nothing.
func (a *app) seedDemo(ctx context.Context) error {
	for _, u := range demoUsers {
		u.Password = demoPassword
		if _, err := a.accounts.EnsureUser(ctx, u); err != nil {
			return fmt.Errorf("seed user %s: %w", u.Email, err)
		}
	}
	return nil
}

func printLogins(w io.Writer) {
	fmt.Fprintln(w, "demo logins (password: "+demoPassword+"):")
	for _, u := range demoUsers {
		fmt.Fprintf(w, "  %-9s %s\n", u.Role, u.Email)
	}
}
