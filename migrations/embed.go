// Package migrations embeds the shop's schema migrations (golang-migrate format: NNNNNN_name.up.sql and
// .down.sql). Each module owns the tables named with its prefix (account_, catalog_, inventory_, …).
package migrations

import "embed"

// FS holds every migration file at its root.
//
//go:embed *.sql
var FS embed.FS
