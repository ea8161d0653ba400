package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runReview(t *testing.T, ctx context.Context, stdin string, out io.Writer, args ...string) int {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newReviewCommand())
	root.SetOut(out)
	root.SetErr(io.Discard)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"--quiet", "review"}, args...))
	return exitCode(root.ExecuteContext(ctx))
}

func TestReviewCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "lab.db")
	run := filepath.Join(dir, "run7")
	if err := report.WriteAnalysisViews(run, disclosure.DefaultProfile(), disclosure.Request{},
		disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "T21", Seed: 1, BinSize: 5_000_000})); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a-long-password-1\n", []string{"user", "add", "gina", "--role", "geneticist", "--db", db}, 0, "account gina (geneticist) created"},
		{"short\n", []string{"user", "add", "ann", "--role", "analyst", "--db", db}, 1, ""},
		{"", []string{"user", "add", "ann", "--role", "analyst", "--db", db}, 1, ""},
		{"a-long-password-1\n", []string{"user", "add", "ann", "--role", "admin", "--db", db}, 2, ""},
		{"a-long-password-1\n", []string{"user", "add", "ann", "--role", "analyst"}, 2, ""},
		{"", []string{"user", "list", "--db", db}, 0, "gina  geneticist  active"},
		{"", []string{"import", "--db", db, run}, 0, "imported batch run7: 1 samples"},
		{"", []string{"import", "--db", db, run}, 1, ""},
		{"", []string{"import", "--db", db, "--batch", "x", run, run}, 2, ""},
		{"", []string{"import", "--db", db, "--batch", "run7b", run}, 0, "imported batch run7b"},
		{"", []string{"audit", "--db", db}, 0, "cli\timport\trun7b"},
		{"", []string{"audit", "--db", db, "--verify"}, 0, "audit trail intact: 3 entries"},
		{"", []string{"export", "--db", db, "--batch", "run7"}, 0, "\tpending\t\t\t\n"},
		{"", []string{"export", "--db", db, "--batch", "run7", "--approved"}, 0, "review_comment\n"},
		{"", []string{"export", "--db", db, "--batch", "nope"}, 1, ""},
		{"", []string{"export", "--db", db}, 2, ""},
		{"", []string{"export", "--db", db, "--batch", "run7", "-o", filepath.Join(dir, "out", "x.tsv")}, 1, ""},
		{"", []string{"serve", "--db", db, "--tls-cert", "c.pem"}, 2, ""},
	} {
		out.Reset()
		if code := runReview(t, ctx, tc.stdin, &out, tc.args...); code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("review %v: exit %d, want %d; output %q lacks %q", tc.args, code, tc.code, out.String(), tc.want)
		}
	}

	exported := filepath.Join(dir, "run7.tsv")
	if code := runReview(t, ctx, "", io.Discard, "export", "--db", db, "--batch", "run7", "-o", exported); code != 0 {
		t.Fatalf("export -o: exit %d", code)
	}
	if b, err := os.ReadFile(exported); err != nil || !bytes.HasPrefix(b, []byte("sample\t")) || !bytes.Contains(b, []byte("S1\t")) {
		t.Errorf("exported file: %q, %v", b, err)
	}

	// serve: up on a free port, answers, stops on cancel.
	url, stop := startServe(t, "http", "--db", db)
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	stop()

	// With TLS: HTTPS, and the session cookie is Secure.
	cert, key := selfSigned(t)
	url, stop = startServe(t, "https", "--db", db, "--tls-cert", cert, "--tls-key", key)
	defer stop()
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, // the test's own certificate
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err = client.PostForm(url+"/login", neturl.Values{"user": {"gina"}, "password": {"a-long-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := resp.Header.Get("Set-Cookie"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(ck, "Secure") {
		t.Errorf("sign-in over TLS: %d, cookie %q", resp.StatusCode, ck)
	}
}

// startServe runs nipt review serve on a free port until stop is called,
// which waits for a clean exit.
func startServe(t *testing.T, scheme string, args ...string) (url string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runReview(t, ctx, "", &out, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	}()
	addr := regexp.MustCompile(scheme + `://(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			url = scheme + "://" + m[1]
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("serve printed no %s address: %q", scheme, out.String())
	}
	return url, func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d", code)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop on cancel")
		}
	}
}

// selfSigned writes a certificate and key for 127.0.0.1.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "nipt test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
