package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the embedded default store
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
	db *sql.DB
	// Now gives the time of every record (time.Now when nil; tests fix it).
	Now func() time.Time
}

// Open opens (creating when missing) the SQLite database at path.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("no database file given (--db FILE)")
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and a review application's
	// load is a few requests a minute; this rules out SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

const schema = `
CREATE TABLE users (
	name     TEXT PRIMARY KEY,
	role     TEXT NOT NULL,
	password TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created  TEXT NOT NULL
);
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user       TEXT NOT NULL REFERENCES users(name),
	csrf       TEXT NOT NULL,
	expires    TEXT NOT NULL
);
CREATE TABLE batches (
	id          TEXT PRIMARY KEY,
	imported    TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	profile      TEXT NOT NULL,
	profile_hash TEXT NOT NULL,
	seq          INTEGER NOT NULL
);
CREATE TABLE samples (
	batch     TEXT NOT NULL REFERENCES batches(id),
	id        TEXT NOT NULL,
	pos       INTEGER NOT NULL,
	qc_status TEXT NOT NULL,
	reads     REAL NOT NULL,
	ff        REAL,
	no_call   INTEGER NOT NULL,
	summary   TEXT NOT NULL,
	view      BLOB NOT NULL,
	PRIMARY KEY (batch, id)
);
CREATE TABLE signoffs (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	batch    TEXT NOT NULL,
	sample   TEXT NOT NULL,
	user     TEXT NOT NULL,
	decision TEXT NOT NULL,
	comment  TEXT NOT NULL,
	time     TEXT NOT NULL,
	FOREIGN KEY (batch, sample) REFERENCES samples(batch, id)
);
CREATE TABLE audit (
	seq    INTEGER PRIMARY KEY,
	time   TEXT NOT NULL,
	user   TEXT NOT NULL,
	action TEXT NOT NULL,
	batch  TEXT NOT NULL,
	sample TEXT NOT NULL,
	detail TEXT NOT NULL,
	hash   TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`

func (s *Store) migrate(ctx context.Context) error {
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
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("creating schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

const timeFormat = time.RFC3339Nano

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
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
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO users (name, role, password, disabled, created) VALUES (?, ?, ?, 0, ?)",
			u.Name, string(u.Role), u.PasswordHash, formatTime(s.now()))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("user %q: %w", u.Name, ErrExists)
			}
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
	return s.tx(ctx, func(tx *sql.Tx) error {
		var old User
		var oldRole string
		err := tx.QueryRowContext(ctx, "SELECT role, disabled FROM users WHERE name = ?", name).Scan(&oldRole, &old.Disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, disabled = ? WHERE name = ?", string(role), disabled, name); err != nil {
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
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user = ?", name); err != nil {
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

// CreateSession stores a session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, sess Session) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO sessions (token_hash, user, csrf, expires) VALUES (?, ?, ?, ?)",
		tokenHash, sess.User, sess.CSRF, formatTime(sess.Expires))
	return err
}

// Session returns the unexpired session stored under tokenHash.
func (s *Store) Session(ctx context.Context, tokenHash string) (Session, error) {
	var sess Session
	var exp string
	err := s.db.QueryRowContext(ctx, "SELECT user, csrf, expires FROM sessions WHERE token_hash = ?", tokenHash).Scan(&sess.User, &sess.CSRF, &exp)
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

func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// hashHex is the SHA-256 of the parts joined by NUL bytes, in hex.
func hashHex(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
