package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
)

// FuzzRequests sends arbitrary methods, paths and bodies as a signed-in
// geneticist (with the session's CSRF token, so that requests get past it
// to the handlers): the server must answer each with a status a client can
// act on, never 500 (an internal error) and never a panic.
func FuzzRequests(f *testing.F) {
	for _, s := range []struct{ method, path, body string }{
		{"GET", "/batches/run1/samples/S01", ""},
		{"POST", "/api/v1/batches/run1/samples/S01/signoff", `{"decision":"approved"}`},
		{"POST", "/api/v1/batches/run1/samples/S01/signoff", `{"decision":"rejected","comment":"x"}`},
		{"POST", "/batches/run1/samples/S01/signoff", "decision=approved"},
		{"GET", "/batches/%2e%2e/samples/S01", ""},
		{"GET", "/batches/run1/samples/S01/report.pdf", ""},
		{"GET", "/audit?user=%00", ""},
		{"PUT", "/users/gina", "role=manager"},
		{"POST", "/api/v1/batches/run1/samples/S01/signoff", `{"decision":1}`},
		{"POST", "/login", "user=gina&password=x"},
	} {
		f.Add(s.method, s.path, s.body)
	}
	e := newEnv(f, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "T21", Seed: 1})
	c := e.login("gina")
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if strings.HasPrefix(path, "/login") || strings.HasPrefix(path, "/logout") {
			return // would end or lock the session the other inputs use
		}
		req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		ct := "application/x-www-form-urlencoded"
		if strings.HasPrefix(body, "{") {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-CSRF-Token", c.csrf)
		resp, err := c.http.Do(req)
		if err != nil {
			return // refused by the client or the transport, not the server
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("%s %q %q: %d %s", method, path, body, resp.StatusCode, b)
		}
	})
}
