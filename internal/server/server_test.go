package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/store"
)

// testIterations keeps password hashing cheap in tests; the format and
// check are the same as with PasswordIterations.
const testIterations = 1000

var testPasswords = map[string]string{"ana": "analyst-password", "gina": "geneticist-password", "boss": "manager-password"}

type env struct {
	t     testing.TB
	st    *store.Store
	srv   *httptest.Server
	dir   string
	clock *time.Time // the time of the store and the server
}

// newEnv starts a review server with three accounts (analyst ana,
// geneticist gina, manager boss) under profile p.
func newEnv(t testing.TB, p Profile) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "review.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return clock }
	for name, role := range map[string]store.Role{"ana": store.RoleAnalyst, "gina": store.RoleGeneticist, "boss": store.RoleManager} {
		h, err := HashPassword(testPasswords[name], testIterations)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AddUser(context.Background(), "", store.User{Name: name, Role: role, PasswordHash: h}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Options{Store: st, Profile: p, Now: func() time.Time { return clock }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, dir: dir, clock: &clock}
}

// importFixtures writes the views of fixture results under p and req as
// an analysis directory named batch, as nipt analyze --profile does, and
// imports it under the same profile and request.
func (e *env) importFixtures(batch string, p Profile, req disclosure.Request, specs ...disclosure.FixtureSpec) {
	e.t.Helper()
	var rs []*result.Result
	for _, s := range specs {
		rs = append(rs, disclosure.Fixture(s))
	}
	dir := filepath.Join(e.dir, "analyses", batch)
	if err := report.WriteAnalysisViews(dir, p.Profile, req, rs...); err != nil {
		e.t.Fatal(err)
	}
	if _, err := Import(context.Background(), e.st, dir, ImportOptions{Profile: p, Request: req}); err != nil {
		e.t.Fatal(err)
	}
}

// client is a browser: a cookie jar, no redirects followed.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *env) login(name string) *client {
	e.t.Helper()
	c := e.anon()
	resp := c.postForm("/login", url.Values{"user": {name}, "password": {testPasswords[name]}})
	if resp.code != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", name, resp.code, resp.body)
	}
	var me map[string]string
	if err := json.Unmarshal(c.get("/api/v1/me").mustOK(e.t).body, &me); err != nil {
		e.t.Fatal(err)
	}
	if me["user"] != name || me["csrf_token"] == "" {
		e.t.Fatalf("me = %v", me)
	}
	c.csrf = me["csrf_token"]
	return c
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) mustOK(t testing.TB) response {
	t.Helper()
	if r.code != http.StatusOK {
		t.Fatalf("status %d: %s", r.code, r.body)
	}
	return r
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) postForm(path string, v url.Values) response {
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postJSON(path, body string, header map[string]string) response {
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

func actions(t testing.TB, st *store.Store, f store.AuditFilter) []string {
	t.Helper()
	es, err := st.AuditTrail(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].User+":"+es[i].Action)
	}
	return out
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery", testIterations)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery", testIterations)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterz": false, "": false} {
		if ok, err := CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := HashPassword("short", testIterations); err == nil {
		t.Error("a 5-character password was accepted")
	}
	for _, bad := range []string{"", "md5$x", "pbkdf2-sha256$x$a$b", "pbkdf2-sha256$10$!!$b"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
}

