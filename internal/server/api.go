package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/store"
)

// The JSON API (docs/review.md "API"): the same data and rules as the
// pages, for a laboratory information system. Authentication is the
// session cookie of POST /login; state-changing calls send the session's
// CSRF token (GET /api/v1/me) in the X-CSRF-Token header.

type apiBatch struct {
	ID         string    `json:"id"`
	Imported   time.Time `json:"imported"`
	ImportedBy string    `json:"imported_by"`
	Profile    string    `json:"profile"`
	Samples    int       `json:"samples"`
	Approved   int       `json:"approved"`
	Rejected   int       `json:"rejected"`
	Pending    int       `json:"pending"`
	QCFail     int       `json:"qc_fail"`
	NoCall     int       `json:"no_call"`
	// BatchQC is the analysis' batch QC note; BatchQCWarnings one
	// warning per chromosome with a batch offset.
	BatchQC         string   `json:"batch_qc"`
	BatchQCWarnings []string `json:"batch_qc_warnings,omitempty"`
}

func toAPIBatch(b store.BatchInfo) apiBatch {
	return apiBatch{ID: b.ID, Imported: b.Imported, ImportedBy: b.ImportedBy, Profile: b.Profile, Samples: b.Samples,
		Approved: b.Approved, Rejected: b.Rejected, Pending: b.Pending(), QCFail: b.QCFail, NoCall: b.NoCall,
		BatchQC: b.QCNote, BatchQCWarnings: b.QCWarnings}
}

type apiSignOff struct {
	Decision string    `json:"decision"`
	User     string    `json:"user"`
	Comment  string    `json:"comment,omitempty"`
	Time     time.Time `json:"time"`
}

type apiSample struct {
	ID string `json:"id"`
	// Summary is the sample's summary.tsv row by column name.
	Summary map[string]string `json:"summary"`
	// SignOff is the latest decision (absent: pending).
	SignOff *apiSignOff `json:"sign_off,omitempty"`
}

func toAPISample(si store.SampleInfo) apiSample {
	a := apiSample{ID: si.ID, Summary: map[string]string{}}
	for i, c := range report.SummaryColumns {
		if i < len(si.Summary) {
			a.Summary[c] = si.Summary[i]
		}
	}
	if si.Decision != "" {
		a.SignOff = &apiSignOff{Decision: si.Decision, User: si.SignedBy, Comment: si.Comment, Time: si.SignedAt}
	}
	return a
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	writeJSON(w, http.StatusOK, map[string]string{"user": u.Name, "role": string(u.Role), "csrf_token": u.CSRF})
}

func (s *Server) apiBatches(w http.ResponseWriter, r *http.Request) {
	bs, err := s.o.Store.Batches(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := make([]apiBatch, len(bs))
	for i, b := range bs {
		out[i] = toAPIBatch(b)
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": out})
}

func (s *Server) apiBatch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("batch")
	b, err := s.o.Store.Batch(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	ss, err := s.o.Store.Samples(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	samples := make([]apiSample, len(ss))
	for i, si := range ss {
		samples[i] = toAPISample(si)
	}
	writeJSON(w, http.StatusOK, map[string]any{"batch": toAPIBatch(b), "samples": samples})
}

// apiSample answers the sample's view (the result.json the disclosure
// policy allows, docs/result.schema.json; bins are left out) with its
// review state.
func (s *Server) apiSample(w http.ResponseWriter, r *http.Request) {
	batch, sample := r.PathValue("batch"), r.PathValue("sample")
	v, si, err := s.view(r, batch, sample, false)
	if err != nil {
		s.viewErr(w, r, err)
		return
	}
	hist, err := s.o.Store.SignOffs(r.Context(), batch, sample)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	u := currentUser(r)
	if err := s.o.Store.Audit(r.Context(), store.AuditEntry{User: u.Name, Action: store.ActionViewSample, Batch: batch, Sample: sample, Detail: "api"}); err != nil {
		s.failErr(w, r, err)
		return
	}
	history := make([]apiSignOff, len(hist))
	for i, h := range hist {
		history[i] = apiSignOff{Decision: h.Decision, User: h.User, Comment: h.Comment, Time: h.Time}
	}
	writeJSON(w, http.StatusOK, struct {
		apiSample
		Result  *result.Result `json:"result"`
		History []apiSignOff   `json:"sign_off_history"`
	}{toAPISample(si), v, history})
}

func (s *Server) apiSignOff(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.fail(w, r, http.StatusUnsupportedMediaType, "send the sign-off as application/json: {\"decision\": \"approved\"|\"rejected\", \"comment\": \"...\"}")
		return
	}
	var body struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		s.fail(w, r, http.StatusBadRequest, "malformed JSON: "+err.Error())
		return
	}
	batch, sample := r.PathValue("batch"), r.PathValue("sample")
	if !s.signOff(w, r, batch, sample, body.Decision, body.Comment) {
		return
	}
	si, _, err := s.o.Store.Sample(r.Context(), batch, sample)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPISample(si))
}

type apiAuditEntry struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	User   string    `json:"user"`
	Action string    `json:"action"`
	Batch  string    `json:"batch,omitempty"`
	Sample string    `json:"sample,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Hash   string    `json:"hash"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	_, entries, _, verr, err := s.auditTrail(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := make([]apiAuditEntry, len(entries))
	for i, e := range entries {
		out[i] = apiAuditEntry(e)
	}
	chain := "intact"
	if verr != nil {
		chain = verr.Error()
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "chain": chain})
}
