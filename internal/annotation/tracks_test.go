package annotation

import (
	"bytes"
	"compress/gzip"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/sharedtest"
)

// wigExample is a hand-written track (written line by line).
const wigExample = "track type=wiggle_0 name=gc\n" +
	"# comment\n" +
	"fixedStep chrom=chr1 start=1 step=100 span=100\n" +
	"0.5\n" +
	"-1\n" +
	"0.3\n" +
	"fixedStep chrom=chr1 start=301 step=50 span=50\n" +
	"0.2\n" +
	"0.4\n" +
	"variableStep chrom=2 span=30\n" +
	"11 0.6\n" +
	"91 0.9\n" +
	"fixedStep chrom=chrM start=1 step=10\n" +
	"0.7\n" +
	"fixedStep chrom=chr3 start=901 step=100\n" +
	"0.25\n"

const bedGraphExample = `track type=bedGraph
chr3	0	150	0.2
chr3	150	200	0.8
chrUn_KI270302v1	0	100	0.9
X	100	130	NA
X	130	160	0.1
`

func TestReadTrackHandComputed(t *testing.T) {
	l := testLayout(t)
	bin := func(c, i int) int { return l.Offset[c] + i }
	for _, tc := range []struct {
		name  string
		in    string
		want  map[int][2]float64 // bin → value, known fraction
		empty []int              // bins with no known value
	}{
		{"wig", wigExample, map[int][2]float64{
			bin(0, 0): {0.5, 1},
			bin(0, 2): {0.3, 1},
			bin(0, 3): {(0.2*50 + 0.4*50) / 100, 1},
			// variableStep span 30: [10,40) = 0.6 and [90,120) = 0.9.
			bin(1, 0): {(0.6*30 + 0.9*10) / 40, 0.4},
			bin(1, 1): {0.9, 0.2},
			// chr3: no span= means span 1 (wig spec): one base of bin 9.
			bin(2, 9): {0.25, 0.01},
		}, []int{bin(0, 1), bin(0, 4), bin(2, 10)}},
		{"bedGraph", bedGraphExample, map[int][2]float64{
			bin(2, 0):           {0.2, 1},
			bin(2, 1):           {(0.2*50 + 0.8*50) / 100, 1},
			bin(genome.ChrX, 1): {0.1, 0.3},
		}, []int{bin(2, 2), bin(0, 0)}},
	} {
		for _, gz := range []bool{false, true} {
			in := []byte(tc.in)
			if gz {
				var b bytes.Buffer
				w := gzip.NewWriter(&b)
				w.Write(in)
				w.Close()
				in = b.Bytes()
			}
			tr, err := ReadTrack(bytes.NewReader(in), l)
			if err != nil {
				t.Fatalf("%s gz=%v: %v", tc.name, gz, err)
			}
			for i, w := range tc.want {
				if math.Abs(tr.Value[i]-w[0]) > 1e-12 || math.Abs(tr.Known[i]-w[1]) > 1e-12 {
					t.Errorf("%s: bin %d = %v (known %v), want %v (known %v)", tc.name, i, tr.Value[i], tr.Known[i], w[0], w[1])
				}
			}
			for _, i := range tc.empty {
				if !math.IsNaN(tr.Value[i]) || tr.Known[i] != 0 {
					t.Errorf("%s: bin %d = %v (known %v), want NaN", tc.name, i, tr.Value[i], tr.Known[i])
				}
			}
		}
	}
}