func TestSignInAndRoles(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "male", Condition: "T21", Seed: 2})
	anon := e.anon()
	if r := anon.get("/"); r.code != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2F" {
		t.Errorf("GET / signed out: %d %s", r.code, r.header.Get("Location"))
	}
	if r := anon.get("/api/v1/batches"); r.code != http.StatusUnauthorized || !bytes.Contains(r.body, []byte(`"error"`)) {
		t.Errorf("API signed out: %d %s", r.code, r.body)
	}
	if r := anon.get("/healthz"); r.code != http.StatusOK {
		t.Errorf("healthz: %d", r.code)
	}
	// A wrong password and an unknown user get the same answer.
	r1 := anon.postForm("/login", url.Values{"user": {"gina"}, "password": {"not-her-password"}})
	r2 := anon.postForm("/login", url.Values{"user": {"nobody"}, "password": {"not-her-password"}})
	if r1.code != http.StatusUnauthorized || r2.code != http.StatusUnauthorized || !bytes.Equal(r1.body, r2.body) {
		t.Errorf("failed sign-ins differ or are not 401: %d %d", r1.code, r2.code)
	}
	// Redirect after sign-in stays on the site.
	c := e.anon()
	r := c.postForm("/login", url.Values{"user": {"gina"}, "password": {testPasswords["gina"]}, "next": {"//evil.example/x"}})
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Errorf("next=//evil: %d %q", r.code, r.header.Get("Location"))
	}
	ck := r.header.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(ck, attr) {
			t.Errorf("session cookie %q lacks %s", ck, attr)
		}
	}

	ana, gina, boss := e.login("ana"), e.login("gina"), e.login("boss")
	page := ana.get("/batches/run1").mustOK(t)
	for _, want := range []string{"S01", "S02", "high risk (z", "pending"} {
		if !bytes.Contains(page.body, []byte(want)) {
			t.Errorf("batch page lacks %q", want)
		}
	}
	if h := page.header.Get("Content-Security-Policy"); !strings.Contains(h, "script-src 'none'") {
		t.Errorf("CSP = %q", h)
	}
	if page.header.Get("Cache-Control") != "no-store" {
		t.Error("patient pages may be cached")
	}
	sign := url.Values{"decision": {"approved"}}
	path := "/batches/run1/samples/S01/signoff"
	// Role, token and origin are each enforced.
	if r := ana.postForm(path, url.Values{"decision": {"approved"}, "csrf": {ana.csrf}}); r.code != http.StatusForbidden || !bytes.Contains(r.body, []byte("geneticist role")) {
		t.Errorf("analyst signs off: %d", r.code)
	}
	if r := gina.postForm(path, sign); r.code != http.StatusForbidden {
		t.Errorf("sign-off without CSRF token: %d", r.code)
	}
	sign.Set("csrf", gina.csrf)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(sign.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r := gina.do(req); r.code != http.StatusForbidden {
		t.Errorf("cross-origin sign-off: %d", r.code)
	}
	if r := gina.postForm(path, sign); r.code != http.StatusSeeOther {
		t.Fatalf("sign-off: %d %s", r.code, r.body)
	}
	if r := gina.postForm("/batches/run1/samples/S02/signoff", url.Values{"decision": {"rejected"}, "csrf": {gina.csrf}}); r.code != http.StatusBadRequest || !bytes.Contains(r.body, []byte("needs a comment")) {
		t.Errorf("rejection without comment: %d", r.code)
	}
	sp := ana.get("/batches/run1/samples/S01").mustOK(t)
	if !bytes.Contains(sp.body, []byte(`<td class="decision approved">approved</td>`)) || !bytes.Contains(sp.body, []byte("needs the geneticist role")) {
		t.Errorf("sample page after sign-off:\n%s", sp.body)
	}
	// Managers read the audit trail; others may not.
	if r := ana.get("/audit"); r.code != http.StatusForbidden {
		t.Errorf("analyst reads the audit trail: %d", r.code)
	}
	ap := boss.get("/audit").mustOK(t)
	if !bytes.Contains(ap.body, []byte("Hash chain: intact")) {
		t.Error("audit page does not report an intact chain")
	}
	// Sign-out ends the session.
	if r := gina.postForm("/logout", url.Values{"csrf": {gina.csrf}}); r.code != http.StatusSeeOther {
		t.Errorf("logout: %d", r.code)
	}
	if r := gina.get("/"); r.code != http.StatusSeeOther {
		t.Errorf("after logout: %d", r.code)
	}
	got := strings.Join(actions(t, e.st, store.AuditFilter{}), " ")
	want := "cli:user_add cli:user_add cli:user_add cli:import gina:login_failed nobody:login_failed gina:login ana:login gina:login boss:login gina:sign_off ana:view_sample gina:logout"
	if got != want {
		t.Errorf("audit trail\n got %s\nwant %s", got, want)
	}
	if n, err := e.st.VerifyAudit(context.Background()); err != nil || n != 13 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

func TestAPI(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "T18", Seed: 1})
	gina := e.login("gina")
	h := map[string]string{"X-CSRF-Token": gina.csrf}
	path := "/api/v1/batches/run1/samples/S01/signoff"
	for _, tc := range []struct {
		body   string
		header map[string]string
		code   int
		msg    string
	}{
		{`{"decision":"approved"}`, nil, http.StatusForbidden, "token"},
		{`{"decision":"maybe"}`, h, http.StatusBadRequest, "use approved or rejected"},
		{`{"decision":"rejected"}`, h, http.StatusBadRequest, "needs a comment"},
		{`{"decision":`, h, http.StatusBadRequest, "malformed JSON"},
		{`{"decision":"approved","sex":"x"}`, h, http.StatusBadRequest, "unknown field"},
		{`{"decision":"approved","comment":"` + strings.Repeat("x", 70<<10) + `"}`, h, http.StatusRequestEntityTooLarge, "too large"},
	} {
		r := gina.postJSON(path, tc.body, tc.header)
		if r.code != tc.code || !bytes.Contains(r.body, []byte(tc.msg)) {
			t.Errorf("POST %.40s: %d %s; want %d %q", tc.body, r.code, r.body, tc.code, tc.msg)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(`decision=approved`))
	req.Header.Set("X-CSRF-Token", gina.csrf)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := gina.do(req); r.code != http.StatusUnsupportedMediaType {
		t.Errorf("form body to the API: %d", r.code)
	}
	if r := gina.postJSON("/api/v1/batches/run1/samples/S09/signoff", `{"decision":"approved"}`, h); r.code != http.StatusNotFound {
		t.Errorf("unknown sample: %d %s", r.code, r.body)
	}
	r := gina.postJSON(path, `{"decision":"rejected","comment":"redraw: low fetal fraction"}`, h).mustOK(t)
	var got apiSample
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.SignOff == nil || got.SignOff.Decision != "rejected" || got.SignOff.User != "gina" || got.Summary["call18"] != "high_risk" {
		t.Errorf("sign-off answer = %+v", got)
	}
	var b struct {
		Batch   apiBatch    `json:"batch"`
		Samples []apiSample `json:"samples"`
	}
	if err := json.Unmarshal(gina.get("/api/v1/batches/run1").mustOK(t).body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Batch.Rejected != 1 || b.Batch.Pending != 0 || len(b.Samples) != 1 {
		t.Errorf("batch = %+v", b)
	}
	var sv struct {
		Result  result.Result `json:"result"`
		History []apiSignOff  `json:"sign_off_history"`
	}
	if err := json.Unmarshal(gina.get("/api/v1/batches/run1/samples/S01").mustOK(t).body, &sv); err != nil {
		t.Fatal(err)
	}
	if sv.Result.Sample != "S01" || len(sv.History) != 1 {
		t.Errorf("sample answer: %+v", sv)
	}
	for path, code := range map[string]int{
		"/api/v1/batches/nope":             http.StatusNotFound,
		"/api/v1/batches/run1/samples/S09": http.StatusNotFound,
		"/api/v1/audit":                    http.StatusForbidden,
		"/nowhere":                         http.StatusNotFound,
		"/batches/run1/samples/S01/x.png":  http.StatusNotFound,
	} {
		if r := gina.get(path); r.code != code {
			t.Errorf("GET %s: %d, want %d", path, r.code, code)
		}
	}
	req, _ = http.NewRequest(http.MethodDelete, e.srv.URL+"/api/v1/batches/run1", nil)
	if r := gina.do(req); r.code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", r.code)
	}
	for _, p := range []string{"/batches/run1/samples/S01/genome.png", "/batches/run1/samples/S01/chromosomes.png", "/batches/run1/zff.png"} {
		r := gina.get(p).mustOK(t)
		if r.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", p)
		}
	}
	if r := gina.get("/batches/run1/samples/S01/report.pdf").mustOK(t); !bytes.HasPrefix(r.body, []byte("%PDF")) {
		t.Error("report.pdf is not a PDF")
	}
}

