package annotation

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

func encodeT(t testing.TB, a *Annotation) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	a := mustSynthetic(t, genome.GRCh38, 500_000, 11)
	a.Tool.Command = "nipt annotate --synthetic"
	data := encodeT(t, a)
	got, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got.Layout.Build != genome.GRCh38 || got.Layout.BinSize != 500_000 || got.Source != a.Source || got.Tool.Command != a.Tool.Command {
		t.Errorf("header not preserved: %+v %+v", got.Source, got.Tool)
	}
	nan := 0
	for i := range a.GC {
		for k, pair := range [][2]float64{{a.GC[i], got.GC[i]}, {a.N[i], got.N[i]}, {a.Map[i], got.Map[i]}} {
			if math.IsNaN(pair[0]) != math.IsNaN(pair[1]) || math.Abs(pair[0]-pair[1]) > 5e-7 {
				t.Fatalf("bin %d track %d: wrote %v, read %v", i, k, pair[0], pair[1])
			}
			if math.IsNaN(pair[0]) {
				nan++
			}
		}
		if a.Blacklist[i] != got.Blacklist[i] {
			t.Fatalf("bin %d blacklist differs", i)
		}
	}
	if nan == 0 {
		t.Error("test annotation has no NA values to round-trip")
	}
	if again := encodeT(t, got); !bytes.Equal(again, data) {
		t.Error("re-encoding is not byte-identical")
	}
}

func plainText(t *testing.T, data []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPlainGzipLayout(t *testing.T) {
	a := mustSynthetic(t, genome.GRCh38, 1_000_000, 1)
	lines := strings.Split(strings.TrimSuffix(plainText(t, encodeT(t, a)), "\n"), "\n")
	if lines[0] != "#nipt-annotation\t1" || !strings.HasPrefix(lines[1], `#{"format":"nipt-annotation"`) || lines[2] != columns {
		t.Errorf("unexpected header lines %q", lines[:3])
	}
	if got, want := len(lines)-3, a.Layout.NumBins(); got != want {
		t.Errorf("%d rows, want %d", got, want)
	}
	// chr1 begins with the 10 kb telomere gap: 1 % N in the first 1 Mb bin.
	if !strings.HasPrefix(lines[3], "chr1\t0\t1000000\t") || !strings.Contains(lines[3], "\t0.01\t") {
		t.Errorf("first row %q", lines[3])
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "chrY\t57000000\t57227415\tNA\t1\t0\t") {
		t.Errorf("last row %q (want the masked chrY PAR2 end)", last)
	}
}

func TestReadBadInput(t *testing.T) {
	a := mustSynthetic(t, genome.GRCh38, 1_000_000, 1)
	text := plainText(t, encodeT(t, a))
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	firstRow := strings.Split(text, "\n")[3] // chr1 0 1000000 gc n map bl
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not gzip", "chrom\tstart\n", "not a nipt annotation"},
		{"counts file", "#nipt-counts\t1\n#{}\n", "not a nipt annotation"},
		{"future version", strings.Replace(text, "#nipt-annotation\t1", "#nipt-annotation\t2", 1), "version"},
		{"truncated", text[:len(text)/2], "truncated"},
		{"header only", text[:strings.Index(text, "chr1\t")], "truncated"},
		{"unknown build", strings.Replace(text, `"build":"GRCh38"`, `"build":"mm10"`, 1), "mm10"},
		{"wrong contig", strings.Replace(text, `"length":248956422`, `"length":249250621`, 1), "chr1"},
		{"row order", strings.Replace(text, firstRow, strings.Replace(firstRow, "chr1", "chr2", 1), 1), "follow the layout"},
		{"non-numeric", strings.Replace(text, firstRow, strings.Replace(firstRow, "\t0.01\t", "\tx\t", 1), 1), "n_frac"},
		{"out of range", strings.Replace(text, firstRow, strings.Replace(firstRow, "\t0.01\t", "\t1.5\t", 1), 1), "fraction"},
		{"NA for N", strings.Replace(text, firstRow, strings.Replace(firstRow, "\t0.01\t", "\tNA\t", 1), 1), "n_frac"},
		{"bad blacklist", strings.Replace(text, firstRow, firstRow[:len(firstRow)-1]+"yes", 1), "blacklist"},
		{"columns", strings.Replace(text, firstRow, firstRow+"\t7", 1), "7 tab-separated"},
		{"trailing", text + "chrZ\t0\t1\t0.4\t0\t1\t0\n", "trailing"},
		{"columns header", strings.Replace(text, columns, "chrom\tstart\tend\tgc", 1), "column header"},
	} {
		in := []byte(tc.in)
		if tc.name != "not gzip" {
			in = gz(tc.in)
		}
		_, err := Read(bytes.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	p := filepath.Join(t.TempDir(), "x.bins")
	os.WriteFile(p, []byte("hello"), 0o644)
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, ErrNotAnnotation) {
		t.Errorf("error does not name the file or wrap ErrNotAnnotation: %v", err)
	}
}

func TestWriteFileAndLoadFor(t *testing.T) {
	dir := t.TempDir()
	a := mustSynthetic(t, genome.GRCh38, 100_000, 5)
	p := filepath.Join(dir, "g.bins")
	if err := WriteFile(p, a); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "g.bins"), a); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	bad := *a
	bad.GC = a.GC[:10]
	if err := WriteFile(filepath.Join(dir, "bad.bins"), &bad); err == nil {
		t.Error("invalid annotation written")
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.bins")); !os.IsNotExist(err) {
		t.Error("failed write left a file behind")
	}
	h, err := ReadHeaderFile(p)
	if err != nil || h.BinSize != 100_000 || h.Build != "GRCh38" {
		t.Fatalf("header %+v, %v", h, err)
	}
	l500, _ := genome.NewLayout(genome.GRCh38, 500_000)
	got, err := LoadFor(p, l500)
	if err != nil {
		t.Fatal(err)
	}
	if got.Layout.BinSize != 500_000 {
		t.Errorf("LoadFor gave bin size %d", got.Layout.BinSize)
	}
	for _, tc := range []struct {
		b       *genome.Build
		binSize int
		want    string
	}{
		{genome.GRCh37, 100_000, "--build GRCh37"},
		{genome.GRCh38, 50_000, "--bin-size 50000"},
		{genome.GRCh38, 150_000, "--bin-size 150000"},
	} {
		l, _ := genome.NewLayout(tc.b, tc.binSize)
		if _, err := LoadFor(p, l); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s/%d: error %v, want one naming %q", tc.b.Name, tc.binSize, err, tc.want)
		}
	}
	l200, _ := genome.NewLayout(genome.GRCh38, 200_000)
	if err := a.CheckCompatible(l200); err == nil || !strings.Contains(err.Error(), "Coarsen") {
		t.Errorf("CheckCompatible: %v", err)
	}
	if err := a.CheckCompatible(a.Layout); err != nil {
		t.Error(err)
	}
}

func BenchmarkWriteRead10kb(b *testing.B) {
	a := mustSynthetic(b, genome.GRCh38, 10_000, 1)
	for i := 0; i < b.N; i++ {
		data := encodeT(b, a)
		b.SetBytes(int64(len(data)))
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	a := mustSynthetic(f, genome.GRCh38, 10_000_000, 1)
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	if err := encode(bw, a); err != nil {
		f.Fatal(err)
	}
	if err := bw.Flush(); err != nil { // else the seed is cut at the last full buffer
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("#nipt-annotation\t1\n#{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, err := decode(bufio.NewReader(bytes.NewReader(data))); err == nil {
			if err := a.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
