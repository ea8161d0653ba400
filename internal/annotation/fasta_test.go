package annotation

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// testSeq draws a sequence of n bases with GC probability gc, soft-masked
// (lowercase) stretches, N runs and a few other IUPAC codes.
func testSeq(rng *rand.Rand, n int, gc float64) []byte {
	s := make([]byte, n)
	for i := range s {
		switch u := rng.Float64(); {
		case u < gc/2:
			s[i] = 'G'
		case u < gc:
			s[i] = 'C'
		case u < (1+gc)/2:
			s[i] = 'A'
		default:
			s[i] = 'T'
		}
		if rng.IntN(50) == 0 {
			s[i] = "RYKMN"[rng.IntN(5)]
		}
	}
	for k := 0; k < 3; k++ { // N runs and soft-masked runs
		lo := rng.IntN(n)
		hi := min(n, lo+rng.IntN(250))
		for i := lo; i < hi; i++ {
			if k == 0 {
				s[i] = 'N'
			} else if s[i] >= 'A' && s[i] <= 'Z' {
				s[i] += 'a' - 'A'
			}
		}
	}
	return s
}

// writeFASTA writes seqs (in the given order) with lines of width bases and
// eol line ends, and returns the index the way samtools faidx would.
func writeFASTA(t *testing.T, path string, names []string, seqs [][]byte, width int, eol string) []faiEntry {
	var b strings.Builder
	var fai []faiEntry
	var idx strings.Builder
	for k, s := range seqs {
		fmt.Fprintf(&b, ">%s description\n", names[k])
		e := faiEntry{name: names[k], length: len(s), offset: int64(b.Len()), lineBases: width, lineBytes: width + len(eol)}
		for i := 0; i < len(s); i += width {
			b.Write(s[i:min(i+width, len(s))])
			b.WriteString(eol)
		}
		fai = append(fai, e)
		fmt.Fprintf(&idx, "%s\t%d\t%d\t%d\t%d\n", e.name, e.length, e.offset, e.lineBases, e.lineBytes)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".fai", []byte(idx.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return fai
}

// testGenome returns the sequences of testBuild plus two contigs nipt does
// not bin, in a shuffled order.
func testGenome() (names []string, seqs [][]byte) {
	rng := rand.New(rand.NewPCG(5, 6))
	for c := 0; c < genome.NumChroms; c++ {
		names = append(names, genome.ChromName(c))
		seqs = append(seqs, testSeq(rng, testBuild.Lengths[c], 0.3+0.015*float64(c)))
	}
	names = append(names, "chrM", "chrUn_KI270302v1")
	seqs = append(seqs, testSeq(rng, 300, 0.4), testSeq(rng, 170, 0.4))
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i]; seqs[i], seqs[j] = seqs[j], seqs[i] })
	return names, seqs
}

func TestCountFASTA(t *testing.T) {
	names, seqs := testGenome()
	l := testLayout(t)
	// Independent count: straight over each chromosome's sequence.
	want := New(l)
	for k, s := range seqs {
		c, ok := genome.ChromIndex(names[k])
		if !ok {
			continue
		}
		for i := 0; i < l.ChromBins(c); i++ {
			bin := s[i*100 : min((i+1)*100, len(s))]
			gc := strings.Count(strings.ToUpper(string(bin)), "G") + strings.Count(strings.ToUpper(string(bin)), "C")
			at := strings.Count(strings.ToUpper(string(bin)), "A") + strings.Count(strings.ToUpper(string(bin)), "T")
			want.GC[l.Offset[c]+i] = float64(gc) / float64(gc+at)
			want.N[l.Offset[c]+i] = float64(len(bin)-gc-at) / float64(len(bin))
		}
	}
	for _, tc := range []struct {
		width   int
		eol     string
		threads int
	}{{60, "\n", 1}, {50, "\r\n", 2}, {100, "\n", 3}, {7, "\n", 2}, {5000, "\n", 1}} {
		path := filepath.Join(t.TempDir(), "g.fa")
		fai := writeFASTA(t, path, names, seqs, tc.width, tc.eol)
		index := make([]int, len(fai))
		for i, e := range fai {
			c, ok := genome.ChromIndex(e.name)
			index[i] = map[bool]int{true: c, false: -1}[ok]
		}
		got, err := countFASTA(path, fai, index, l, tc.threads)
		if err != nil {
			t.Fatalf("width %d: %v", tc.width, err)
		}
		for i := range got.GC {
			if math.Abs(got.GC[i]-want.GC[i]) > 1e-12 || math.Abs(got.N[i]-want.N[i]) > 1e-12 {
				t.Fatalf("width %d: bin %d GC %v N %v, want %v %v", tc.width, i, got.GC[i], got.N[i], want.GC[i], want.N[i])
			}
		}
	}
}