// TestNoSexLeak: under a policy that never discloses fetal sex, a male and
// a female fetus with otherwise identical data give byte-identical pages,
// API answers, plots and reports (the session's random form token
// aside), and no answer matches the sex patterns of package disclosure.
func TestNoSexLeak(t *testing.T) {
	token := regexp.MustCompile(`name="csrf" value="[^"]*"`)
	for _, cond := range []string{"euploid", "T21", "SCA", "CNV"} {
		pages := map[string][][]byte{}
		for _, sex := range []string{"male", "female"} {
			e := newEnv(t, DefaultProfile())
			e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
				disclosure.FixtureSpec{Sample: "S01", Sex: sex, Condition: cond, Seed: 7})
			c := e.login("gina")
			for _, p := range []string{"/", "/batches/run1", "/batches/run1/samples/S01", "/api/v1/batches/run1", "/api/v1/batches/run1/samples/S01",
				"/batches/run1/samples/S01/genome.png", "/batches/run1/samples/S01/chromosomes.png", "/batches/run1/zff.png",
				"/batches/run1/samples/S01/report.html", "/trends", "/trends.png"} {
				body := token.ReplaceAll(c.get(p).mustOK(t).body, nil)
				pages[p] = append(pages[p], body)
				// The sample page and report state the policy under the
				// label "Fetal sex", the same for both; every other answer
				// must not match a sex pattern at all.
				if strings.Contains(p, "/samples/S01") && !strings.HasSuffix(p, ".png") && !strings.HasPrefix(p, "/api/") {
					if !bytes.Contains(body, []byte("Not reported, in accordance with the laboratory")) {
						t.Errorf("%s %s: %s lacks the policy statement", cond, sex, p)
					}
				} else if !strings.HasSuffix(p, ".png") && disclosure.SexPattern(string(body)) {
					t.Errorf("%s %s: %s matches a fetal-sex pattern", cond, sex, p)
				}
			}
		}
		for p, b := range pages {
			if !bytes.Equal(b[0], b[1]) {
				t.Errorf("%s: %s differs between a male and a female fetus", cond, p)
			}
		}
	}
}

