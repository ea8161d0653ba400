package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL, for a shared server
	_ "modernc.org/sqlite"             // the embedded default store
)

// schemaVersion is stored in PRAGMA user_version; a database written by a
// newer nipt is refused rather than altered.
const schemaVersion = 1

// Errors callers test for.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Role is what a user may do (docs/review.md "Accounts and roles").
type Role string

// The roles: an analyst imports batches, a clinical geneticist signs results
// off, a lab manager manages accounts and reads the audit trail and the QC
// trends. Everyone signed in can read the batches.
const (
	RoleAnalyst    Role = "analyst"
	RoleGeneticist Role = "geneticist"
	RoleManager    Role = "manager"
)

// Roles lists the roles in display order.
var Roles = []Role{RoleAnalyst, RoleGeneticist, RoleManager}

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q: use analyst, geneticist or manager", s)
}

// Sign-off decisions.
const (
	DecisionApproved = "approved" // the result may be released as reported
	DecisionRejected = "rejected" // not released: redraw or re-analysis
)

// Store is the review application's database: accounts, sessions, imported
// batches (disclosure-filtered views only), sign-offs and the audit trail.
// It is safe for concurrent use.
type Store struct {
	db rdb
	// Now gives the time of every record (time.Now when nil; tests fix it).
	Now func() time.Time
}

// IsPostgres reports whether a --db value names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than an SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the database named by db: a PostgreSQL URL
// (postgres://user:password@host/dbname, for a laboratory's shared
// server), or else an SQLite file, created when missing (the embedded
// default). The schema is created on first use.
func Open(db string) (*Store, error) {
	if db == "" {
		return nil, errors.New("no database given (--db FILE, or --db postgres://…)")
	}
	var (
		conn *sql.DB
		err  error
		pg   = IsPostgres(db)
		name = db
	)
	if pg {
		name = redactURL(db)
		conn, err = sql.Open("pgx", db)
	} else {
		if strings.ContainsAny(db, "?#") {
			return nil, fmt.Errorf("database file %q: the name may not contain '?' or '#'", db)
		}
		if st, err := os.Stat(filepath.Dir(db)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("database %s: directory %s does not exist: create it or give another path", db, filepath.Dir(db))
		}
		conn, err = sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	}
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", name, err)
	}
	if pg {
		conn.SetMaxOpenConns(8)
	} else {
		// One connection: SQLite has one writer, and a review
		// application's load is a few requests a minute; this rules out
		// SQLITE_BUSY.
		conn.SetMaxOpenConns(1)
	}
	s := &Store{db: rdb{DB: conn, pg: pg}}
	if err := s.migrate(context.Background()); err != nil {
		conn.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return s, nil
}

// Redact returns db for messages: a PostgreSQL URL without its password.
func Redact(db string) string {
	if !IsPostgres(db) {
		return db
	}
	return redactURL(db)
}

