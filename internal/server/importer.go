package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/store"
)

// Profile is the lab profile the review application works under, with the
// hash that ties imported batches to it.
type Profile struct {
	*disclosure.Profile
	// Hash is the SHA-256 of the profile file ("" for the default profile).
	Hash string
}

// DefaultProfile is the built-in profile (fetal sex never disclosed).
func DefaultProfile() Profile { return Profile{Profile: disclosure.DefaultProfile()} }

// LoadProfile reads a lab profile file (docs/lab-profile.md).
func LoadProfile(path string) (Profile, error) {
	p, err := disclosure.LoadProfile(path)
	if err != nil {
		return Profile{}, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("reading lab profile: %w", err)
	}
	h := sha256.Sum256(b)
	return Profile{Profile: p, Hash: hex.EncodeToString(h[:])}, nil
}

// ImportOptions configure Import.
type ImportOptions struct {
	Profile Profile
	// Request applies to every sample; Requests (the sample sheet's
	// sex_requested and indication), by sample ID, replace it.
	Request  disclosure.Request
	Requests map[string]disclosure.Request
	// Batch names the batch (default: the analysis directory's name).
	Batch string
	// User is who imports ("" = the command line).
	User string
}

// ValidBatchID accepts 1–100 letters, digits, '.', '_' and '-' (not
// starting with '.').
func ValidBatchID(id string) error {
	if id == "" || len(id) > 100 || id[0] == '.' {
		return fmt.Errorf("batch ID %q: 1 to 100 characters, not starting with '.'", id)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)) {
			return fmt.Errorf("batch ID %q: only letters, digits and . _ - (give --batch NAME)", id)
		}
	}
	return nil
}

// Import reads an analysis directory (the -o directory of nipt analyze),
// passes every result through the lab profile's disclosure policy and
// stores the views — never the raw results — as one batch. Fetal-sex
// disclosures the policy allows are recorded in the audit trail (and in
// the profile's own audit log when it names one).
func Import(ctx context.Context, st *store.Store, dir string, o ImportOptions) (store.BatchInfo, error) {
	if o.Profile.Profile == nil {
		o.Profile = DefaultProfile()
	}
	b, err := report.LoadBatch(dir)
	if err != nil {
		return store.BatchInfo{}, err
	}
	id := o.Batch
	if id == "" {
		id = b.ID
	}
	if err := ValidBatchID(id); err != nil {
		return store.BatchInfo{}, err
	}
	// Refused before any view is made, so that a second import of a batch
	// records no fetal-sex disclosure (AddBatch checks again, atomically).
	if _, err := st.Batch(ctx, id); err == nil {
		return store.BatchInfo{}, fmt.Errorf("batch %s: %w (a batch is imported once; analyse into a new directory to import again)", id, store.ErrExists)
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.BatchInfo{}, err
	}
	p := *o.Profile.Profile
	p.Audit = &storeAudit{ctx: ctx, st: st, batch: id, next: o.Profile.Audit}
	imp := store.BatchImport{ID: id, User: o.User, Profile: p.Name, ProfileHash: o.Profile.Hash}
	imp.QCNote, imp.QCWarnings = report.BatchQCSummary(b.Offsets)
	for _, r := range b.Results {
		req := o.Request
		if q, ok := o.Requests[r.Sample]; ok {
			req = q
		}
		if req.Requester == "" {
			req.Requester = o.User
		}
		v, err := disclosure.Apply(r, &p, req)
		if err != nil {
			return store.BatchInfo{}, fmt.Errorf("importing %s: %w", dir, err)
		}
		row, err := report.SummaryRow(v)
		if err != nil {
			return store.BatchInfo{}, fmt.Errorf("importing %s: %w", dir, err)
		}
		enc, bins, err := encodeView(v)
		if err != nil {
			return store.BatchInfo{}, err
		}
		rec := store.SampleRecord{ID: v.Sample, QCStatus: string(v.QC.Status), Reads: report.SampleReads(v),
			NoCall: report.NoCallSample(v), Summary: row, View: enc, Bins: bins}
		if v.FetalFraction.Known() {
			f := v.FetalFraction.Value
			rec.FF = &f
		}
		if len(v.Runs) > 0 {
			rec.Run = counts.RunKey(v.Runs)
		}
		imp.Samples = append(imp.Samples, rec)
	}
	if err := st.AddBatch(ctx, imp); err != nil {
		return store.BatchInfo{}, err
	}
	return st.Batch(ctx, id)
}

// storeAudit records fetal-sex disclosures in the review audit trail, then
// in the profile's own log.
type storeAudit struct {
	ctx   context.Context
	st    *store.Store
	batch string
	next  disclosure.AuditLog
}

func (a *storeAudit) Record(e disclosure.AuditEntry) error {
	detail := "policy " + e.Policy + ", profile " + e.Profile
	if e.Indication != "" {
		detail += ", indication: " + e.Indication
	}
	if err := a.st.Audit(a.ctx, store.AuditEntry{User: e.Requester, Action: store.ActionFetalSexDisclosed, Batch: a.batch, Sample: e.Sample, Detail: detail}); err != nil {
		return err
	}
	if a.next != nil {
		return a.next.Record(e)
	}
	return nil
}

// A view is stored as two gzip-compressed JSON documents: the result
// (result.Result leaves its bins out of JSON) and its bins, read only for
// the plots and reports, since they are most of its size (JSON has no NaN,
// a masked bin's ratio: nil stands for it).
type storedBin struct {
	Chrom  string   `json:"c"`
	Start  int      `json:"s"`
	End    int      `json:"e"`
	Ratio  *float64 `json:"r"` // nil: NaN
	Z      *float64 `json:"z"`
	Masked bool     `json:"m,omitempty"`
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func gzipJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	// BestSpeed: compresses the bins' JSON about 5:1 at a fraction of the
	// default level's time (BenchmarkImport).
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gunzipJSON(b []byte, v any) error {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// encodeView returns the stored forms of a view and of its bins.
func encodeView(v *result.Result) (view, bins []byte, err error) {
	if view, err = gzipJSON(v); err != nil {
		return nil, nil, fmt.Errorf("encoding sample %s: %w", v.Sample, err)
	}
	sb := make([]storedBin, len(v.Bins))
	for i, b := range v.Bins {
		sb[i] = storedBin{Chrom: b.Chrom, Start: b.Start, End: b.End, Ratio: finite(b.Ratio), Z: finite(b.Z), Masked: b.Masked}
	}
	if bins, err = gzipJSON(sb); err != nil {
		return nil, nil, fmt.Errorf("encoding the bins of sample %s: %w", v.Sample, err)
	}
	return view, bins, nil
}

// decodeView reads a stored view and, when bins is not nil, its bins.
func decodeView(view, bins []byte) (*result.Result, error) {
	var r result.Result
	if err := gunzipJSON(view, &r); err != nil || r.Sample == "" {
		return nil, fmt.Errorf("stored view: not a nipt result (%v)", err)
	}
	if bins == nil {
		return &r, nil
	}
	var sb []storedBin
	if err := gunzipJSON(bins, &sb); err != nil {
		return nil, fmt.Errorf("stored bins of sample %s: %w", r.Sample, err)
	}
	r.Bins = make([]result.Bin, len(sb))
	for i, b := range sb {
		r.Bins[i] = result.Bin{Chrom: b.Chrom, Start: b.Start, End: b.End, Ratio: orNaN(b.Ratio), Z: orNaN(b.Z), Masked: b.Masked}
	}
	return &r, nil
}
