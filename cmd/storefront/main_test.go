package main

import (
	"os"
	"testing"
)

// runAsBinaryEnv makes the test binary behave as the storefront binary (main with its arguments), so tests can
// start real server processes without building one.
const runAsBinaryEnv = "STOREFRONT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsBinaryEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
