package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backend is a database the store tests run on: SQLite always, and
// PostgreSQL when NIPT_TEST_POSTGRES names a server URL whose user may
// create databases (.ci/run starts one); each test gets a database of its
// own.
type backend struct {
	name string
	// open returns a --db value for a new, empty database.
	open func(t *testing.T) string
}

func backends(t *testing.T) []backend {
	bs := []backend{{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "review.db") }}}
	admin := os.Getenv("NIPT_TEST_POSTGRES")
	if admin == "" {
		t.Log("PostgreSQL store not tested: set NIPT_TEST_POSTGRES=postgres://user:password@host/db (a user that may create databases)")
		return bs
	}
	return append(bs, backend{"postgres", func(t *testing.T) string { return newPostgresDB(t, admin) }})
}

var pgDBs atomic.Int64

// newPostgresDB creates a database on the server of admin and drops it
// when the test ends.
func newPostgresDB(t *testing.T, admin string) string {
	t.Helper()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := fmt.Sprintf("nipt_test_%d_%d", os.Getpid(), pgDBs.Add(1))
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating a test database on %s: %v", redactURL(admin), err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// eachBackend runs f as a subtest on every backend with a new store.
func eachBackend(t *testing.T, f func(t *testing.T, s *Store, now *time.Time)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, err := Open(b.open(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return now }
			f(t, s, &now)
		})
	}
}

func ff(v float64) *float64 { return &v }

func testBatch(id string) BatchImport {
	return BatchImport{ID: id, User: "ana", Profile: "default", Samples: []SampleRecord{
		{ID: "S1", QCStatus: "pass", Reads: 4e6, FF: ff(0.1), Summary: []string{"S1", "pass"}, View: []byte("v1"), Bins: []byte("b1")},
		{ID: "S2", QCStatus: "fail", Reads: 1e6, NoCall: true, Summary: []string{"S2", "fail"}, View: []byte("v2"), Bins: []byte("b2")},
	}}
}

func TestUsersAndSessions(t *testing.T) { eachBackend(t, testUsersAndSessions) }