func TestFASTAErrors(t *testing.T) {
	names, seqs := testGenome()
	dir := t.TempDir()
	path := filepath.Join(dir, "g.fa")
	fai := writeFASTA(t, path, names, seqs, 60, "\n")
	l := testLayout(t)
	index := make([]int, len(fai))
	for i, e := range fai {
		c, ok := genome.ChromIndex(e.name)
		index[i] = map[bool]int{true: c, false: -1}[ok]
	}
	// Not a supported build: the tiny test genome.
	if _, err := FromFASTA(path, 100, 1); err == nil || !strings.Contains(err.Error(), "no supported build") {
		t.Errorf("test genome: %v", err)
	}
	// Stale index: offsets shifted by one byte.
	shifted := append([]faiEntry(nil), fai...)
	for i := range shifted {
		shifted[i].offset++
	}
	if _, err := countFASTA(path, shifted, index, l, 1); err == nil || !strings.Contains(err.Error(), "samtools faidx") {
		t.Errorf("stale index: %v", err)
	}
	// Index longer than the file.
	long := append([]faiEntry(nil), fai...)
	long[len(long)-1].length += 1000
	if _, err := countFASTA(path, long, index, l, 1); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("long index: %v", err)
	}
	// Missing index.
	os.Remove(path + ".fai")
	if _, err := FromFASTA(path, 100, 1); err == nil || !strings.Contains(err.Error(), "samtools faidx "+path) {
		t.Errorf("missing index: %v", err)
	}
	// Compressed FASTA.
	gz := filepath.Join(dir, "g.fa.gz")
	os.WriteFile(gz, []byte{0x1f, 0x8b, 8, 0}, 0o644)
	if _, err := countFASTA(gz, fai, index, l, 1); err == nil || !strings.Contains(err.Error(), "compressed") {
		t.Errorf("gzip: %v", err)
	}
	for _, tc := range []struct{ name, fai, want string }{
		{"columns", "chr1\t100\t5\n", "columns"},
		{"number", "chr1\tx\t5\t60\t61\n", "integer"},
		{"line bytes", "chr1\t100\t5\t60\t60\n", "end-of-line"},
		{"empty", "", "empty"},
		{"huge offset", "chr1\t100\t4611686018427387904\t60\t61\n", "2^48"},
	} {
		if _, err := readFAI(strings.NewReader(tc.fai)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("fai %s: %v", tc.name, err)
		}
	}
}

func BenchmarkCountBases(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	seq := testSeq(rng, 1<<24, 0.41)
	b.SetBytes(int64(len(seq)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		countBases(seq)
	}
}

func FuzzReadFAI(f *testing.F) {
	f.Add([]byte("chr1\t248956422\t6\t60\t61\nchrM\t16569\t253105708\t70\t72\n"))
	f.Add([]byte("chr1\t0\t5\t0\t0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fai, err := readFAI(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, e := range fai {
			if e.length > 0 && (e.lineBases < 1 || e.lineBytes <= e.lineBases) {
				t.Fatalf("accepted %+v", e)
			}
			if e.end() < e.offset {
				t.Fatalf("end %d before offset %d: overflow", e.end(), e.offset)
			}
		}
	})
}
