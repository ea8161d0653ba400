package counts

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/filekind"
	"github.com/nipt/nipt/internal/genome"
)

func sample(t testing.TB, paired bool, binSize int) *Counts {
	l, err := genome.NewLayout(genome.GRCh38, binSize)
	if err != nil {
		t.Fatal(err)
	}
	c := New(l, paired)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range c.Reads {
		c.Reads[i] = uint32(rng.IntN(200))
		if paired {
			c.Short[i] = uint32(rng.IntN(int(c.Reads[i]) + 1))
		}
	}
	c.Header.Sample = "S001"
	c.Header.Tool = Tool{Name: "nipt", Version: "test", Command: "nipt count x.bam"}
	c.Header.QC.Dropped["duplicate"] = 12
	if paired {
		c.Header.QC.FragmentHistogram = []int64{0, 1, 2}
	}
	c.FillChromReads()
	return c
}

func TestRoundTrip(t *testing.T) {
	for _, paired := range []bool{false, true} {
		c := sample(t, paired, 100000)
		if paired {
			c.Header.Runs = []string{"HK3TWDSX3", "run_7"}
		}
		var buf bytes.Buffer
		if err := Write(&buf, c, 2); err != nil {
			t.Fatal(err)
		}
		if k := filekind.Sniff(buf.Bytes()); k != filekind.Counts {
			t.Errorf("a counts file is sniffed as %v", k)
		}
		got, err := Read(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got.Header.Sample != "S001" || got.Header.QC.Dropped["duplicate"] != 12 || got.Header.QC.Kept != c.Header.QC.Kept ||
			strings.Join(got.Header.Runs, ",") != strings.Join(c.Header.Runs, ",") {
			t.Errorf("header not preserved: %+v", got.Header)
		}
		// A file without runs does not write the field (files from before
		// it existed read the same).
		if !paired && bytes.Contains(buf.Bytes(), []byte(`"runs"`)) {
			t.Error("an empty run list was written")
		}
		for i := range c.Reads {
			if got.Reads[i] != c.Reads[i] || (paired && got.Short[i] != c.Short[i]) {
				t.Fatalf("bin %d differs", i)
			}
		}
		// Deterministic bytes.
		var buf2 bytes.Buffer
		Write(&buf2, got, 1)
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Error("re-encoding is not byte-identical")
		}
	}
}

func TestNpzLayout(t *testing.T) {
	c := sample(t, true, 1000000)
	var buf bytes.Buffer
	if err := Write(&buf, c, 1); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store {
			t.Errorf("%s: method %d, want stored (as numpy.savez)", f.Name, f.Method)
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		hl := int(b[8]) | int(b[9])<<8
		if (10+hl)%64 != 0 || b[10+hl-1] != '\n' {
			t.Errorf("%s: data not 64-byte aligned (header %d bytes)", f.Name, hl)
		}
	}
	if got := strings.Join(names, ","); got != "header.npy,chrom_offsets.npy,reads.npy,short.npy" {
		t.Errorf("members %s", got)
	}
	if !strings.HasPrefix(zr.Comment, "nipt-counts") {
		t.Errorf("zip comment %q", zr.Comment)
	}
}

// TestReadableByNumpy proves the file is readable without nipt's code.
func TestReadableByNumpy(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("python3 with numpy not available")
	}
	c := sample(t, true, 1000000)
	p := filepath.Join(t.TempDir(), "s.counts")
	if err := WriteFile(p, c, 1); err != nil {
		t.Fatal(err)
	}
	script := `import json, sys, numpy as np
z = np.load(sys.argv[1])
h = json.loads(str(z["header"]))
o = z["chrom_offsets"]
print(h["sample"], h["bin_size"], int(z["reads"].sum()), int(z["short"].sum()), int(z["reads"][o[20]:o[21]].sum()), len(o))`
	out, err := exec.Command(py, "-c", script, p).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy failed: %v\n%s", err, out)
	}
	var reads, short, chr21 int64
	for i := range c.Reads {
		reads += int64(c.Reads[i])
		short += int64(c.Short[i])
	}
	for i := c.Layout.Offset[20]; i < c.Layout.Offset[21]; i++ {
		chr21 += int64(c.Reads[i])
	}
	want := fmt.Sprintf("S001 1000000 %d %d %d 25", reads, short, chr21)
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("numpy read %q, want %q", got, want)
	}
}

