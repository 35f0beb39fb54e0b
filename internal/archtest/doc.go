// Package archtest checks the shop's architecture rules with tests: each module touches only the tables it
// owns (named with its prefix), and module imports follow the dependency direction of ARCHITECTURE.md
// (platform ← intl ← account, catalog, inventory, pricing, landedcost ← cart ← checkout ← returns) without
// cycles.
package archtest