// redactURL hides the password of a database URL in messages.
func redactURL(db string) string {
	u, err := url.Parse(db)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	return u.Redacted()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// schemaTables creates the tables of both databases; schema fills in the
// types that differ: %[1]s floating point, %[2]s bytes, %[3]s an
// auto-numbered key, %[4]s a 64-bit integer. Booleans are integers 0/1,
// times RFC 3339 text (ordering uses sequence numbers, never times).
const schemaTables = `
CREATE TABLE users (
	name     TEXT PRIMARY KEY,
	role     TEXT NOT NULL,
	password TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created  TEXT NOT NULL
);
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users(name),
	csrf       TEXT NOT NULL,
	expires    TEXT NOT NULL
);
CREATE TABLE batches (
	id           TEXT PRIMARY KEY,
	imported     TEXT NOT NULL,
	imported_by  TEXT NOT NULL,
	profile      TEXT NOT NULL,
	profile_hash TEXT NOT NULL,
	qc_note      TEXT NOT NULL,
	qc_warnings  TEXT NOT NULL,
	seq          INTEGER NOT NULL
);
CREATE TABLE samples (
	batch     TEXT NOT NULL REFERENCES batches(id),
	id        TEXT NOT NULL,
	pos       INTEGER NOT NULL,
	qc_status TEXT NOT NULL,
	reads     %[1]s NOT NULL,
	ff        %[1]s,
	no_call   INTEGER NOT NULL,
	run       TEXT NOT NULL,
	summary   TEXT NOT NULL,
	view      %[2]s NOT NULL,
	bins      %[2]s NOT NULL,
	PRIMARY KEY (batch, id)
);
CREATE TABLE signoffs (
	seq       %[3]s,
	batch     TEXT NOT NULL,
	sample    TEXT NOT NULL,
	user_name TEXT NOT NULL,
	decision  TEXT NOT NULL,
	comment   TEXT NOT NULL,
	time      TEXT NOT NULL,
	FOREIGN KEY (batch, sample) REFERENCES samples(batch, id)
);
CREATE TABLE audit (
	seq       %[4]s PRIMARY KEY,
	time      TEXT NOT NULL,
	user_name TEXT NOT NULL,
	action    TEXT NOT NULL,
	batch     TEXT NOT NULL,
	sample    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_user ON audit (user_name, seq);
`

// schema returns the statements that create the database: the tables,
// the triggers that keep the audit trail append-only, and (PostgreSQL,
// which has no user_version) the schema version table.
func schema(pg bool) string {
	if !pg {
		return fmt.Sprintf(schemaTables, "REAL", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER") + `
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`
	}
	return fmt.Sprintf(schemaTables, "DOUBLE PRECISION", "BYTEA", "BIGSERIAL PRIMARY KEY", "BIGINT") + `
CREATE TABLE nipt_schema (version INTEGER NOT NULL);
CREATE FUNCTION nipt_audit_append_only() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'the audit trail is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION nipt_audit_append_only();
`
}

func (s *Store) migrate(ctx context.Context) error {
	if s.db.pg {
		return s.migratePostgres(ctx)
	}
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("not a readable SQLite database (%w): give a new file or a nipt review database", err)
	}
	switch {
	case v == schemaVersion:
		return nil
	case v > schemaVersion:
		return fmt.Errorf("written by a newer nipt (schema %d, this nipt knows %d): use that version", v, schemaVersion)
	}
	var tables int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
		return err
	}
	if tables > 0 {
		return errors.New("an SQLite database of another program (it has tables but no nipt schema version): give a new file")
	}
	return s.tx(ctx, func(tx rtx) error {
		if _, err := tx.ExecContext(ctx, schema(false)); err != nil {
			return fmt.Errorf("creating schema: %w", err)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion))
		return err
	})
}

func (s *Store) migratePostgres(ctx context.Context) error {
	var have bool
	if err := s.db.QueryRowContext(ctx, "SELECT to_regclass('nipt_schema') IS NOT NULL").Scan(&have); err != nil {
		return fmt.Errorf("cannot reach the database (%w): check the URL, the server and the password", err)
	}
	if have {
		var v int
		if err := s.db.QueryRowContext(ctx, "SELECT version FROM nipt_schema").Scan(&v); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
		if v > schemaVersion {
			return fmt.Errorf("written by a newer nipt (schema %d, this nipt knows %d): use that version", v, schemaVersion)
		}
		return nil
	}
	var tables int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('users', 'sessions', 'batches', 'samples', 'signoffs', 'audit')").Scan(&tables); err != nil {
		return err
	}
	if tables > 0 {
		return errors.New("the database has tables named like nipt's but no nipt schema version: give nipt a database (or schema) of its own")
	}
	return s.tx(ctx, func(tx rtx) error {
		if _, err := tx.ExecContext(ctx, schema(true)); err != nil {
			return fmt.Errorf("creating schema: %w", err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO nipt_schema (version) VALUES (?)", schemaVersion)
		return err
	})
}

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction, so that
// stored times also compare correctly as text (session expiry).
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// User is an account.
type User struct {
	Name     string
	Role     Role
	Disabled bool
	Created  time.Time
	// PasswordHash is the stored hash (package server makes and checks it).
	PasswordHash string
}

// ValidUserName accepts 1–64 letters, digits, '.', '_', '-' and '@'.
func ValidUserName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("user name %q: 1 to 64 characters", name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-@", c)) {
			return fmt.Errorf("user name %q: only letters, digits and . _ - @", name)
		}
	}
	return nil
}

// AddUser creates an account and records it in the audit trail as done by
// actor ("" for the command line: recorded as "cli").
func (s *Store) AddUser(ctx context.Context, actor string, u User) error {
	if err := ValidUserName(u.Name); err != nil {
		return err
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	return s.tx(ctx, func(tx rtx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE name = ?", u.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("user %q: %w", u.Name, ErrExists)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO users (name, role, password, disabled, created) VALUES (?, ?, ?, 0, ?)",
			u.Name, string(u.Role), u.PasswordHash, formatTime(s.now())); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{User: actor, Action: ActionUserAdd, Detail: "user " + u.Name + " role " + string(u.Role)})
	})
}

// User returns an account.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	var u User
	var role, created string
	err := s.db.QueryRowContext(ctx, "SELECT name, role, password, disabled, created FROM users WHERE name = ?", name).
		Scan(&u.Name, &role, &u.PasswordHash, &u.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return User{}, err
	}
	u.Role, u.Created = Role(role), parseTime(created)
	return u, nil
}

// Users lists the accounts by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name, role, disabled, created FROM users ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var role, created string
		if err := rows.Scan(&u.Name, &role, &u.Disabled, &created); err != nil {
			return nil, err
		}
		u.Role, u.Created = Role(role), parseTime(created)
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser changes an account's role, disabled flag and (when hash is not
// empty) password, recording the change. Disabling an account ends its
// sessions.
func (s *Store) UpdateUser(ctx context.Context, actor, name string, role Role, disabled bool, hash string) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return s.tx(ctx, func(tx rtx) error {
		var old User
		var oldRole string
		err := tx.QueryRowContext(ctx, "SELECT role, disabled FROM users WHERE name = ?", name).Scan(&oldRole, &old.Disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, disabled = ? WHERE name = ?", string(role), b2i(disabled), name); err != nil {
			return err
		}
		var changes []string
		if Role(oldRole) != role {
			changes = append(changes, "role "+oldRole+" → "+string(role))
		}
		if old.Disabled != disabled {
			changes = append(changes, map[bool]string{true: "disabled", false: "enabled"}[disabled])
		}
		if hash != "" {
			if _, err := tx.ExecContext(ctx, "UPDATE users SET password = ? WHERE name = ?", hash, name); err != nil {
				return err
			}
			changes = append(changes, "password changed")
		}
		if disabled || hash != "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_name = ?", name); err != nil {
				return err
			}
		}
		if len(changes) == 0 {
			return nil
		}
		return s.audit(ctx, tx, AuditEntry{User: actor, Action: ActionUserChange, Detail: "user " + name + ": " + strings.Join(changes, ", ")})
	})
}

// Session is a signed-in browser.
type Session struct {
	User    string
	CSRF    string
	Expires time.Time
}

// CreateSession stores a session under the hash of its token, and removes
// the sessions that have expired.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, sess Session) error {
	return s.tx(ctx, func(tx rtx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires <= ?", formatTime(s.now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_name, csrf, expires) VALUES (?, ?, ?, ?)",
			tokenHash, sess.User, sess.CSRF, formatTime(sess.Expires))
		return err
	})
}

// Session returns the unexpired session stored under tokenHash.
func (s *Store) Session(ctx context.Context, tokenHash string) (Session, error) {
	var sess Session
	var exp string
	err := s.db.QueryRowContext(ctx, "SELECT user_name, csrf, expires FROM sessions WHERE token_hash = ?", tokenHash).Scan(&sess.User, &sess.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, err
	}
	sess.Expires = parseTime(exp)
	if !s.now().Before(sess.Expires) {
		_, _ = s.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
		return Session{}, ErrNotFound
	}
	return sess, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
	return err
}

func (s *Store) tx(ctx context.Context, f func(rtx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(rtx{Tx: tx, pg: s.db.pg}); err != nil {
		return err
	}
	return tx.Commit()
}

// rdb and rtx run the store's queries, written with '?' placeholders, on
// either database: PostgreSQL numbers its placeholders ($1, $2, …).
type rdb struct {
	*sql.DB
	pg bool
}

type rtx struct {
	*sql.Tx
	pg bool
}

func rebind(pg bool, q string) string {
	if !pg || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (d rdb) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, rebind(d.pg, q), args...)
}

func (d rdb) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, rebind(d.pg, q), args...)
}

func (d rdb) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, rebind(d.pg, q), args...)
}

func (t rtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, rebind(t.pg, q), args...)
}

func (t rtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, rebind(t.pg, q), args...)
}

func (t rtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, rebind(t.pg, q), args...)
}

// b2i stores a boolean as the integer both schemas use.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hashHex is the SHA-256 of the parts, each preceded by its length (8
// bytes, big-endian), in hex: no text moved from one field to the next (a
// comment may hold any byte) gives two entries the same hash.
func hashHex(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