func writeProfile(t *testing.T, dir, fetalSex string) Profile {
	t.Helper()
	path := filepath.Join(dir, "lab-"+fetalSex+".toml")
	src := "profile = \"lab-" + fetalSex + "\"\n[lab]\nname = \"Test Laboratory\"\n[screening]\nconditions = [\"T21\", \"T18\", \"T13\", \"SCA\"]\n[disclosure]\nfetal_sex = \"" + fetalSex + "\"\naudit_log = \"disclosures.jsonl\"\n"
	for _, c := range []string{"T21", "T18", "T13", "SCA"} {
		src += "[performance." + c + "]\ndetection_rate = 0.99\nspecificity = 0.999\nprevalence = 0.001\nbasis = \"test\"\n"
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProfiles: a disclosure the import's policy allowed is audited (in
// the trail and the profile's own log); a server under a stricter profile
// refuses to show that view, and shows a sex-blind one under it.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	onReq := writeProfile(t, dir, "on_request")
	spec := disclosure.FixtureSpec{Sample: "S01", Sex: "male", Condition: "euploid", Seed: 3, SexAware: true}

	e := newEnv(t, onReq)
	e.importFixtures("run1", onReq, disclosure.Request{SexRequested: true, Requester: "dr-who"}, spec)
	if got := actions(t, e.st, store.AuditFilter{Action: store.ActionFetalSexDisclosed}); strings.Join(got, " ") != "dr-who:fetal_sex_disclosed" {
		t.Errorf("disclosure audit = %v", got)
	}
	// A second import of the batch is refused before any view is made: no
	// second disclosure is recorded.
	if _, err := Import(context.Background(), e.st, filepath.Join(e.dir, "analyses", "run1"), ImportOptions{Profile: onReq, Request: disclosure.Request{SexRequested: true, Requester: "dr-who"}}); !errors.Is(err, store.ErrExists) {
		t.Errorf("second import: %v", err)
	}
	if got := actions(t, e.st, store.AuditFilter{Action: store.ActionFetalSexDisclosed}); len(got) != 1 {
		t.Errorf("disclosures after a refused import: %v", got)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "disclosures.jsonl")); err != nil || !bytes.Contains(b, []byte(`"requester":"dr-who"`)) {
		t.Errorf("profile audit log: %s, %v", b, err)
	}
	c := e.login("gina")
	if page := c.get("/batches/run1/samples/S01").mustOK(t); !bytes.Contains(page.body, []byte("Male (reported on request")) {
		t.Error("sample page under on_request with the sex requested does not state the fetal sex")
	}

	// The same database served under the default profile (never).
	s, err := New(Options{Store: e.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	strict := httptest.NewServer(s)
	defer strict.Close()
	e2 := &env{t: t, st: e.st, srv: strict, dir: e.dir}
	c2 := e2.login("gina")
	for _, p := range []string{"/batches/run1/samples/S01", "/api/v1/batches/run1/samples/S01", "/batches/run1/samples/S01/report.html", "/batches/run1/zff.png"} {
		if r := c2.get(p); r.code != http.StatusConflict || !bytes.Contains(r.body, []byte("import the analysis again")) {
			t.Errorf("%s under a stricter profile: %d", p, r.code)
		}
	}
	if r := c2.get("/batches/run1").mustOK(t); !bytes.Contains(r.body, []byte("another lab profile")) {
		t.Error("batch page does not warn of the other profile")
	}

	// A sex-blind view imported under on_request (sex not requested) is
	// shown under the default profile.
	blind := spec
	blind.SexAware = false
	e.importFixtures("run2", onReq, disclosure.Request{}, blind)
	if r := c2.get("/batches/run2/samples/S01").mustOK(t); !bytes.Contains(r.body, []byte("Not reported, in accordance")) || bytes.Contains(r.body, []byte("Male")) {
		t.Error("sex-blind view shows a fetal sex")
	}
}

func TestAccounts(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	boss, ana := e.login("boss"), e.login("ana")
	if r := ana.postForm("/users", url.Values{"name": {"x"}, "role": {"analyst"}, "password": {"long-enough-password"}, "csrf": {ana.csrf}}); r.code != http.StatusForbidden {
		t.Errorf("analyst adds a user: %d", r.code)
	}
	for _, tc := range []struct {
		v   url.Values
		msg string
	}{
		{url.Values{"name": {"newbie"}, "role": {"analyst"}, "password": {"short"}}, "too short"},
		{url.Values{"name": {"new bie"}, "role": {"analyst"}, "password": {"long-enough-password"}}, "only letters"},
		{url.Values{"name": {"newbie"}, "role": {"admin"}, "password": {"long-enough-password"}}, "unknown role"},
		{url.Values{"name": {"ana"}, "role": {"analyst"}, "password": {"long-enough-password"}}, "already exists"},
	} {
		tc.v.Set("csrf", boss.csrf)
		if r := boss.postForm("/users", tc.v); r.code != http.StatusBadRequest || !bytes.Contains(r.body, []byte(tc.msg)) {
			t.Errorf("add %v: %d, want 400 %q", tc.v, r.code, tc.msg)
		}
	}
	if r := boss.postForm("/users", url.Values{"name": {"newbie"}, "role": {"geneticist"}, "password": {"long-enough-password"}, "csrf": {boss.csrf}}); r.code != http.StatusSeeOther {
		t.Fatalf("add newbie: %d %s", r.code, r.body)
	}
	testPasswords["newbie"] = "long-enough-password"
	defer delete(testPasswords, "newbie")
	nb := e.login("newbie")
	if r := boss.postForm("/users/boss", url.Values{"role": {"manager"}, "disabled": {"on"}, "csrf": {boss.csrf}}); r.code != http.StatusBadRequest {
		t.Errorf("manager disables own account: %d", r.code)
	}
	if r := boss.postForm("/users/nobody", url.Values{"role": {"analyst"}, "csrf": {boss.csrf}}); r.code != http.StatusNotFound {
		t.Errorf("change unknown user: %d", r.code)
	}
	if r := boss.postForm("/users/newbie", url.Values{"role": {"analyst"}, "disabled": {"on"}, "csrf": {boss.csrf}}); r.code != http.StatusSeeOther {
		t.Fatalf("disable newbie: %d %s", r.code, r.body)
	}
	if r := nb.get("/api/v1/me"); r.code != http.StatusUnauthorized {
		t.Errorf("disabled account still signed in: %d", r.code)
	}
	if r := e.anon().postForm("/login", url.Values{"user": {"newbie"}, "password": {"long-enough-password"}}); r.code != http.StatusUnauthorized {
		t.Errorf("disabled account signs in: %d", r.code)
	}
	page := boss.get("/users").mustOK(t)
	if !bytes.Contains(page.body, []byte("analyst (disabled)")) {
		t.Error("users page does not show newbie disabled")
	}
	got := actions(t, e.st, store.AuditFilter{Action: store.ActionUserChange})
	if strings.Join(got, " ") != "boss:user_change" {
		t.Errorf("user changes audited: %v", got)
	}
	var trail struct {
		Entries []apiAuditEntry `json:"entries"`
		Chain   string          `json:"chain"`
	}
	if err := json.Unmarshal(boss.get("/api/v1/audit?action=user_change").mustOK(t).body, &trail); err != nil {
		t.Fatal(err)
	}
	if len(trail.Entries) != 1 || trail.Entries[0].User != "boss" || !strings.Contains(trail.Entries[0].Detail, "newbie") || trail.Chain != "intact" {
		t.Errorf("API audit trail = %+v", trail)
	}
}

func TestTrends(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	c := e.login("ana")
	if r := c.get("/trends").mustOK(t); !bytes.Contains(r.body, []byte("No batch imported yet")) {
		t.Error("empty trends page")
	}
	if r := c.get("/trends.png"); r.code != http.StatusNotFound {
		t.Errorf("trend plot without batches: %d", r.code)
	}
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "female", Condition: "lowff", Seed: 2})
	e.importFixtures("run2", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S03", Sex: "male", Condition: "euploid", Seed: 3})
	r := c.get("/trends").mustOK(t)
	for _, want := range []string{"run1", "run2", "50.0%"} { // run1: one no-call of two
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("trends page lacks %q", want)
		}
	}
	if r := c.get("/trends.png").mustOK(t); !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
		t.Error("trend plot is not a PNG")
	}
	if _, err := Import(context.Background(), e.st, filepath.Join(e.dir, "analyses", "run1"), ImportOptions{}); err == nil || !strings.Contains(err.Error(), "imported once") {
		t.Errorf("re-import: %v", err)
	}
	if _, err := Import(context.Background(), e.st, filepath.Join(e.dir, "analyses", "run1"), ImportOptions{Batch: "bad/name"}); err == nil {
		t.Error("batch name with a slash accepted")
	}
	if _, err := Import(context.Background(), e.st, e.dir, ImportOptions{Batch: "x"}); err == nil || !strings.Contains(err.Error(), "no sample results") {
		t.Errorf("import of a non-analysis directory: %v", err)
	}
}

