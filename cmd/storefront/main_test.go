package main

import (
	"fmt"
	"os"
	"testing"

	"storefront/internal/platform/pgtest"
)

// runAsBinaryEnv makes the test binary behave as the storefront binary (main with its arguments), so tests can
// start real server processes without building one.
const runAsBinaryEnv = "STOREFRONT_TEST_RUN_MAIN"

// seededBlobs holds the demo images of the seeded database every seededShop is cloned from.
var seededBlobs string

func TestMain(m *testing.M) {
	if os.Getenv(runAsBinaryEnv) == "1" {
		main()
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "storefront-seeded-blobs-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	seededBlobs = dir
	code := m.Run()
	pgtest.DropDerived()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
