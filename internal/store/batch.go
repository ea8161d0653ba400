package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BatchImport is one analysis directory as the review application stores
// it: only disclosure-filtered views (package server makes them).
type BatchImport struct {
	ID      string
	User    string // who imported it ("" = cli)
	Profile string // the lab profile's name
	// ProfileHash identifies the lab profile file the views were made
	// under (the SHA-256 of its bytes; "" for the built-in default):
	// reports of the batch are rendered only under the same profile.
	ProfileHash string
	// QCNote and QCWarnings are the analysis' batch QC (package report's
	// BatchQCSummary).
	QCNote     string
	QCWarnings []string
	Samples    []SampleRecord
}

// SampleRecord is one sample of a batch.
type SampleRecord struct {
	ID       string
	QCStatus string
	Reads    float64
	FF       *float64 // nil: not measured
	NoCall   bool
	Run      string   // the sequencing run(s) (summary.tsv's run; "" unknown)
	Summary  []string // the summary.tsv row of the view
	View     []byte   // the view without its bins, encoded by the caller
	Bins     []byte   // its bins, encoded by the caller (read only for plots)
}

// AddBatch stores a batch and records the import. A batch ID is imported
// once: ErrExists otherwise.
func (s *Store) AddBatch(ctx context.Context, b BatchImport) error {
	if b.ID == "" {
		return errors.New("batch without an ID")
	}
	if len(b.Samples) == 0 {
		return fmt.Errorf("batch %s holds no samples", b.ID)
	}
	seen := map[string]bool{}
	for _, sm := range b.Samples {
		if seen[sm.ID] {
			return fmt.Errorf("batch %s: sample %s twice", b.ID, sm.ID)
		}
		seen[sm.ID] = true
	}
	return s.tx(ctx, func(tx rtx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM batches WHERE id = ?", b.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("batch %s: %w (a batch is imported once; analyse into a new directory to import again)", b.ID, ErrExists)
		}
		var seq int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM batches").Scan(&seq); err != nil {
			return err
		}
		user := b.User
		if user == "" {
			user = "cli"
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO batches (id, imported, imported_by, profile, profile_hash, qc_note, qc_warnings, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			b.ID, formatTime(s.now()), user, b.Profile, b.ProfileHash, b.QCNote, strings.Join(b.QCWarnings, "\n"), seq); err != nil {
			return err
		}
		for i, sm := range b.Samples {
			var ff any
			if sm.FF != nil {
				ff = *sm.FF
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO samples (batch, id, pos, qc_status, reads, ff, no_call, run, summary, view, bins) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				b.ID, sm.ID, i, sm.QCStatus, sm.Reads, ff, b2i(sm.NoCall), sm.Run, strings.Join(sm.Summary, "\t"), sm.View, sm.Bins); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEntry{User: b.User, Action: ActionImport, Batch: b.ID,
			Detail: fmt.Sprintf("%d samples, profile %s", len(b.Samples), b.Profile)})
	})
}

// BatchInfo is a batch with its review progress.
type BatchInfo struct {
	ID         string
	Seq        int // import order
	Imported   time.Time
	ImportedBy string
	Profile    string
	Samples    int
	Approved   int
	Rejected   int
	QCFail     int
	NoCall     int
	// QCNote and QCWarnings: the analysis' batch QC.
	QCNote     string
	QCWarnings []string
}

// Pending is the number of samples not yet signed off.
func (b BatchInfo) Pending() int { return b.Samples - b.Approved - b.Rejected }

const batchInfoQuery = `
SELECT b.id, b.seq, b.imported, b.imported_by, b.profile, b.qc_note, b.qc_warnings,
	count(s.id),
	coalesce(sum(CASE WHEN d.decision = 'approved' THEN 1 ELSE 0 END), 0),
	coalesce(sum(CASE WHEN d.decision = 'rejected' THEN 1 ELSE 0 END), 0),
	coalesce(sum(CASE WHEN s.qc_status = 'fail' THEN 1 ELSE 0 END), 0),
	coalesce(sum(s.no_call), 0)
FROM batches b
JOIN samples s ON s.batch = b.id
LEFT JOIN (
	SELECT so.batch, so.sample, so.decision FROM signoffs so
	WHERE so.seq = (SELECT max(seq) FROM signoffs x WHERE x.batch = so.batch AND x.sample = so.sample)
) d ON d.batch = s.batch AND d.sample = s.id
`