// TestConcurrentRequests: reviewers working at once keep every sign-off
// and an unbroken audit chain (one database connection serialises the
// writes; run under the race detector by make test).
func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "male", Condition: "T13", Seed: 2})
	gina := e.login("gina")
	const workers, each = 6, 5
	errs := make(chan string, workers*each*2)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			s := []string{"S01", "S02"}[w%2]
			for range each {
				if r := gina.get("/batches/run1/samples/" + s); r.code != http.StatusOK {
					errs <- fmt.Sprintf("GET %s: %d", s, r.code)
				}
				if r := gina.postJSON("/api/v1/batches/run1/samples/"+s+"/signoff", `{"decision":"approved"}`, map[string]string{"X-CSRF-Token": gina.csrf}); r.code != http.StatusOK {
					errs <- fmt.Sprintf("sign-off %s: %d %s", s, r.code, r.body)
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	hist, err := e.st.SignOffs(context.Background(), "run1", "S01")
	if err != nil || len(hist) != workers/2*each {
		t.Errorf("S01 holds %d sign-offs, want %d (%v)", len(hist), workers/2*each, err)
	}
	if _, err := e.st.VerifyAudit(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestSignInThrottle: five failures in a row lock the name for 15 minutes
// (the right password included, unknown names alike); a success resets.
func TestSignInThrottle(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	c := e.anon()
	try := func(name, pw string) int {
		return c.postForm("/login", url.Values{"user": {name}, "password": {pw}}).code
	}
	for i := range MaxFailedSignIns {
		if code := try("gina", "wrong-password-x"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
		*e.clock = e.clock.Add(time.Minute)
	}
	if code := try("gina", testPasswords["gina"]); code != http.StatusTooManyRequests {
		t.Errorf("right password while locked: %d, want 429", code)
	}
	if code := try("ana", testPasswords["ana"]); code != http.StatusSeeOther {
		t.Errorf("another account while gina is locked: %d", code)
	}
	for range MaxFailedSignIns {
		try("nobody", "wrong-password-x")
	}
	if code := try("nobody", "wrong-password-x"); code != http.StatusTooManyRequests {
		t.Errorf("unknown name after %d failures: %d, want 429 like a known one", MaxFailedSignIns, code)
	}
	// The lock ends SignInLockout after the oldest failure of the run.
	*e.clock = e.clock.Add(SignInLockout - time.Duration(MaxFailedSignIns)*time.Minute + time.Second)
	if code := try("gina", testPasswords["gina"]); code != http.StatusSeeOther {
		t.Errorf("after the lockout: %d", code)
	}
	// A success resets the count.
	for range MaxFailedSignIns - 1 {
		try("gina", "wrong-password-x")
	}
	if code := try("gina", testPasswords["gina"]); code != http.StatusSeeOther {
		t.Errorf("after %d failures: %d", MaxFailedSignIns-1, code)
	}
}

// TestBatchQC: the analysis' batch QC (batch_qc.tsv) is shown with the
// batch, its warnings one per chromosome.
func TestBatchQC(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	dir := filepath.Join(e.dir, "analyses", "run9")
	if err := report.WriteAnalysisViews(dir, disclosure.DefaultProfile(), disclosure.Request{},
		disclosure.Fixture(disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1})); err != nil {
		t.Fatal(err)
	}
	rows := []analyze.BatchOffset{
		{Batch: analyze.BatchAll, Chrom: "chr4", Samples: 40, Median: 0.7, SE: 0.2, T: 3.5, Threshold: 3.2, Status: analyze.BatchWarn, Correction: analyze.CorrectionOff, OffsetZ: math.NaN(), OffsetSE: math.NaN()},
		{Batch: analyze.BatchAll, Chrom: "chr5", Samples: 40, Median: 0.1, SE: 0.2, T: 0.5, Threshold: 3.2, Status: analyze.BatchPass, Correction: analyze.CorrectionOff, OffsetZ: math.NaN(), OffsetSE: math.NaN()},
	}
	if err := analyze.WriteBatch(filepath.Join(dir, analyze.BatchFile), rows); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(context.Background(), e.st, dir, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	page := e.login("ana").get("/batches/run9").mustOK(t)
	body := []byte(html.UnescapeString(string(page.body)))
	note, warnings := report.BatchQCSummary(rows)
	if len(warnings) != 1 || !bytes.Contains(body, []byte(warnings[0])) || !bytes.Contains(body, []byte(note)) {
		t.Errorf("batch page lacks the batch QC %q / %q:\n%s", note, warnings, page.body)
	}
}

// TestStoredView: a view and its bins (masked bins' NaN included) come back
// from the store's encoding as they went in; without bins, none.
func TestStoredView(t *testing.T) {
	v := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "CNV", Seed: 5})
	v.Bins[3].Ratio, v.Bins[3].Z, v.Bins[3].Masked = math.NaN(), math.NaN(), true
	view, bins, err := encodeView(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeView(view, bins)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Bins) != len(v.Bins) || got.Sample != "S01" || len(got.CNVs) != len(v.CNVs) {
		t.Fatalf("round trip: %d bins, sample %q", len(got.Bins), got.Sample)
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i, b := range v.Bins {
		g := got.Bins[i]
		if g.Chrom != b.Chrom || g.Start != b.Start || g.End != b.End || g.Masked != b.Masked || !same(g.Ratio, b.Ratio) || !same(g.Z, b.Z) {
			t.Fatalf("bin %d: %+v, want %+v", i, g, b)
		}
	}
	if nb, err := decodeView(view, nil); err != nil || nb.Bins != nil {
		t.Errorf("without bins: %d bins, %v", len(nb.Bins), err)
	}
	if _, err := decodeView([]byte("not gzip"), nil); err == nil {
		t.Error("a damaged view decoded")
	}
}

// TestReportSignOffState: the report served is a draft until a geneticist
// approves it, then carries the electronic sign-off; a rejected one says it
// is not released.
func TestReportSignOffState(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "female", Condition: "T18", Seed: 2})
	gina := e.login("gina")
	rep := func(s string) string {
		return html.UnescapeString(string(gina.get("/batches/run1/samples/" + s + "/report.html").mustOK(t).body))
	}
	if r := rep("S01"); !strings.Contains(r, "DRAFT: not yet signed off") || strings.Contains(r, "signed off electronically") {
		t.Error("pending report is not marked as a draft")
	}
	h := map[string]string{"X-CSRF-Token": gina.csrf}
	gina.postJSON("/api/v1/batches/run1/samples/S01/signoff", `{"decision":"approved"}`, h).mustOK(t)
	gina.postJSON("/api/v1/batches/run1/samples/S02/signoff", `{"decision":"rejected","comment":"redraw: haemolysed"}`, h).mustOK(t)
	if r := rep("S01"); strings.Contains(r, "DRAFT") || !strings.Contains(r, "gina (signed off electronically in nipt review)</td><th>Date</th><td>2026-11-30") {
		t.Errorf("approved report lacks the sign-off:\n%s", r[strings.Index(r, "Review and sign-off"):])
	}
	if r := rep("S02"); !strings.Contains(r, "NOT RELEASED: rejected at review by gina on 2026-11-30: redraw: haemolysed") {
		t.Error("rejected report is not marked as not released")
	}
	pdf := gina.get("/batches/run1/samples/S02/report.pdf").mustOK(t).body
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Error("rejected report's PDF is not a PDF")
	}
}

