package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"storefront/internal/account"
	"storefront/internal/intl"
	"storefront/internal/platform/config"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
	"storefront/locales"
)

// cmdUser handles `user create --email E --role R [--name N] [--password-stdin]`. Without --password-stdin a
// strong password is generated and printed once.
func cmdUser(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("user: the only action is `user create --email E --role R`")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address (required)")
	role := fs.String("role", "", "shopper, merchant, ops or admin (required)")
	name := fs.String("name", "", "display name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	if *email == "" || *role == "" {
		return errors.New("user create: --email and --role are required")
	}
	r, err := account.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("user create: --role must be one of shopper, merchant, ops, admin (got %q)", *role)
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		b := make([]byte, 15)
		_, _ = rand.Read(b)
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	if err := cfg.CheckDatabase(); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc, err := account.NewService(pool, log)
	if err != nil {
		return err
	}
	u, err := svc.CreateUser(ctx, account.NewUser{Email: *email, Name: *name, Password: password, Role: r})
	if err != nil {
		if fe, ok := httpx.AsFieldErrors(err); ok {
			msgs, lerr := intl.LoadMessages(locales.FS)
			if lerr != nil {
				return lerr
			}
			var problems []string
			for _, e := range fe {
				problems = append(problems, "--"+e.Field+": "+msgs.Default().Message(e.MessageID, e.Data))
			}
			return fmt.Errorf("user create: %s", strings.Join(problems, "; "))
		}
		if errors.Is(err, account.ErrEmailTaken) {
			return fmt.Errorf("user create: %s already has an account", *email)
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s user %s (id %d)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once; the user can sign in at /admin/signin)\n", password)
	}
	return nil
}
