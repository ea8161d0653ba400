package simulate

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

var (
	landscapeOnce sync.Map // bin size → *Landscape
)

// testLandscape returns the default landscape on the built-in GRCh38 genome
// at the given bin size (seed 1), built once per test binary.
func testLandscape(t testing.TB, binSize int) *Landscape {
	t.Helper()
	if v, ok := landscapeOnce.Load(binSize); ok {
		return v.(*Landscape)
	}
	a, err := annotation.Synthetic(genome.GRCh38, binSize, 1)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := NewLandscape(a, Default(), 1)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := landscapeOnce.LoadOrStore(binSize, ls)
	return v.(*Landscape)
}

// sample returns a resolved sample with the given seed.
func sample(t testing.TB, ls *Landscape, s Sample, seed uint64) *Sample {
	t.Helper()
	if s.ID == "" {
		s.ID = "S1"
	}
	if s.Reads == 0 {
		s.Reads = 200_000
	}
	if err := s.ResolveWithSeed(&ls.Params, seed); err != nil {
		t.Fatal(err)
	}
	return &s
}

func countsOf(t testing.TB, ls *Landscape, s *Sample) *counts.Counts {
	t.Helper()
	c, _, err := ls.Counts(context.Background(), s, "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// samtoolsPath returns the samtools binary or skips the test.
func samtoolsPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("samtools")
	if err != nil {
		t.Skip("samtools not on PATH: skipping the samtools cross-checks")
	}
	return p
}

// samtools runs samtools and returns its standard output.
func samtools(t testing.TB, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(samtoolsPath(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("samtools %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// samtoolsCount runs samtools view -c with the given filter arguments.
func samtoolsCount(t testing.TB, path string, args ...string) int64 {
	t.Helper()
	out := samtools(t, append(append([]string{"view", "-c"}, args...), path)...)
	n, err := strconv.ParseInt(string(bytes.TrimSpace(out)), 10, 64)
	if err != nil {
		t.Fatalf("samtools view -c: %q", out)
	}
	return n
}

// samRecord holds the SAM text fields the independent counter needs.
type samRecord struct {
	ref              string
	pos, pnext, tlen int
	tags             string
}

// samView streams samtools view output (optional filter args) into fn.
func samView(t testing.TB, path string, fn func(r samRecord), args ...string) {
	t.Helper()
	out := samtools(t, append(append([]string{"view"}, args...), path)...)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := bytes.SplitN(sc.Bytes(), []byte{'\t'}, 12)
		var r samRecord
		r.ref = string(f[2])
		r.pos, _ = strconv.Atoi(string(f[3]))
		r.pnext, _ = strconv.Atoi(string(f[7]))
		r.tlen, _ = strconv.Atoi(string(f[8]))
		if len(f) == 12 {
			r.tags = string(f[11])
		}
		fn(r)
	}
}