func scanBatchInfo(sc interface{ Scan(...any) error }) (BatchInfo, error) {
	var b BatchInfo
	var t, warnings string
	err := sc.Scan(&b.ID, &b.Seq, &t, &b.ImportedBy, &b.Profile, &b.QCNote, &warnings, &b.Samples, &b.Approved, &b.Rejected, &b.QCFail, &b.NoCall)
	b.Imported = parseTime(t)
	if warnings != "" {
		b.QCWarnings = strings.Split(warnings, "\n")
	}
	return b, err
}

// Batches lists the batches, newest import first.
func (s *Store) Batches(ctx context.Context) ([]BatchInfo, error) {
	rows, err := s.db.QueryContext(ctx, batchInfoQuery+" GROUP BY b.id ORDER BY b.seq DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BatchInfo
	for rows.Next() {
		b, err := scanBatchInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Batch returns one batch's progress.
func (s *Store) Batch(ctx context.Context, id string) (BatchInfo, error) {
	b, err := scanBatchInfo(s.db.QueryRowContext(ctx, batchInfoQuery+" WHERE b.id = ? GROUP BY b.id", id))
	if errors.Is(err, sql.ErrNoRows) {
		return BatchInfo{}, fmt.Errorf("batch %s: %w", id, ErrNotFound)
	}
	return b, err
}

// BatchProfile returns the name and hash of the lab profile a batch was
// imported under (BatchImport.ProfileHash).
func (s *Store) BatchProfile(ctx context.Context, id string) (name, hash string, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT profile, profile_hash FROM batches WHERE id = ?", id).Scan(&name, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("batch %s: %w", id, ErrNotFound)
	}
	return name, hash, err
}

// SampleInfo is a sample's summary and latest sign-off.
type SampleInfo struct {
	Batch, ID string
	QCStatus  string
	Reads     float64
	FF        *float64
	NoCall    bool
	Summary   []string
	// Decision is the latest sign-off ("" = pending), by SignedBy at
	// SignedAt.
	Decision, SignedBy, Comment string
	SignedAt                    time.Time
}

const sampleQuery = `
SELECT s.batch, s.id, s.qc_status, s.reads, s.ff, s.no_call, s.summary,
	coalesce(d.decision, ''), coalesce(d.user_name, ''), coalesce(d.comment, ''), coalesce(d.time, '')
FROM samples s
LEFT JOIN (
	SELECT so.* FROM signoffs so
	WHERE so.seq = (SELECT max(seq) FROM signoffs x WHERE x.batch = so.batch AND x.sample = so.sample)
) d ON d.batch = s.batch AND d.sample = s.id
`

func scanSample(sc interface{ Scan(...any) error }) (SampleInfo, error) {
	var si SampleInfo
	var ff sql.NullFloat64
	var summary, t string
	err := sc.Scan(&si.Batch, &si.ID, &si.QCStatus, &si.Reads, &ff, &si.NoCall, &summary, &si.Decision, &si.SignedBy, &si.Comment, &t)
	if ff.Valid {
		v := ff.Float64
		si.FF = &v
	}
	si.Summary = strings.Split(summary, "\t")
	if t != "" {
		si.SignedAt = parseTime(t)
	}
	return si, err
}

// Samples lists a batch's samples in their summary.tsv order.
func (s *Store) Samples(ctx context.Context, batch string) ([]SampleInfo, error) {
	rows, err := s.db.QueryContext(ctx, sampleQuery+" WHERE s.batch = ? ORDER BY s.pos", batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SampleInfo
	for rows.Next() {
		si, err := scanSample(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("batch %s: %w", batch, ErrNotFound)
	}
	return out, nil
}

// Sample returns one sample's summary and its stored view (without bins).
func (s *Store) Sample(ctx context.Context, batch, id string) (SampleInfo, []byte, error) {
	si, err := scanSample(s.db.QueryRowContext(ctx, sampleQuery+" WHERE s.batch = ? AND s.id = ?", batch, id))
	if errors.Is(err, sql.ErrNoRows) {
		return SampleInfo{}, nil, fmt.Errorf("sample %s of batch %s: %w", id, batch, ErrNotFound)
	}
	if err != nil {
		return SampleInfo{}, nil, err
	}
	view, err := s.blob(ctx, "view", batch, id)
	return si, view, err
}

// SampleBins returns a sample's stored bins.
func (s *Store) SampleBins(ctx context.Context, batch, id string) ([]byte, error) {
	return s.blob(ctx, "bins", batch, id)
}

// SampleViews returns the stored views (without bins) of a batch's
// samples in their order.
func (s *Store) SampleViews(ctx context.Context, batch string) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT view FROM samples WHERE batch = ? ORDER BY pos", batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var v []byte
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("batch %s: %w", batch, ErrNotFound)
	}
	return out, nil
}

// blob reads column col ("view" or "bins") of a sample.
func (s *Store) blob(ctx context.Context, col, batch, id string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, "SELECT "+col+" FROM samples WHERE batch = ? AND id = ?", batch, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sample %s of batch %s: %w", id, batch, ErrNotFound)
	}
	return b, err
}

// SignOff records a decision on a sample (a later one supersedes an
// earlier one; both stay in the history and the audit trail).
func (s *Store) SignOff(ctx context.Context, batch, sample, user, decision, comment string) error {
	if decision != DecisionApproved && decision != DecisionRejected {
		return fmt.Errorf("decision %q: use %s or %s", decision, DecisionApproved, DecisionRejected)
	}
	return s.tx(ctx, func(tx rtx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM samples WHERE batch = ? AND id = ?", batch, sample).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("sample %s of batch %s: %w", sample, batch, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO signoffs (batch, sample, user_name, decision, comment, time) VALUES (?, ?, ?, ?, ?, ?)",
			batch, sample, user, decision, comment, formatTime(s.now())); err != nil {
			return err
		}
		detail := decision
		if comment != "" {
			detail += ": " + comment
		}
		return s.audit(ctx, tx, AuditEntry{User: user, Action: ActionSignOff, Batch: batch, Sample: sample, Detail: detail})
	})
}