func TestBadInput(t *testing.T) {
	c := sample(t, false, 1000000)
	var good bytes.Buffer
	Write(&good, c, 1)
	g := good.Bytes()
	flip := func(off int) []byte {
		b := bytes.Clone(g)
		b[off] ^= 0xff
		return b
	}
	readsAt := bytes.Index(g, []byte("reads.npy")) + 200 // inside the reads array data
	other := sample(t, true, 1000000)
	var pe bytes.Buffer
	Write(&pe, other, 1)
	cases := map[string][]byte{
		"empty":        nil,
		"not zip":      []byte("hello world"),
		"gzip":         {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0},
		"truncated":    g[:len(g)/2],
		"corrupt data": flip(readsAt),
	}
	// A header naming another version / format / build: rebuild files.
	for name, mut := range map[string]func(*Counts){
		"bad build":      func(x *Counts) { x.Header.Build = "mm10" },
		"future version": func(x *Counts) { x.Header.FormatVersion = 9 },
		"bin size":       func(x *Counts) { x.Header.BinSize = 777 },
		"zero bin size":  func(x *Counts) { x.Header.BinSize = 0 },
	} {
		x := sample(t, false, 1000000)
		var b bytes.Buffer
		Write(&b, x, 1)
		mut(x)
		// Write forces format/version; patch the header member by hand.
		h := x.Header
		js, _ := json.Marshal(&h)
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		zr, _ := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		for _, f := range zr.File {
			w, _ := zw.Create(f.Name)
			if f.Name == "header.npy" {
				w.Write(encodeString(string(js)))
				continue
			}
			rc, _ := f.Open()
			io.Copy(w, rc)
		}
		zw.Close()
		cases[name] = zb.Bytes()
	}
	for name, in := range cases {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	p := filepath.Join(t.TempDir(), "x.counts")
	os.WriteFile(p, cases["not zip"], 0o644)
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("error does not name file: %v", err)
	}
	if _, err := ReadHeaderFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("header error does not name file: %v", err)
	}
	// The files given in a counts file's place most often are named for
	// what they are, by both readers.
	for in, want := range map[string]string{
		"#nipt-reference\t5\n#sha256:…": "--reference",
		"\x1f\x8b\x08\x04BGZF":          "nipt count",
		"":                              "empty",
	} {
		os.WriteFile(p, []byte(in), 0o644)
		if _, err := ReadFile(p); err == nil || !errors.Is(err, ErrNotCounts) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %v naming %q", in, err, ErrNotCounts, want)
		}
		if _, err := ReadHeaderFile(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: header error %v, want one naming %q", in, err, want)
		}
	}
	// A header whose bin size is 0 is refused from the header alone (the
	// batch checks of nipt analyze divide by it).
	os.WriteFile(p, cases["zero bin size"], 0o644)
	if _, err := ReadHeaderFile(p); err == nil || !strings.Contains(err.Error(), "bin size 0") {
		t.Errorf("zero bin size: %v", err)
	}
}

func BenchmarkRead10kb(b *testing.B) {
	c := sample(b, true, 10000)
	var buf bytes.Buffer
	Write(&buf, c, 2)
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Read(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile10kb(b *testing.B) {
	c := sample(b, true, 10000)
	p := filepath.Join(b.TempDir(), "s.counts")
	if err := WriteFile(p, c, 1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRunKey(t *testing.T) {
	for _, tc := range []struct {
		runs []string
		want string
	}{{nil, ""}, {[]string{"FC1"}, "FC1"}, {[]string{"FC2", "FC1"}, "FC1+FC2"}, {[]string{"FC1", "FC2"}, "FC1+FC2"}} {
		if got := RunKey(tc.runs); got != tc.want {
			t.Errorf("RunKey(%q) = %q, want %q", tc.runs, got, tc.want)
		}
	}
}

func TestValidSample(t *testing.T) {
	for id, ok := range map[string]bool{"S17": true, "2024-001_A.b": true, "a b": true, "": false, ".": false, "..": false, "../S1": false, `lab\S1`: false, "S\x001": false} {
		if err := ValidSample(id); (err == nil) != ok {
			t.Errorf("ValidSample(%q) = %v, want ok %v", id, err, ok)
		}
	}
}

func TestValidRun(t *testing.T) {
	for _, ok := range []string{"HK3TWDSX3", "run-2026-11-30", "A00123:45:HK3TWDSX3", "r_1.2"} {
		if err := ValidRun(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "run 7", "a+b", "run\t7", "r/1", "ü", strings.Repeat("x", 101)} {
		if err := ValidRun(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c := sample(t, false, 100000)
	c.Header.Runs = []string{"run 7"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "run 7") {
		t.Errorf("a counts record with a bad run name: %v", err)
	}
}
