package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/store"
)

// benchBatch writes a 96-sample analysis directory (a sequencing run) at
// 100 kb bins, the size a laboratory reviews.
func benchBatch(b *testing.B) string {
	b.Helper()
	var rs []*result.Result
	for i := range 96 {
		rs = append(rs, disclosure.Fixture(disclosure.FixtureSpec{Sample: fmt.Sprintf("S%02d", i), Sex: []string{"female", "male"}[i%2],
			Condition: "euploid", Seed: uint64(i), BinSize: 100_000}))
	}
	dir := filepath.Join(b.TempDir(), "run1")
	if err := report.WriteAnalysisViews(dir, disclosure.DefaultProfile(), disclosure.Request{}, rs...); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkImport: importing a 96-sample run (read, disclosure, encode,
// store).
func BenchmarkImport(b *testing.B) {
	dir := benchBatch(b)
	for i := range b.N {
		st, err := store.Open(filepath.Join(b.TempDir(), fmt.Sprintf("r%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Import(context.Background(), st, dir, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkPages: the pages a reviewer opens for a 96-sample run.
func BenchmarkPages(b *testing.B) {
	dir := benchBatch(b)
	st, err := store.Open(filepath.Join(b.TempDir(), "r.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := Import(context.Background(), st, dir, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	h, _ := HashPassword(testPasswords["gina"], testIterations)
	if err := st.AddUser(context.Background(), "", store.User{Name: "gina", Role: store.RoleGeneticist, PasswordHash: h}); err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	e := &env{t: b, st: st, srv: srv}
	c := e.login("gina")
	for _, p := range []string{"/batches/run1", "/batches/run1/zff.png", "/batches/run1/samples/S07", "/batches/run1/samples/S07/genome.png"} {
		b.Run(p, func(b *testing.B) {
			for range b.N {
				if r := c.get(p); r.code != http.StatusOK {
					b.Fatalf("%s: %d", p, r.code)
				}
			}
		})
	}
}
