// Package migrations holds Stepwise's versioned SQL migrations, embedded in
// the binary, and applies them together with River's own migrations.
package migrations

import (
	"embed"
)

// Files holds the migration files NNNN_name.up.sql and NNNN_name.down.sql.
//
//go:embed *.sql
var Files embed.FS