func testUsersAndSessions(t *testing.T, s *Store, now *time.Time) {
	ctx := context.Background()
	if err := s.AddUser(ctx, "", User{Name: "gina", Role: RoleGeneticist, PasswordHash: "h1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, "", User{Name: "gina", Role: RoleManager, PasswordHash: "h"}); !errors.Is(err, ErrExists) {
		t.Errorf("second gina: %v, want ErrExists", err)
	}
	for _, bad := range []User{{Name: "a b", Role: RoleAnalyst}, {Name: "", Role: RoleAnalyst}, {Name: "x", Role: "admin"}} {
		if err := s.AddUser(ctx, "", bad); err == nil {
			t.Errorf("AddUser(%+v) accepted", bad)
		}
	}
	u, err := s.User(ctx, "gina")
	if err != nil || u.Role != RoleGeneticist || u.PasswordHash != "h1" || u.Disabled {
		t.Fatalf("User = %+v, %v", u, err)
	}
	if _, err := s.User(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	exp := now.Add(time.Hour)
	if err := s.CreateSession(ctx, "tok", Session{User: "gina", CSRF: "c", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if sess, err := s.Session(ctx, "tok"); err != nil || sess.User != "gina" || sess.CSRF != "c" {
		t.Errorf("Session = %+v, %v", sess, err)
	}
	// Disabling ends the sessions and is audited.
	if err := s.UpdateUser(ctx, "boss", "gina", RoleGeneticist, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "tok"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of a disabled user: %v", err)
	}
	// Expiry.
	if err := s.CreateSession(ctx, "tok2", Session{User: "gina", CSRF: "c", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	*now = exp
	if _, err := s.Session(ctx, "tok2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	// A new session removes the expired ones (fixed-width times compare
	// as text, sub-second parts included).
	for i, d := range []time.Duration{-time.Millisecond, 500 * time.Millisecond, time.Hour} {
		if err := s.CreateSession(ctx, fmt.Sprintf("old%d", i), Session{User: "gina", CSRF: "c", Expires: now.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	*now = now.Add(time.Second)
	if err := s.CreateSession(ctx, "tok3", Session{User: "gina", CSRF: "c", Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sessions").Scan(&left); err != nil || left != 2 {
		t.Errorf("%d sessions left after expiry, want 2 (old2, tok3): %v", left, err)
	}
	trail, err := s.AuditTrail(ctx, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].Action != ActionUserChange || trail[0].User != "boss" || !strings.Contains(trail[0].Detail, "disabled") || trail[1].User != "cli" {
		t.Errorf("audit trail = %+v", trail)
	}
}

func TestBatchesAndSignOff(t *testing.T) { eachBackend(t, testBatchesAndSignOff) }

func testBatchesAndSignOff(t *testing.T, s *Store, _ *time.Time) {
	ctx := context.Background()
	if err := s.AddBatch(ctx, testBatch("run1")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBatch(ctx, testBatch("run1")); !errors.Is(err, ErrExists) {
		t.Errorf("re-import: %v", err)
	}
	if err := s.AddBatch(ctx, BatchImport{ID: "empty"}); err == nil {
		t.Error("empty batch accepted")
	}
	b2 := testBatch("run2")
	b2.Samples[1].ID = "S1"
	if err := s.AddBatch(ctx, b2); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate sample: %v", err)
	}
	if _, err := s.Batch(ctx, "run2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("failed import left batch run2: %v", err)
	}
	if err := s.SignOff(ctx, "run1", "S1", "gina", DecisionApproved, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOff(ctx, "run1", "S2", "gina", DecisionApproved, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOff(ctx, "run1", "S2", "gina", DecisionRejected, "QC failed: redraw"); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOff(ctx, "run1", "S3", "gina", DecisionApproved, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("sign-off of an unknown sample: %v", err)
	}
	if err := s.SignOff(ctx, "run1", "S1", "gina", "maybe", ""); err == nil {
		t.Error("decision maybe accepted")
	}
	b, err := s.Batch(ctx, "run1")
	if err != nil {
		t.Fatal(err)
	}
	if b.Samples != 2 || b.Approved != 1 || b.Rejected != 1 || b.QCFail != 1 || b.NoCall != 1 || b.Pending() != 0 || b.ImportedBy != "ana" {
		t.Errorf("batch = %+v", b)
	}
	ss, err := s.Samples(ctx, "run1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].ID != "S1" || ss[1].Decision != DecisionRejected || ss[1].Comment != "QC failed: redraw" || ss[1].FF != nil || *ss[0].FF != 0.1 {
		t.Errorf("samples = %+v", ss)
	}
	si, view, err := s.Sample(ctx, "run1", "S2")
	if err != nil || string(view) != "v2" || si.SignedBy != "gina" || strings.Join(si.Summary, ",") != "S2,fail" {
		t.Errorf("Sample = %+v %q %v", si, view, err)
	}
	if b, err := s.SampleBins(ctx, "run1", "S2"); err != nil || string(b) != "b2" {
		t.Errorf("SampleBins = %q, %v", b, err)
	}
	if vs, err := s.SampleViews(ctx, "run1"); err != nil || len(vs) != 2 || string(vs[0]) != "v1" {
		t.Errorf("SampleViews = %q, %v", vs, err)
	}
	if _, err := s.SampleViews(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SampleViews of an unknown batch: %v", err)
	}
	hist, err := s.SignOffs(ctx, "run1", "S2")
	if err != nil || len(hist) != 2 || hist[0].Decision != DecisionApproved || hist[1].Decision != DecisionRejected {
		t.Errorf("history = %+v, %v", hist, err)
	}
	tr, err := s.Trends(ctx)
	if err != nil || len(tr) != 1 || tr[0].Label() != "run1" || tr[0].Run != "" || tr[0].Pass != 1 || tr[0].Fail != 1 || len(tr[0].FF) != 1 || tr[0].SignedOff != 2 {
		t.Errorf("trends = %+v, %v", tr, err)
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil || n != 4 {
		t.Errorf("VerifyAudit = %d, %v; want 4 entries (import, three sign-offs)", n, err)
	}
}

// TestAuditTamper: the database refuses edits of the trail, and an edit
// made behind its back (triggers dropped) breaks the chain.
func TestAuditTamper(t *testing.T) { eachBackend(t, testAuditTamper) }

func testAuditTamper(t *testing.T, s *Store, _ *time.Time) {
	ctx := context.Background()
	for _, a := range []string{ActionLogin, ActionSignOff, ActionLogout} {
		if err := s.Audit(ctx, AuditEntry{User: "gina", Action: a, Detail: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE audit SET detail = 'y' WHERE seq = 2"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE of the audit trail: %v", err)
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM audit WHERE seq = 2"); err == nil {
		t.Error("DELETE from the audit trail accepted")
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// Behind the database's back: the triggers dropped.
	drop := []string{"DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"}
	if s.db.pg {
		drop = []string{"DROP TRIGGER audit_append_only ON audit"}
	}
	for _, q := range append(drop, "UPDATE audit SET detail = 'y' WHERE seq = 2") {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Errorf("edited entry: %v", err)
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM audit WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "entry 2 missing") {
		t.Errorf("removed entry: %v", err)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := Open(filepath.Join(dir, "no", "such", "lab.db")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "another program") {
		t.Errorf("foreign database: %v", err)
	}
	newer := filepath.Join(dir, "newer.db")
	s, err := Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(newer); err == nil || !strings.Contains(err.Error(), "newer nipt") {
		t.Errorf("newer schema: %v", err)
	}
	// Re-opening keeps the data.
	p := filepath.Join(dir, "keep.db")
	s, err = Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(context.Background(), "", User{Name: "u", Role: RoleAnalyst, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(p); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.User(context.Background(), "u"); err != nil {
		t.Errorf("after re-open: %v", err)
	}
}

// TestOpenRefusesPostgres: a database holding tables named like nipt's
// without its schema version, and one written by a newer nipt, are
// refused; a password never appears in an error.
func TestOpenRefusesPostgres(t *testing.T) {
	admin := os.Getenv("NIPT_TEST_POSTGRES")
	if admin == "" {
		t.Skip("set NIPT_TEST_POSTGRES to test the PostgreSQL store")
	}
	other := newPostgresDB(t, admin)
	db, err := sql.Open("pgx", other)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE users (x int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "no nipt schema version") {
		t.Errorf("foreign database: %v", err)
	}
	newer := newPostgresDB(t, admin)
	s, err := Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("UPDATE nipt_schema SET version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(newer); err == nil || !strings.Contains(err.Error(), "newer nipt") {
		t.Errorf("newer schema: %v", err)
	}
	u, _ := url.Parse(newer)
	u.User = url.UserPassword(u.User.Username(), "wrong-secret-pw")
	if _, err := Open(u.String()); err == nil || strings.Contains(err.Error(), "wrong-secret-pw") {
		t.Errorf("wrong password: %v", err)
	}
}

// TestConcurrentAudit: appends from many connections at once keep the
// chain whole (PostgreSQL locks the table per append; SQLite has one
// connection).
func TestConcurrentAudit(t *testing.T) { eachBackend(t, testConcurrentAudit) }

func testConcurrentAudit(t *testing.T, s *Store, _ *time.Time) {
	const workers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- s.Audit(context.Background(), AuditEntry{User: fmt.Sprintf("u%d", w), Action: ActionLogin, Detail: fmt.Sprint(i)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.VerifyAudit(context.Background()); err != nil || n != workers*each {
		t.Errorf("VerifyAudit = %d, %v; want %d entries", n, err, workers*each)
	}
}

// TestTrendsByRun: trends group samples by sequencing run across batches,
// and by batch where samples name no run.
func TestTrendsByRun(t *testing.T) { eachBackend(t, testTrendsByRun) }

func testTrendsByRun(t *testing.T, s *Store, now *time.Time) {
	ctx := context.Background()
	rec := func(id, run string, reads float64) SampleRecord {
		return SampleRecord{ID: id, QCStatus: "pass", Reads: reads, Run: run, Summary: []string{id}, View: []byte("v"), Bins: []byte("b")}
	}
	if err := s.AddBatch(ctx, BatchImport{ID: "A", Samples: []SampleRecord{rec("S1", "R1", 1), rec("S2", "R2", 2)}}); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	if err := s.AddBatch(ctx, BatchImport{ID: "B", Samples: []SampleRecord{rec("S3", "R2", 3), rec("S4", "", 4)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOff(ctx, "B", "S3", "gina", DecisionApproved, ""); err != nil {
		t.Fatal(err)
	}
	tr, err := s.Trends(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range tr {
		got = append(got, fmt.Sprintf("%s/%s:%v:%d", x.Label(), x.Batch, x.Reads, x.SignedOff))
	}
	if want := "R1/A:[1]:0 R2/A:[2 3]:1 B/B:[4]:0"; strings.Join(got, " ") != want {
		t.Errorf("trends %q, want %q", strings.Join(got, " "), want)
	}
}

// TestChainHashFields: moving text between an entry's fields changes its
// hash (fields are length-prefixed, not joined by a separator a comment
// could contain).
func TestChainHashFields(t *testing.T) {
	a := AuditEntry{Seq: 1, User: "gina", Action: ActionSignOff, Batch: "run1", Sample: "S1", Detail: "approved\x00x"}
	b := a
	b.Sample, b.Detail = "S1\x00approved", "x"
	if a.chainHash("") == b.chainHash("") {
		t.Error("two different entries hash alike")
	}
	c := a
	if a.chainHash("") != c.chainHash("") || a.chainHash("") == a.chainHash("p") {
		t.Error("the hash is not a function of the entry and its predecessor")
	}
}
