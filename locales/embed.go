// Package locales embeds the shop's message files: locales/{language}/{module}.json, one file per module and
// language, in go-i18n's JSON format (message ID → text, or → plural forms). English is the reference: every
// other language must carry every ID English has (a test checks).
package locales

import "embed"

// FS holds locales/{language}/{module}.json.
//
//go:embed */*.json
var FS embed.FS
