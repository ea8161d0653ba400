package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Audit actions.
const (
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	// ActionLoginRefused: a sign-in attempt refused unchecked while the
	// name is locked after repeated failures (not counted as a failure, so
	// that attempts cannot prolong the lock).
	ActionLoginRefused = "login_refused"
	ActionImport       = "import"
	ActionViewSample   = "view_sample"
	ActionSignOff      = "sign_off"
	// ActionExport: a batch's results and sign-offs written out (nipt
	// review export), e.g. for the laboratory information system.
	ActionExport     = "export"
	ActionUserAdd    = "user_add"
	ActionUserChange = "user_change"
	// ActionFetalSexDisclosed: a view that discloses fetal sex was made
	// (disclosure.AuditLog; the entry never holds the sex itself).
	ActionFetalSexDisclosed = "fetal_sex_disclosed"
)

// AuditEntry is one line of the audit trail. Entries are chained: each
// Hash covers the previous entry's hash and this entry's fields, so a line
// changed or removed in the database file breaks the chain (VerifyAudit).
type AuditEntry struct {
	Seq    int64
	Time   time.Time
	User   string // "cli" for the command line
	Action string
	Batch  string
	Sample string
	Detail string
	Hash   string
}

func (e AuditEntry) chainHash(prev string) string {
	return hashHex(prev, strconv.FormatInt(e.Seq, 10), formatTime(e.Time), e.User, e.Action, e.Batch, e.Sample, e.Detail)
}

// Audit appends an entry (in its own transaction).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.tx(ctx, func(tx rtx) error { return s.audit(ctx, tx, e) })
}

// audit appends e within tx, so that the change it records and the record
// commit together.
func (s *Store) audit(ctx context.Context, tx rtx, e AuditEntry) error {
	if e.User == "" {
		e.User = "cli"
	}
	e.Time = s.now()
	if tx.pg {
		// Concurrent transactions append one after the other: each reads
		// the last entry only when the previous append has committed.
		if _, err := tx.ExecContext(ctx, "LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
	}
	prev := ""
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &prev)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	e.Seq++
	e.Hash = e.chainHash(prev)
	_, err = tx.ExecContext(ctx, "INSERT INTO audit (seq, time, user_name, action, batch, sample, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		e.Seq, formatTime(e.Time), e.User, e.Action, e.Batch, e.Sample, e.Detail, e.Hash)
	if err != nil {
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	User, Action, Batch, Sample string
	// Limit caps the entries returned, newest first (0: 500).
	Limit int
}

// AuditTrail returns entries matching f, newest first.
func (s *Store) AuditTrail(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := "SELECT seq, time, user_name, action, batch, sample, detail, hash FROM audit WHERE 1=1"
	var args []any
	for _, c := range []struct{ col, v string }{{"user_name", f.User}, {"action", f.Action}, {"batch", f.Batch}, {"sample", f.Sample}} {
		if c.v != "" {
			q += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var t string
		if err := rows.Scan(&e.Seq, &t, &e.User, &e.Action, &e.Batch, &e.Sample, &e.Detail, &e.Hash); err != nil {
			return nil, err
		}
		e.Time = parseTime(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain and returns the number of entries, or
// an error naming the first entry whose hash does not follow from its
// predecessor (an entry altered, removed or inserted outside nipt).
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT seq, time, user_name, action, batch, sample, detail, hash FROM audit ORDER BY seq")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	prev, n := "", 0
	var want int64 = 1
	for rows.Next() {
		var e AuditEntry
		var t string
		if err := rows.Scan(&e.Seq, &t, &e.User, &e.Action, &e.Batch, &e.Sample, &e.Detail, &e.Hash); err != nil {
			return n, err
		}
		e.Time = parseTime(t)
		if e.Seq != want {
			return n, fmt.Errorf("audit trail broken: entry %d missing (next is %d)", want, e.Seq)
		}
		if e.chainHash(prev) != e.Hash {
			return n, fmt.Errorf("audit trail broken at entry %d (%s %s): its hash does not match its content and predecessor", e.Seq, e.Time.Format(time.RFC3339), e.Action)
		}
		prev, want = e.Hash, want+1
		n++
	}
	return n, rows.Err()
}

// FailedSignIns returns the number of failed sign-ins of user since its
// last successful one, counting back at most limit entries, and the time
// of the oldest of them (the sign-in throttle of package server).
func (s *Store) FailedSignIns(ctx context.Context, user string, limit int) (n int, oldest time.Time, err error) {
	rows, err := s.db.QueryContext(ctx, "SELECT action, time FROM audit WHERE user_name = ? AND action IN (?, ?) ORDER BY seq DESC LIMIT ?",
		user, ActionLogin, ActionLoginFailed, limit)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var action, t string
		if err := rows.Scan(&action, &t); err != nil {
			return 0, time.Time{}, err
		}
		if action == ActionLogin {
			break
		}
		n++
		oldest = parseTime(t)
	}
	return n, oldest, rows.Err()
}
