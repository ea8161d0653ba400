package counts

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		var buf bytes.Buffer
		if err := Write(&buf, c, 2); err != nil {
			t.Fatal(err)
		}
		got, err := Read(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got.Header.Sample != "S001" || got.Header.QC.Dropped["duplicate"] != 12 || got.Header.QC.Kept != c.Header.QC.Kept {
			t.Errorf("header not preserved: %+v", got.Header)
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

func TestPlainGzipReadable(t *testing.T) {
	c := sample(t, true, 1000000)
	var buf bytes.Buffer
	Write(&buf, c, 1)
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != "#nipt-counts\t1" || !strings.HasPrefix(lines[1], "#{") || lines[2] != "chrom\tstart\tend\treads\tshort" {
		t.Errorf("unexpected header lines %q", lines[:3])
	}
	if got, want := len(lines)-3, c.Layout.NumBins(); got != want {
		t.Errorf("%d rows, want %d", got, want)
	}
	if !strings.HasPrefix(lines[3], "chr1\t0\t1000000\t") {
		t.Errorf("first row %q", lines[3])
	}
}

func TestBadInput(t *testing.T) {
	c := sample(t, false, 1000000)
	var good bytes.Buffer
	Write(&good, c, 1)
	zr, _ := gzip.NewReader(bytes.NewReader(good.Bytes()))
	plain, _ := io.ReadAll(zr)

	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	text := string(plain)
	cases := map[string][]byte{
		"not gzip":     []byte("hello world"),
		"not counts":   gz("chrom\tstart\n"),
		"truncated":    gz(text[:len(text)/2]),
		"wrong order":  gz(strings.Replace(text, "chr1\t0\t", "chr2\t0\t", 1)),
		"bad count":    gz(strings.Replace(text, "\t1000000\t", "\t1000000\t-", 1)),
		"future":       gz(strings.Replace(text, "#nipt-counts\t1", "#nipt-counts\t9", 1)),
		"trailing":     gz(text + "chrZ\t0\t1\t1\n"),
		"bad build":    gz(strings.Replace(text, `"GRCh38"`, `"mm10"`, 1)),
		"column count": gz(strings.Replace(text, "\t1000000\t", "\t1000000\t5\t", 1)),
	}
	for name, in := range cases {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	p := filepath.Join(t.TempDir(), "x.counts")
	os.WriteFile(p, cases["not gzip"], 0o644)
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("error does not name file: %v", err)
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
