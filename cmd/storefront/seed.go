package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"time"

	"storefront/internal/account"
	"storefront/internal/catalog"
	"storefront/internal/platform/actor"
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
	ctx = actor.With(ctx, actor.System)
	for _, u := range demoUsers {
		u.Password = demoPassword
		if _, err := a.accounts.EnsureUser(ctx, u); err != nil {
			return fmt.Errorf("seed user %s: %w", u.Email, err)
		}
	}
	if _, err := a.landedcost.SyncRuleFiles(ctx, false); err != nil {
		return err
	}
	if err := a.pricing.SeedDemoRates(ctx, time.Now()); err != nil {
		return fmt.Errorf("seed exchange rates: %w", err)
	}
	variants, err := a.catalog.SeedDemo(ctx)
	if err != nil {
		return err
	}
	var skus []string
	for _, v := range variants {
		skus = append(skus, v.SKU)
	}
	if err := a.pricing.SeedDemoPriceLists(ctx, skus); err != nil {
		return fmt.Errorf("seed price lists: %w", err)
	}
	return a.seedStock(ctx, variants)
}

// seedStock puts demo stock in the warehouses: every variant in the home warehouse in China, about a third
// also in Frankfurt and in Los Angeles (so EU and US shoppers see domestic sales), and a few sold out. Variants
// that already have stock are left alone, so seeding again changes nothing.
func (a *app) seedStock(ctx context.Context, variants []catalog.DemoVariant) error {
	warehouses, err := a.inventory.SeedDemoWarehouses(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]int64{}
	for _, w := range warehouses {
		byCode[w.Code] = w.ID
	}
	ids := make([]int64, len(variants))
	for i, v := range variants {
		ids[i] = v.ID
	}
	stock, err := a.inventory.Stock(ctx, ids)
	if err != nil {
		return err
	}
	for i, v := range variants {
		if len(stock[v.ID]) > 0 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(v.SKU))
		n := h.Sum32()
		if n%23 == 0 {
			continue // sold out everywhere
		}
		if err := a.inventory.Receive(ctx, v.ID, byCode["CN-SZX"], 20+int(n%180), "demo opening stock"); err != nil {
			return err
		}
		if i%3 == 0 {
			if err := a.inventory.Receive(ctx, v.ID, byCode["DE-FRA"], 5+int(n%40), "demo opening stock"); err != nil {
				return err
			}
		}
		if i%3 == 1 {
			if err := a.inventory.Receive(ctx, v.ID, byCode["US-LAX"], 5+int(n%40), "demo opening stock"); err != nil {
				return err
			}
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
