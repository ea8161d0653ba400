package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/cli from the commands")

// TestCLIDocs: docs/cli holds exactly the pages the commands generate, so
// the command-line reference cannot drift from --help. After changing a
// command: go test ./cmd/nipt -run TestCLIDocs -update (or make docs).
func TestCLIDocs(t *testing.T) {
	want := filepath.Join("..", "..", "docs", "cli")
	dir := t.TempDir()
	if err := writeMarkdownDocs(newApp(), dir); err != nil {
		t.Fatal(err)
	}
	got, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if len(got) < 15 {
		t.Fatalf("%d pages generated", len(got))
	}
	if *updateDocs {
		old, _ := filepath.Glob(filepath.Join(want, "*.md"))
		for _, p := range old {
			os.Remove(p)
		}
		if err := os.MkdirAll(want, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for _, p := range got {
		name := filepath.Base(p)
		names = append(names, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if *updateDocs {
			if err := os.WriteFile(filepath.Join(want, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		cur, err := os.ReadFile(filepath.Join(want, name))
		if err != nil || !bytes.Equal(cur, b) {
			t.Errorf("docs/cli/%s is out of date with the command (regenerate: make docs)", name)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(want, "*.md"))
	for _, p := range kept {
		if !slices.Contains(names, filepath.Base(p)) {
			t.Errorf("docs/cli/%s documents no command (regenerate: make docs)", filepath.Base(p))
		}
	}
	// Hidden commands and flags stay out of the reference.
	for _, p := range got {
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("cpuprofile")) || bytes.Contains(b, []byte("nipt docs")) {
			t.Errorf("%s documents a hidden command or flag", filepath.Base(p))
		}
	}
}

// nipt docs --man writes a page per command, dated by SOURCE_DATE_EPOCH.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if code, out := runNipt(t, "docs", "--man", dir); code != 0 {
		t.Fatalf("exit code %d: %s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "nipt-analyze.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`.TH "NIPT" "1" "Nov 2023"`)) || !bytes.Contains(b, []byte("--reference")) {
		t.Errorf("man page header or flags missing:\n%.400s", b)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if code, _ := runNipt(t, "docs", "--man", dir); code != 1 {
		t.Errorf("bad SOURCE_DATE_EPOCH: exit code %d, want 1", code)
	}
	if code, _ := runNipt(t, "docs"); code != 2 {
		t.Errorf("no directory: exit code %d, want 2", code)
	}
}