func TestReadTrackErrors(t *testing.T) {
	l := testLayout(t)
	for _, tc := range []struct{ name, in, want string }{
		{"unsorted variableStep", "variableStep chrom=chr1\n200 0.5\n100 0.5\n", "sort"},
		{"overlapping bedGraph", "chr1\t0\t100\t0.5\nchr1\t50\t150\t0.5\n", "sort"},
		{"fixedStep reopened backwards", "fixedStep chrom=chr1 start=501 step=100\n0.5\nfixedStep chrom=chr1 start=1 step=100\n0.5\n", "precedes"},
		{"non-numeric", "fixedStep chrom=chr1 start=1 step=100\nabc\n", "not a number"},
		{"percent", "chr1\t0\t100\t41.5\n", "percentages"},
		{"negative", "chr1\t0\t100\t-0.5\n", "not a fraction"},
		{"beyond chromosome", "chr1\t2000\t2100\t0.5\n", "another genome build"},
		{"missing start", "fixedStep chrom=chr1 step=100\n0.5\n", "start="},
		{"span over step", "fixedStep chrom=chr1 start=1 step=10 span=20\n0.5\n", "overlap"},
		{"unknown field", "fixedStep chrom=chr1 start=1 step=10 foo=1\n", "unknown"},
		{"no chrom", "variableStep span=10\n1 0.5\n", "chrom="},
		{"variableStep with step", "variableStep chrom=chr1 step=10\n", "no start"},
		{"wrong field count", "fixedStep chrom=chr1 start=1 step=10\n1 0.5\n", "fields"},
		{"bedGraph coordinates", "chr1\tx\t100\t0.5\n", "coordinates"},
		{"empty", "track name=x\n# nothing\n", "no data"},
		{"bad end", "chr1\t100\t100\t0.5\n", "end > start"},
		{"five fields", "chr1\t0\t100\t0.5\t1\n", "5 fields"},
	} {
		_, err := ReadTrack(strings.NewReader(tc.in), l)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "line") && tc.name != "empty" {
			t.Errorf("%s: error %q does not name the line", tc.name, err)
		}
	}
	if _, err := ReadTrackFile(filepath.Join(t.TempDir(), "missing.wig"), l); err == nil {
		t.Error("missing file accepted")
	}
}

