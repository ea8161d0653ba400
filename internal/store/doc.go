// Package store is the database of the review application (nipt review):
// accounts and sessions, imported batches of disclosure-filtered results,
// sign-offs, and an append-only, hash-chained audit trail. The default
// store is an embedded SQLite file (modernc.org/sqlite, no cgo).
package store