// SignOffRecord is one decision in a sample's history.
type SignOffRecord struct {
	User, Decision, Comment string
	Time                    time.Time
}

// SignOffs returns a sample's decisions, oldest first.
func (s *Store) SignOffs(ctx context.Context, batch, sample string) ([]SignOffRecord, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT user_name, decision, comment, time FROM signoffs WHERE batch = ? AND sample = ? ORDER BY seq", batch, sample)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SignOffRecord
	for rows.Next() {
		var r SignOffRecord
		var t string
		if err := rows.Scan(&r.User, &r.Decision, &r.Comment, &t); err != nil {
			return nil, err
		}
		r.Time = parseTime(t)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Trend holds one sequencing run's per-sample QC values for the trend
// views: the samples of a run, or of a batch whose samples name no run.
type Trend struct {
	// Run is the sequencing run ("" when the samples name none: then the
	// trend is Batch's); Batch is the batch that brought its first sample.
	Run, Batch       string
	Imported         time.Time // of Batch
	Reads, FF        []float64 // FF: measured samples only
	Pass, Warn, Fail int
	NoCall           int
	// SignedOff samples have a decision.
	SignedOff int
}

// Label names the trend: its run, else its batch.
func (t Trend) Label() string {
	if t.Run != "" {
		return t.Run
	}
	return t.Batch
}

// Trends returns the QC values by sequencing run (by batch for samples
// without a run), in the order their first samples were imported.
func (s *Store) Trends(ctx context.Context) ([]Trend, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT s.batch, s.run, b.imported, s.qc_status, s.reads, s.ff, s.no_call,
	EXISTS (SELECT 1 FROM signoffs x WHERE x.batch = s.batch AND x.sample = s.id)
FROM samples s JOIN batches b ON b.id = s.batch
ORDER BY b.seq, s.pos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pos := map[[2]string]int{}
	var out []Trend
	for rows.Next() {
		var batch, run, imported, qc string
		var reads float64
		var ff sql.NullFloat64
		var noCall, signed bool
		if err := rows.Scan(&batch, &run, &imported, &qc, &reads, &ff, &noCall, &signed); err != nil {
			return nil, err
		}
		key := [2]string{"run", run}
		if run == "" {
			key = [2]string{"batch", batch}
		}
		k, ok := pos[key]
		if !ok {
			k = len(out)
			pos[key] = k
			out = append(out, Trend{Run: run, Batch: batch, Imported: parseTime(imported)})
		}
		t := &out[k]
		t.Reads = append(t.Reads, reads)
		if ff.Valid {
			t.FF = append(t.FF, ff.Float64)
		}
		switch qc {
		case "pass":
			t.Pass++
		case "warn":
			t.Warn++
		default:
			t.Fail++
		}
		if noCall {
			t.NoCall++
		}
		if signed {
			t.SignedOff++
		}
	}
	return out, rows.Err()
}