func TestReadBED(t *testing.T) {
	l := testLayout(t)
	in := "track name=bl\n# c\nchr1\t150\t160\tx\t0\t+\nchr1\t0\t10\nchr1\t5\t30\n" +
		"chr2 480 720\nchrM\t0\t100\nchr21\t1949\t1950\n"
	for _, tc := range []struct {
		minFrac float64
		set     []int
	}{
		{0, []int{0, 1, l.Offset[1] + 4, l.Offset[1] + 5, l.Offset[1] + 6, l.Offset[1] + 7, l.Offset[20] + 19}},
		// Coverage: chr1 bin 0 30 %, bin 1 10 %; chr2 bins 4 20 %, 5 and 6 100 %, 7 20 %;
		// chr21 bin 19 1 % (chr21 is 1950 b; the bin holds 50).
		{0.25, []int{0, l.Offset[1] + 5, l.Offset[1] + 6}},
	} {
		got, err := ReadBED(strings.NewReader(in), l, tc.minFrac)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]bool, l.NumBins())
		for _, i := range tc.set {
			want[i] = true
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("minFrac %v: bin %d blacklisted=%v, want %v", tc.minFrac, i, got[i], want[i])
			}
		}
	}
	for _, tc := range []struct{ name, in, want string }{
		{"two fields", "chr1\t5\n", "at least"},
		{"end before start", "chr1\t50\t10\n", "coordinates"},
		{"beyond", "chr1\t5000\t5100\n", "another genome build"},
		{"empty", "", "no regions"},
		{"only other contigs", "chrUn_KI270302v1\t0\t100\nHLA-A*01:01\t0\t10\n", "none of its 2 regions"},
	} {
		if _, err := ReadBED(strings.NewReader(tc.in), l, 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := ReadBED(strings.NewReader(in), l, 1); err == nil {
		t.Error("minFrac 1 accepted")
	}
	// A spreadsheet's byte-order mark does not hide the first region.
	got, err := ReadBED(strings.NewReader("\ufeffchr1\t0\t10\r\n"), l, 0)
	if err != nil || !got[0] {
		t.Errorf("BED with a byte-order mark: bin 0 %v, %v", got != nil && got[0], err)
	}
}

// TestRealTables imports the real hg38 GC and mappability tables at 10 kb
// (identical bins: values must be reproduced exactly) and at 50 kb, where
// merging 10 kb values must agree with the separately computed 50 kb table.
func TestRealTables(t *testing.T) {
	dir := sharedtest.HG38Dir(t)
	gcWig, mapWig := filepath.Join(dir, "gc_hg38_10kb.wig"), filepath.Join(dir, "map_hg38_10kb.wig")
	a, err := Make(Options{GCTrack: gcWig, MapTrack: mapWig, Build: genome.GRCh38, BinSize: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	// chr1 bins 0–3 of the file: -1 (gap), 0.5923, 0.5174, 0.4712; map 0, 0.148057, …
	for i, want := range []float64{math.NaN(), 0.5923, 0.5174, 0.4712} {
		if got := a.GC[i]; !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("chr1 bin %d GC %v, want %v", i, got, want)
		}
	}
	if a.N[0] != 1 || a.N[1] != 0 || a.Map[0] != 0 || a.Map[1] != 0.148057 {
		t.Errorf("chr1 bins 0–1: N %v %v map %v %v", a.N[0], a.N[1], a.Map[0], a.Map[1])
	}
	// 50 kb: the 10 kb table merged (GC weighted by bins with a value)
	// against the 50 kb table, on bins without gap. The 10 kb table prints 4
	// decimals (rounding ≤ 5e-5, also after averaging), the 50 kb table 5
	// (≤ 5e-6): they must agree within 6e-5. Bins with gap are skipped: the
	// 50 kb table counts bases of partly-N 10 kb bins that the 10 kb table
	// reports as -1.
	l50, _ := genome.NewLayout(genome.GRCh38, 50_000)
	coarse, err := a.Coarsen(l50, 5)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ReadTrackFile(filepath.Join(dir, "gc_hg38_50kb.wig"), l50)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := Make(Options{GCTrack: gcWig, Build: genome.GRCh38, BinSize: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	var n, bad int
	for i := range coarse.GC {
		if coarse.N[i] != 0 || math.IsNaN(ref.Value[i]) {
			continue
		}
		n++
		if math.Abs(coarse.GC[i]-ref.Value[i]) > 6e-5 {
			bad++
		}
		if math.Abs(coarse.GC[i]-direct.GC[i]) > 1e-12 {
			t.Fatalf("bin %d: coarsened %v, imported at 50 kb %v", i, coarse.GC[i], direct.GC[i])
		}
	}
	t.Logf("50 kb: %d of %d gap-free bins differ from the 50 kb table by > 6e-5", bad, n)
	if n < 55_000 || bad > 0 {
		t.Errorf("50 kb GC disagrees with the real 50 kb table in %d of %d bins", bad, n)
	}
}

func FuzzReadTrack(f *testing.F) {
	for _, s := range []string{wigExample, bedGraphExample, "variableStep chrom=chr1\n200 0.5\n100 0.5\n", "fixedStep chrom=chr1 start=1 step=1 span=1\n1\n"} {
		f.Add([]byte(s))
	}
	l := testLayout(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ReadTrack(bytes.NewReader(data), l)
		if err != nil {
			return
		}
		for i, v := range tr.Value {
			if !inUnit(v, true) || !inUnit(tr.Known[i], false) {
				t.Fatalf("bin %d: value %v known %v", i, v, tr.Known[i])
			}
		}
	})
}

func FuzzReadBED(f *testing.F) {
	f.Add([]byte("chr1\t150\t160\tx\nchr2 480 720\nchrM\t0\t100\n"))
	f.Add([]byte("track x\nchrX\t0\t1\n"))
	l := testLayout(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := ReadBED(bytes.NewReader(data), l, 0.5); err == nil && len(m) != l.NumBins() {
			t.Fatalf("%d bins", len(m))
		}
	})
}