// TestExport: the batch's summary rows with their review state, all or the
// approved ones only, and the export in the audit trail.
func TestExport(t *testing.T) {
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "male", Condition: "T21", Seed: 2},
		disclosure.FixtureSpec{Sample: "S03", Sex: "female", Condition: "euploid", Seed: 3})
	ctx := context.Background()
	if err := e.st.SignOff(ctx, "run1", "S01", "gina", store.DecisionApproved, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SignOff(ctx, "run1", "S03", "gina", store.DecisionRejected, "redraw:\tlow\nFF"); err != nil {
		t.Fatal(err)
	}
	var all, approved bytes.Buffer
	if n, err := Export(ctx, e.st, "run1", "ana", false, &all); err != nil || n != 3 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	lines := strings.Split(strings.TrimSpace(all.String()), "\n")
	want := len(report.SummaryColumns) + len(ExportColumns)
	for i, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != want {
			t.Errorf("line %d has %d columns, want %d: %q", i, len(f), want, l)
		}
	}
	if len(lines) != 4 || !strings.HasSuffix(lines[1], "\tapproved\tgina\t2026-11-30T09:00:00Z\t") ||
		!strings.Contains(lines[2], "\thigh_risk\t") || !strings.HasSuffix(lines[2], "\tpending\t\t\t") ||
		!strings.HasSuffix(lines[3], "\trejected\tgina\t2026-11-30T09:00:00Z\tredraw: low FF") {
		t.Errorf("export:\n%s", all.String())
	}
	if n, err := Export(ctx, e.st, "run1", "ana", true, &approved); err != nil || n != 1 || strings.Count(approved.String(), "\n") != 2 || !strings.HasPrefix(strings.Split(approved.String(), "\n")[1], "S01\t") {
		t.Errorf("approved only: %d, %v\n%s", n, err, approved.String())
	}
	if _, err := Export(ctx, e.st, "nope", "", false, io.Discard); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown batch: %v", err)
	}
	if got := strings.Join(actions(t, e.st, store.AuditFilter{Action: store.ActionExport}), " "); got != "ana:export ana:export" {
		t.Errorf("exports audited: %s", got)
	}
}

func TestCNVText(t *testing.T) {
	for in, want := range map[string]string{
		"chr4:10000000-16000000:loss:fetal":    "chr4:10.0–16.0 Mb loss (fetal)",
		"chr7:40000000-43000000:gain:maternal": "chr7:40.0–43.0 Mb gain (maternal)",
		"chr1:x-2:gain:fetal":                  "chr1:x-2:gain:fetal",
		"odd":                                  "odd",
	} {
		if got := cnvText(in); got != want {
			t.Errorf("cnvText(%q) = %q, want %q", in, got, want)
		}
	}
}
