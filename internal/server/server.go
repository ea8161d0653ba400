package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nipt/nipt/internal/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Options configure the review application.
type Options struct {
	Store   *store.Store
	Profile Profile
	// SessionTTL is how long a sign-in lasts (default 8 h, a working day).
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure (serve behind HTTPS).
	SecureCookies bool
	// Now gives the time (time.Now when nil).
	Now func() time.Time
	// Log receives one line per request (user, method, path, status); it
	// never sees a result's content. slog.Default() when nil.
	Log *slog.Logger
}

// Server is the review application's HTTP handler.
type Server struct {
	o    Options
	tmpl map[string]*template.Template
	mux  *http.ServeMux
}

// sessionCookie names the session cookie.
const sessionCookie = "nipt_session"

// maxForm bounds request bodies (forms and JSON are a few hundred bytes).
const maxForm = 64 << 10

// New returns the review application.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("server: no store")
	}
	if o.Profile.Profile == nil {
		o.Profile = DefaultProfile()
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 8 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	s := &Server{o: o, tmpl: map[string]*template.Template{}, mux: http.NewServeMux()}
	funcs := template.FuncMap{
		"pct":      func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"millions": func(f float64) string { return fmt.Sprintf("%.2f M", f/1e6) },
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"path":     url.PathEscape,
		"has":      func(u *user, r string) bool { return u != nil && string(u.Role) == r },
	}
	for _, page := range []string{"login", "batches", "batch", "sample", "audit", "users", "trends", "error"} {
		t, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("server templates: %w", err)
		}
		s.tmpl[page] = t
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	m.Handle("GET /static/", http.FileServerFS(assets))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.auth("", s.logout))
	m.HandleFunc("GET /{$}", s.auth("", s.batchesPage))
	m.HandleFunc("GET /batches/{batch}", s.auth("", s.batchPage))
	m.HandleFunc("GET /batches/{batch}/zff.png", s.auth("", s.batchPlot))
	m.HandleFunc("GET /batches/{batch}/samples/{sample}", s.auth("", s.samplePage))
	m.HandleFunc("GET /batches/{batch}/samples/{sample}/{file}", s.auth("", s.sampleFile))
	m.HandleFunc("POST /batches/{batch}/samples/{sample}/signoff", s.auth(string(store.RoleGeneticist), s.signOffForm))
	m.HandleFunc("GET /trends", s.auth("", s.trendsPage))
	m.HandleFunc("GET /trends.png", s.auth("", s.trendsPlot))
	m.HandleFunc("GET /audit", s.auth(string(store.RoleManager), s.auditPage))
	m.HandleFunc("GET /users", s.auth(string(store.RoleManager), s.usersPage))
	m.HandleFunc("POST /users", s.auth(string(store.RoleManager), s.addUser))
	m.HandleFunc("POST /users/{name}", s.auth(string(store.RoleManager), s.changeUser))

	m.HandleFunc("GET /api/v1/me", s.auth("", s.apiMe))
	m.HandleFunc("GET /api/v1/batches", s.auth("", s.apiBatches))
	m.HandleFunc("GET /api/v1/batches/{batch}", s.auth("", s.apiBatch))
	m.HandleFunc("GET /api/v1/batches/{batch}/samples/{sample}", s.auth("", s.apiSample))
	m.HandleFunc("POST /api/v1/batches/{batch}/samples/{sample}/signoff", s.auth(string(store.RoleGeneticist), s.apiSignOff))
	m.HandleFunc("GET /api/v1/audit", s.auth(string(store.RoleManager), s.apiAudit))
	m.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "no such page")
	})
}

// ServeHTTP adds the security headers and logs the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: under no-referrer a browser sends
	// "Origin: null" with form posts, which sameOrigin refuses.
	h.Set("Referrer-Policy", "same-origin")
	// Results are patient data: no caching anywhere.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	start := s.o.Now()
	r.Body = http.MaxBytesReader(rec, r.Body, maxForm)
	s.mux.ServeHTTP(rec, r)
	s.o.Log.Info("http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "user", rec.user, "ms", s.o.Now().Sub(start).Milliseconds())
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	user   string
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// user is the signed-in account of a request.
type user struct {
	Name string
	Role store.Role
	CSRF string
	hash string // the session token's hash
}

type ctxKey struct{}

func currentUser(r *http.Request) *user {
	u, _ := r.Context().Value(ctxKey{}).(*user)
	return u
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// auth wraps h: a signed-in user is required (pages redirect to the login
// page, the API answers 401), role (when not "") must match, and every
// state-changing request must carry the session's CSRF token (form field
// csrf, or header X-CSRF-Token) and come from this origin.
func (s *Server) auth(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if err != nil {
			if isAPI(r) || r.Method != http.MethodGet {
				s.fail(w, r, http.StatusUnauthorized, "sign in first")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		if rec, ok := w.(*statusRecorder); ok {
			rec.user = u.Name
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !sameOrigin(r) {
				s.fail(w, r, http.StatusForbidden, "cross-site request refused")
				return
			}
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" && !isAPI(r) {
				tok = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(tok), []byte(u.CSRF)) != 1 {
				s.fail(w, r, http.StatusForbidden, "missing or stale form token: reload the page and try again")
				return
			}
		}
		if role != "" && string(u.Role) != role {
			s.fail(w, r, http.StatusForbidden, fmt.Sprintf("this needs the %s role (you are %s)", role, u.Role))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	}
}

// sameOrigin: a browser sends Origin on cross-site POSTs; when present it
// must name this host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	ou, err := url.Parse(o)
	return err == nil && ou.Host == r.Host
}

func (s *Server) sessionUser(r *http.Request) (*user, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errors.New("no session")
	}
	h := tokenHash(c.Value)
	sess, err := s.o.Store.Session(r.Context(), h)
	if err != nil {
		return nil, err
	}
	acc, err := s.o.Store.User(r.Context(), sess.User)
	if err != nil || acc.Disabled {
		return nil, errors.New("account unavailable")
	}
	return &user{Name: acc.Name, Role: acc.Role, CSRF: sess.CSRF, hash: h}, nil
}

// fail answers an error: JSON for the API, an HTML page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if isAPI(r) {
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	s.render(w, r, code, "error", map[string]any{"Code": code, "Status": http.StatusText(code), "Message": msg})
}

// failErr maps store errors to HTTP statuses; other errors are logged and
// answered 500 without their text.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, err.Error())
		return
	}
	s.o.Log.Error("request failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "internal error (see the server log)")
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["User"] = currentUser(r)
	data["Lab"] = s.o.Profile.Lab.Name
	var buf bytes.Buffer
	if err := s.tmpl[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.o.Log.Error("rendering page", "page", page, "err", err)
		http.Error(w, "internal error (see the server log)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
