package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
	"github.com/nipt/nipt/internal/store"
)

// dummyHash is checked against when the user name is unknown, so that a
// failed sign-in takes the same time whether or not the account exists
// (made on first use: every nipt command links this package).
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-real-password", PasswordIterations)
	return h
})

// The sign-in throttle (OWASP's authentication guidance: limit failed
// attempts per account, lock for a period rather than for good, so that an
// attacker cannot lock a clinician out indefinitely at no cost).
const (
	MaxFailedSignIns = 5
	SignInLockout    = 15 * time.Minute
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.sessionUser(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.fail(w, r, http.StatusForbidden, "cross-site request refused")
		return
	}
	name, pw := r.PostFormValue("user"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	ctx := r.Context()
	logged := name
	if store.ValidUserName(name) != nil {
		logged = "(invalid name)"
	}
	// Throttle: after MaxFailedSignIns failures in a row, attempts on that
	// name are refused, unchecked, until the oldest of those failures is
	// SignInLockout old (known and unknown names alike; refusals do not
	// prolong the lock).
	n, oldest, err := s.o.Store.FailedSignIns(ctx, logged, MaxFailedSignIns)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if until := oldest.Add(SignInLockout); n >= MaxFailedSignIns && s.o.Now().Before(until) {
		if err := s.o.Store.Audit(ctx, store.AuditEntry{User: logged, Action: store.ActionLoginRefused, Detail: "too many failed sign-ins"}); err != nil {
			s.failErr(w, r, err)
			return
		}
		s.render(w, r, http.StatusTooManyRequests, "login", map[string]any{"Next": next,
			"Error": fmt.Sprintf("Too many failed sign-ins for this account: try again after %s.", until.UTC().Format("15:04 UTC"))})
		return
	}
	acc, err := s.o.Store.User(ctx, name)
	hash := acc.PasswordHash
	if err != nil {
		hash = dummyHash()
	}
	ok, herr := CheckPassword(hash, pw)
	if err != nil || herr != nil || !ok || acc.Disabled {
		if aerr := s.o.Store.Audit(ctx, store.AuditEntry{User: logged, Action: store.ActionLoginFailed}); aerr != nil {
			s.failErr(w, r, aerr)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "login", map[string]any{"Next": next, "Error": "Unknown user name or wrong password (or the account is disabled)."})
		return
	}
	tok, err := newToken()
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	csrf, err := newToken()
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	exp := s.o.Now().Add(s.o.SessionTTL)
	if err := s.o.Store.CreateSession(ctx, tokenHash(tok), store.Session{User: acc.Name, CSRF: csrf, Expires: exp}); err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.o.Store.Audit(ctx, store.AuditEntry{User: acc.Name, Action: store.ActionLogin}); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: exp, HttpOnly: true, Secure: s.o.SecureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := s.o.Store.DeleteSession(r.Context(), u.hash); err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.o.Store.Audit(r.Context(), store.AuditEntry{User: u.Name, Action: store.ActionLogout}); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.o.SecureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) batchesPage(w http.ResponseWriter, r *http.Request) {
	bs, err := s.o.Store.Batches(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "batches", map[string]any{"Batches": bs})
}

// column picks a summary.tsv column of a row.
func column(row []string, name string) string {
	i := slices.Index(report.SummaryColumns, name)
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// sampleRow is a batch page row.
type sampleRow struct {
	store.SampleInfo
	Cells []cell
}

// cell is a batch table cell; Class colours calls.
type cell struct{ Text, Class string }

// batchColumns are the batch page's columns: the summary.tsv values a
// reviewer reads, formatted (the API gives every column as it is).
var batchColumns = []string{"QC", "Reads", "Fetal fraction (95% CI)", "T21", "T18", "T13", "Sex chromosomes", "Rare trisomies", "CNVs", "No-call reason", "Run"}

func callCell(call, z string) cell {
	c := cell{Text: strings.ReplaceAll(call, "_", " ")}
	switch call {
	case "high_risk":
		c.Class = "high"
	case "low_risk":
		c.Class = "low"
	case "no_call":
		c.Class = "nocall"
	case "", "NA":
		c.Text, c.Class = "not screened", "muted"
	default: // an SCA type under report_type
		c.Class = "high"
	}
	if z != "" && z != "NA" {
		c.Text += " (z " + z + ")"
	}
	return c
}

func batchCells(row []string) []cell {
	col := func(n string) string { return column(row, n) }
	pct := func(v string) string {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v
		}
		return fmt.Sprintf("%.1f", 100*f)
	}
	ff := "not measured"
	if v := col("ff"); v != "" && v != "NA" {
		ff = fmt.Sprintf("%s%% (%s–%s)", pct(v), pct(col("ff_low")), pct(col("ff_high")))
	}
	run := col("run")
	if run == "NA" {
		run = "–"
	}
	reads := col("reads")
	if f, err := strconv.ParseFloat(reads, 64); err == nil {
		reads = fmt.Sprintf("%.2f M", f/1e6)
	}
	list := func(v string, format func(string) string) cell {
		switch v {
		case "NA":
			return cell{Text: "not screened", Class: "muted"}
		case "":
			return cell{Text: "none"}
		}
		items := strings.Split(v, ";")
		for i, it := range items {
			items[i] = format(it)
		}
		return cell{Text: strings.Join(items, "; "), Class: "high"}
	}
	return []cell{
		{Text: col("qc_status"), Class: "qc-" + col("qc_status")},
		{Text: reads},
		{Text: ff},
		callCell(col("call21"), col("z21")),
		callCell(col("call18"), col("z18")),
		callCell(col("call13"), col("z13")),
		callCell(col("sca"), ""),
		list(col("rat"), func(x string) string { return x }),
		list(col("cnvs"), cnvText),
		{Text: strings.ReplaceAll(col("no_call_reason"), ";", "; ")},
		{Text: run},
	}
}

// cnvText writes a summary.tsv CNV (chrom:start-end:type:origin, 0-based
// half-open) for a reader: "chr4:10.0–16.0 Mb loss (fetal)".
func cnvText(c string) string {
	f := strings.Split(c, ":")
	if len(f) != 4 {
		return c
	}
	se := strings.Split(f[1], "-")
	if len(se) != 2 {
		return c
	}
	a, err1 := strconv.Atoi(se[0])
	b, err2 := strconv.Atoi(se[1])
	if err1 != nil || err2 != nil {
		return c
	}
	return fmt.Sprintf("%s:%.1f–%.1f Mb %s (%s)", f[0], float64(a)/1e6, float64(b)/1e6, f[2], f[3])
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("batch")
	b, err := s.o.Store.Batch(ctx, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	ss, err := s.o.Store.Samples(ctx, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	rows := make([]sampleRow, len(ss))
	for i, si := range ss {
		rows[i] = sampleRow{SampleInfo: si, Cells: batchCells(si.Summary)}
	}
	other, err := s.otherProfile(r, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "batch", map[string]any{
		"Batch": b, "Rows": rows, "Columns": batchColumns, "OtherProfile": other,
	})
}

func (s *Server) batchPlot(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("batch")
	raws, err := s.o.Store.SampleViews(ctx, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	other, err := s.otherProfile(r, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	views := make([]*result.Result, len(raws))
	for i, raw := range raws {
		v, err := decodeView(raw, nil)
		if err == nil && other {
			v, err = s.reapply(r, v)
		}
		if err != nil {
			s.viewErr(w, r, err)
			return
		}
		views[i] = v
	}
	png, err := report.ZFFScatter(views)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writePNG(w, png)
}

// errProfileChanged: a stored view cannot be shown under the current
// profile.
var errProfileChanged = errors.New("profile changed")

// view returns a stored sample's view under the server's profile, with
// its bins when withBins (the plots and reports need them). A batch
// imported under another profile file is passed through the current
// profile's policy again (which never restores removed data, and refuses a
// view the current policy could not have made).
func (s *Server) view(r *http.Request, batch, sample string, withBins bool) (*result.Result, store.SampleInfo, error) {
	ctx := r.Context()
	si, raw, err := s.o.Store.Sample(ctx, batch, sample)
	if err != nil {
		return nil, si, err
	}
	var bins []byte
	if withBins {
		if bins, err = s.o.Store.SampleBins(ctx, batch, sample); err != nil {
			return nil, si, err
		}
	}
	v, err := decodeView(raw, bins)
	if err != nil {
		return nil, si, err
	}
	other, err := s.otherProfile(r, batch)
	if err != nil || !other {
		return v, si, err
	}
	v, err = s.reapply(r, v)
	return v, si, err
}

// otherProfile reports whether a batch was imported under another
// profile file than the server's.
func (s *Server) otherProfile(r *http.Request, batch string) (bool, error) {
	_, hash, err := s.o.Store.BatchProfile(r.Context(), batch)
	return hash != s.o.Profile.Hash, err
}

// reapply passes a view of a batch imported under another profile file
// through the server's profile.
func (s *Server) reapply(r *http.Request, v *result.Result) (*result.Result, error) {
	req := disclosure.Request{}
	if u := currentUser(r); u != nil {
		req.Requester = u.Name
	}
	out, err := disclosure.Apply(v, s.o.Profile.Profile, req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errProfileChanged, err)
	}
	return out, nil
}

func (s *Server) viewErr(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errProfileChanged) {
		s.fail(w, r, http.StatusConflict, "this batch was imported under another lab profile whose disclosure the current one does not allow: import the analysis again under the current profile")
		return
	}
	s.failErr(w, r, err)
}

func (s *Server) samplePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	batch, sample := r.PathValue("batch"), r.PathValue("sample")
	v, si, err := s.view(r, batch, sample, false)
	if err != nil {
		s.viewErr(w, r, err)
		return
	}
	m, err := report.NewModel(v, s.o.Profile.Profile, "")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	hist, err := s.o.Store.SignOffs(ctx, batch, sample)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	u := currentUser(r)
	if err := s.o.Store.Audit(ctx, store.AuditEntry{User: u.Name, Action: store.ActionViewSample, Batch: batch, Sample: sample}); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "sample", map[string]any{
		"Batch": batch, "Sample": si, "Model": m, "History": hist,
		"CanSign": u.Role == store.RoleGeneticist,
	})
}

// sampleFile serves a sample's plots and rendered reports.
func (s *Server) sampleFile(w http.ResponseWriter, r *http.Request) {
	batch, sample, file := r.PathValue("batch"), r.PathValue("sample"), r.PathValue("file")
	var plot func(*result.Result) ([]byte, error)
	switch file {
	case "genome.png":
		plot = report.GenomePlot
	case "chromosomes.png":
		plot = report.ChromosomeZPlot
	case "panels.png":
		plot = report.ChromosomePanels
	case "report.html", "report.pdf":
	default:
		s.fail(w, r, http.StatusNotFound, "no such file: "+file)
		return
	}
	v, si, err := s.view(r, batch, sample, true)
	if err != nil {
		s.viewErr(w, r, err)
		return
	}
	if plot != nil {
		png, err := plot(v)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		writePNG(w, png)
		return
	}
	m, err := report.NewModel(v, s.o.Profile.Profile, "")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	signOffState(m, si)
	html, pdf, _, err := report.ModelDocuments(m, v)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.o.Store.Audit(r.Context(), store.AuditEntry{User: currentUser(r).Name, Action: store.ActionViewSample, Batch: batch, Sample: sample, Detail: file}); err != nil {
		s.failErr(w, r, err)
		return
	}
	if file == "report.pdf" {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", sample+".report.pdf"))
		_, _ = w.Write(pdf)
		return
	}
	// The report is self-contained: inline styles and data: images.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(html)
}

// signOffState puts the sample's review state on its report: signed by
// the geneticist who approved it, dated that day; otherwise a banner says
// that the report is not a released result.
func signOffState(m *report.Model, si store.SampleInfo) {
	switch si.Decision {
	case store.DecisionApproved:
		day := si.SignedAt.UTC().Format("2006-01-02")
		m.SignedBy = si.SignedBy + " (signed off electronically in nipt review)"
		m.SignedDate, m.ReportDate = day, day
	case store.DecisionRejected:
		m.Draft = fmt.Sprintf("NOT RELEASED: rejected at review by %s on %s: %s", si.SignedBy, si.SignedAt.UTC().Format("2006-01-02"), si.Comment)
	default:
		m.Draft = "DRAFT: not yet signed off; not a released result."
	}
}

func writePNG(w http.ResponseWriter, png []byte) {
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}

// maxComment bounds a sign-off comment.
const maxComment = 2000

// signOff validates and records a decision, or answers the error (400 for
// the reviewer's mistakes, 404 for an unknown sample) and returns false.
func (s *Server) signOff(w http.ResponseWriter, r *http.Request, batch, sample, decision, comment string) bool {
	comment = strings.TrimSpace(comment)
	var msg string
	switch {
	case decision != store.DecisionApproved && decision != store.DecisionRejected:
		msg = fmt.Sprintf("decision %q: use %s or %s", decision, store.DecisionApproved, store.DecisionRejected)
	case decision == store.DecisionRejected && comment == "":
		msg = "a rejection needs a comment (why, and what happens next: redraw, re-analysis)"
	case len(comment) > maxComment:
		msg = fmt.Sprintf("comment longer than %d bytes", maxComment)
	}
	if msg != "" {
		s.fail(w, r, http.StatusBadRequest, msg)
		return false
	}
	if err := s.o.Store.SignOff(r.Context(), batch, sample, currentUser(r).Name, decision, comment); err != nil {
		s.failErr(w, r, err)
		return false
	}
	return true
}

func (s *Server) signOffForm(w http.ResponseWriter, r *http.Request) {
	batch, sample := r.PathValue("batch"), r.PathValue("sample")
	if !s.signOff(w, r, batch, sample, r.PostFormValue("decision"), r.PostFormValue("comment")) {
		return
	}
	http.Redirect(w, r, "/batches/"+url.PathEscape(batch)+"/samples/"+url.PathEscape(sample), http.StatusSeeOther)
}

func (s *Server) trendsPage(w http.ResponseWriter, r *http.Request) {
	tr, err := s.o.Store.Trends(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	type row struct {
		store.Trend
		Samples            int
		MedianReads, MedFF float64
		HasFF              bool
		NoCallRate         float64
	}
	var rows []row
	for _, t := range tr {
		rw := row{Trend: t, Samples: len(t.Reads), MedianReads: stats.Median(t.Reads)}
		if len(t.FF) > 0 {
			rw.MedFF, rw.HasFF = stats.Median(t.FF), true
		}
		rw.NoCallRate = float64(t.NoCall) / float64(len(t.Reads))
		rows = append(rows, rw)
	}
	s.render(w, r, http.StatusOK, "trends", map[string]any{"Rows": rows})
}

func (s *Server) trendsPlot(w http.ResponseWriter, r *http.Request) {
	tr, err := s.o.Store.Trends(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if len(tr) == 0 {
		s.fail(w, r, http.StatusNotFound, "no batches imported yet")
		return
	}
	bs := make([]report.BatchStats, len(tr))
	for i, t := range tr {
		bs[i] = report.BatchStats{ID: t.Label(), Reads: t.Reads, FF: t.FF, Pass: t.Pass, Warn: t.Warn, Fail: t.Fail, NoCall: t.NoCall}
	}
	png, err := report.TrendPlot(bs)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writePNG(w, png)
}

// auditTrail reads the entries the request's query selects (user, action,
// batch, sample) and verifies the whole chain (chainErr: the first broken
// entry).
func (s *Server) auditTrail(r *http.Request) (f store.AuditFilter, entries []store.AuditEntry, n int, chainErr, err error) {
	q := r.URL.Query()
	f = store.AuditFilter{User: q.Get("user"), Action: q.Get("action"), Batch: q.Get("batch"), Sample: q.Get("sample")}
	if entries, err = s.o.Store.AuditTrail(r.Context(), f); err != nil {
		return f, nil, 0, nil, err
	}
	n, chainErr = s.o.Store.VerifyAudit(r.Context())
	return f, entries, n, chainErr, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, entries, n, verr, err := s.auditTrail(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	chain := fmt.Sprintf("intact (%d entries)", n)
	if verr != nil {
		chain = verr.Error()
	}
	s.render(w, r, http.StatusOK, "audit", map[string]any{"Entries": entries, "Filter": f, "Chain": chain, "ChainOK": verr == nil})
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, code int, msg string) {
	us, err := s.o.Store.Users(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, code, "users", map[string]any{"Users": us, "Roles": store.Roles, "Error": msg, "MinPassword": MinPasswordLength})
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	role, err := store.ParseRole(r.PostFormValue("role"))
	if err == nil {
		err = store.ValidUserName(name)
	}
	var hash string
	if err == nil {
		hash, err = HashPassword(r.PostFormValue("password"), PasswordIterations)
	}
	if err == nil {
		err = s.o.Store.AddUser(r.Context(), currentUser(r).Name, store.User{Name: name, Role: role, PasswordHash: hash})
	}
	if err != nil {
		s.renderUsers(w, r, http.StatusBadRequest, err.Error())
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

func (s *Server) changeUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	role, err := store.ParseRole(r.PostFormValue("role"))
	if err != nil {
		s.renderUsers(w, r, http.StatusBadRequest, err.Error())
		return
	}
	disabled := r.PostFormValue("disabled") == "on"
	u := currentUser(r)
	if name == u.Name && (disabled || role != store.RoleManager) {
		s.renderUsers(w, r, http.StatusBadRequest, "you cannot disable your own account or give up your own manager role (ask another manager)")
		return
	}
	var hash string
	if pw := r.PostFormValue("password"); pw != "" {
		if hash, err = HashPassword(pw, PasswordIterations); err != nil {
			s.renderUsers(w, r, http.StatusBadRequest, err.Error())
			return
		}
	}
	if err := s.o.Store.UpdateUser(r.Context(), u.Name, name, role, disabled, hash); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, http.StatusNotFound, err.Error())
			return
		}
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}
