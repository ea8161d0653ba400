package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

func TestReadBins(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		err      string
	}{
		{"header and comment", "# nipt bins\nchrom\tstart\tend\tratio\tz\tmasked\nchr1\t0\t100\t1.01\t0.3\t0\n", 1, ""},
		{"NA values", "chr1\t0\t100\tNA\tnan\t1\n", 1, ""},
		{"CRLF", "chr1\t0\t100\t1\t0\t0\r\n", 1, ""},
		{"too few columns", "chr1\t0\t100\t1\n", 0, "4 columns, want 6"},
		{"bad start", "chr1\t-5\t100\t1\t0\t0\n", 0, "bad start"},
		{"end before start", "chr1\t100\t50\t1\t0\t0\n", 0, "bad end"},
		{"bad ratio", "chr1\t0\t100\tx\t0\t0\n", 0, "bad ratio"},
		{"bad masked", "chr1\t0\t100\t1\t0\tmaybe\n", 0, "masked must be 0 or 1"},
	}
	for _, tc := range tests {
		bins, err := ReadBins(strings.NewReader(tc.in), "b.tsv")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "b.tsv:") {
				t.Errorf("%s: error %v, want %q with file:line", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(bins) != tc.n {
			t.Errorf("%s: %d bins, %v", tc.name, len(bins), err)
		}
	}
	bins, _ := ReadBins(strings.NewReader("chr1\t0\t100\tNA\t2.5\t1\n"), "b")
	if b := bins[0]; !math.IsNaN(b.Ratio) || b.Z != 2.5 || !b.Masked || b.End != 100 {
		t.Errorf("parsed %+v", b)
	}
}

func FuzzReadBins(f *testing.F) {
	f.Add("chr1\t0\t100\t1.01\t0.3\t0\n")
	f.Add("chrom\tstart\tend\tratio\tz\tmasked\nchrX\t5\t6\tNA\tNA\t1\n")
	f.Add("\t\t\t\t\t\n")
	f.Fuzz(func(t *testing.T, s string) {
		bins, err := ReadBins(strings.NewReader(s), "fuzz")
		if err == nil {
			for _, b := range bins {
				if b.End <= b.Start || b.Start < 0 {
					t.Fatalf("accepted bad interval %+v", b)
				}
			}
		}
	})
}

func TestRoundTripAnalysisDir(t *testing.T) {
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 1, BinSize: 5_000_000})
	dir := filepath.Join(t.TempDir(), "run7")
	if err := WriteAnalysisDir(dir, r); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBatch(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "run7" || len(b.Results) != 1 {
		t.Fatalf("batch %s with %d results", b.ID, len(b.Results))
	}
	got := b.Results[0]
	if len(got.Bins) != len(r.Bins) || got.FetalSex != "female" || got.FetalFraction.Value != r.FetalFraction.Value || len(got.FetalFraction.Methods) != len(r.FetalFraction.Methods) {
		t.Errorf("round trip lost data: %d bins", len(got.Bins))
	}
	for i := range r.Bins {
		a, c := r.Bins[i], got.Bins[i]
		if a.Chrom != c.Chrom || a.Start != c.Start || a.Masked != c.Masked || (a.Ratio != c.Ratio && !(math.IsNaN(a.Ratio) && math.IsNaN(c.Ratio))) {
			t.Fatalf("bin %d: %+v vs %+v", i, a, c)
		}
	}
	// Without summary.tsv, samples come from the sub-directories.
	os.Remove(filepath.Join(dir, "summary.tsv"))
	if b, err := LoadBatch(dir); err != nil || len(b.Results) != 1 {
		t.Errorf("without summary: %v", err)
	}
}

func TestLoadBatchErrors(t *testing.T) {
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 1, BinSize: 5_000_000})
	tests := []struct {
		name  string
		setup func(dir string)
		want  string
	}{
		{"no dir", func(dir string) { os.RemoveAll(dir) }, "not found"},
		{"empty", func(dir string) { os.RemoveAll(dir); os.Mkdir(dir, 0o755) }, "holds no sample results"},
		{"no bins", func(dir string) { os.Remove(filepath.Join(dir, "S1", "bins.tsv")) }, "nipt analyze writes bins.tsv"},
		{"bad summary", func(dir string) { os.WriteFile(filepath.Join(dir, "summary.tsv"), []byte("id\tx\nS1\t1\n"), 0o644) }, `no "sample" column`},
		{"missing sample", func(dir string) { os.WriteFile(filepath.Join(dir, "summary.tsv"), []byte("sample\nS2\n"), 0o644) }, "run nipt analyze"},
		{"schema", func(dir string) { edit(t, dir, func(r *result.Result) { r.SchemaVersion = "2.0.0" }) }, "schema version"},
		{"mismatch", func(dir string) { edit(t, dir, func(r *result.Result) { r.Sample = "S9" }) }, "does not match its directory"},
		{"unsafe name", func(dir string) { edit(t, dir, func(r *result.Result) { r.Sample = "../x" }) }, "cannot be used as a file name"},
		{"not json", func(dir string) { os.WriteFile(filepath.Join(dir, "S1", "result.json"), []byte("{"), 0o644) }, "not a nipt result"},
	}
	for _, tc := range tests {
		dir := filepath.Join(t.TempDir(), "run")
		if err := WriteAnalysisDir(dir, r); err != nil {
			t.Fatal(err)
		}
		tc.setup(dir)
		_, err := LoadBatch(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func edit(t *testing.T, dir string, f func(*result.Result)) {
	t.Helper()
	path := filepath.Join(dir, "S1", "result.json")
	data, _ := os.ReadFile(path)
	var r result.Result
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	f(&r)
	data, _ = json.Marshal(&r)
	os.WriteFile(path, data, 0o644)
}
