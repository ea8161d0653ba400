package simulate

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func writeBAM(t testing.TB, ls *Landscape, s *Sample, o BAMOptions) (string, *counts.Counts, Realised) {
	t.Helper()
	p := filepath.Join(t.TempDir(), s.ID+".bam")
	if o.Threads == 0 {
		o.Threads = 2
	}
	c, r, err := ls.WriteBAM(context.Background(), s, p, o)
	if err != nil {
		t.Fatal(err)
	}
	return p, c, r
}

// independentCount bins the reads nipt count keeps with its default filters,
// from samtools' decoding of the BAM: MAPQ ≥ 1, not unmapped, secondary,
// QC-fail, duplicate or supplementary (-F 0xF04); paired-end: read 1 of each
// pair, binned at min(POS, PNEXT), short when |TLEN| < 150.
func independentCount(t *testing.T, path string, l *genome.Layout, paired bool) (reads, short []uint32) {
	reads, short = make([]uint32, l.NumBins()), make([]uint32, l.NumBins())
	args := []string{"-q", "1", "-F", "0xF04"}
	if paired {
		args = append(args, "-f", "64")
	}
	samView(t, path, func(r samRecord) {
		c, ok := genome.ChromIndex(r.ref)
		if !ok {
			return
		}
		pos := r.pos
		if paired {
			pos = min(pos, r.pnext)
		}
		b := l.Bin(c, pos-1)
		reads[b]++
		if paired && r.tlen < 150 && r.tlen > -150 {
			short[b]++
		}
	}, args...)
	return reads, short
}

// TestCountsMatchBAM: counts mode writes exactly what an independent counter
// (samtools filters) finds in the BAM of the same sample and seed.
func TestCountsMatchBAM(t *testing.T) {
	t.Parallel()
	samtoolsPath(t)
	ls := testLandscape(t, 100_000)
	for _, tc := range []struct {
		name    string
		paired  bool
		markDup bool
	}{
		{"single", false, true},
		{"paired", true, true},
		{"paired-unflagged-dups", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls2 := *ls
			ls2.Params.MarkDuplicates = tc.markDup
			s := sample(t, &ls2, Sample{ID: tc.name, Paired: tc.paired, FF: 0.1, FetalSex: Male, Reads: 120_000}, 11)
			path, _, _ := writeBAM(t, &ls2, s, BAMOptions{})
			samtools(t, "quickcheck", "-v", path)
			want := countsOf(t, &ls2, s)
			reads, short := independentCount(t, path, ls.Layout, tc.paired)
			var tot int64
			for i := range reads {
				tot += int64(reads[i])
				if reads[i] != want.Reads[i] || (tc.paired && short[i] != want.Short[i]) {
					t.Fatalf("bin %d: samtools counts %d (%d short), counts mode %d", i, reads[i], short[i], want.Reads[i])
				}
			}
			if tot < 100_000 || tot != want.Header.QC.Kept {
				t.Errorf("kept %d reads, counts header says %d", tot, want.Header.QC.Kept)
			}
		})
	}
}

// TestBAMFlagRates measures duplicate, QC-fail, secondary, supplementary and
// unmapped records with samtools and compares them with the requested rates.
// Tolerances are 5 binomial/Poisson standard deviations of the counts.
func TestBAMFlagRates(t *testing.T) {
	t.Parallel()
	samtoolsPath(t)
	ls := testLandscape(t, 100_000)
	p := ls.Params
	s := sample(t, ls, Sample{ID: "flags", Paired: true, FF: 0.1, Reads: 200_000}, 5)
	path, _, r := writeBAM(t, ls, s, BAMOptions{})
	primary := samtoolsCount(t, path, "-F", "0x900")
	if primary != 2*r.Fragments {
		t.Errorf("%d primary records, want 2 × %d pairs", primary, r.Fragments)
	}
	mappedFrag := float64(samtoolsCount(t, path, "-F", "0x904", "-f", "64"))
	check := func(name string, got, want float64) {
		t.Helper()
		if sd := math.Sqrt(want); math.Abs(got-want) > 5*sd {
			t.Errorf("%s: %v records, expected %.0f ± %.0f", name, got, want, sd)
		} else {
			t.Logf("%s: %v (expected %.0f)", name, got, want)
		}
	}
	// Duplicates are D/(1−D) copies per mapped non-QC-fail original.
	rd := p.DupRate / (1 - p.DupRate)
	dupFrac := rd * (1 - p.QCFailRate) / (1 + rd*(1-p.QCFailRate))
	check("duplicates", float64(samtoolsCount(t, path, "-f", "0x440")), mappedFrag*dupFrac)
	origMapped := mappedFrag / (1 + rd*(1-p.QCFailRate))
	check("qcfail", float64(samtoolsCount(t, path, "-f", "0x240")), origMapped*p.QCFailRate)
	check("secondary", float64(samtoolsCount(t, path, "-f", "0x100")), origMapped*p.SecondaryRate)
	check("supplementary", float64(samtoolsCount(t, path, "-f", "0x800")), origMapped*p.SupplementRate)
	orig := float64(s.Reads) * (1 - p.DupRate)
	check("unmapped pairs", float64(samtoolsCount(t, path, "-f", "0x44")), orig*p.UnmappedRate)

	// idxstats reads the per-reference counts from our index; they must
	// match a full scan, and chrM/unplaced contigs must hold reads.
	var idx, other int64
	for _, line := range strings.Split(strings.TrimSpace(string(samtools(t, "idxstats", path))), "\n") {
		f := strings.Fields(line)
		n := atoi64(t, f[2]) + atoi64(t, f[3])
		idx += n
		if _, ok := genome.ChromIndex(f[0]); !ok && f[0] != "*" {
			other += n
		}
	}
	if all := samtoolsCount(t, path); idx != all {
		t.Errorf("idxstats total %d, view -c %d", idx, all)
	}
	check("other-contig pairs", float64(other)/2, orig*(p.ChrMRate+p.UnplacedRate)*(1+rd)) // ×(1+rd) for their duplicates, ignoring the small secondary/supplementary share
}

func atoi64(t testing.TB, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// TestBAMDeterministic: the same seed gives byte-identical BAM and BAI, for
// any number of compression threads, with and without sequences.
func TestBAMDeterministic(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	for _, seq := range []bool{false, true} {
		s := sample(t, ls, Sample{ID: "det", Paired: true, FF: 0.1, Reads: 30_000}, 9)
		a, _, _ := writeBAM(t, ls, s, BAMOptions{Seq: seq, TagOrigin: true, Threads: 1})
		b, _, _ := writeBAM(t, ls, s, BAMOptions{Seq: seq, TagOrigin: true, Threads: 3})
		for _, ext := range []string{"", ".bai"} {
			x, _ := os.ReadFile(a + ext)
			y, _ := os.ReadFile(b + ext)
			if len(x) == 0 || !bytes.Equal(x, y) {
				t.Errorf("seq=%v: %s%s differs between runs (%d vs %d bytes)", seq, filepath.Base(a), ext, len(x), len(y))
			}
		}
		s2 := sample(t, ls, Sample{ID: "det", Paired: true, FF: 0.1, Reads: 30_000}, 10)
		c, _, _ := writeBAM(t, ls, s2, BAMOptions{Seq: seq, TagOrigin: true, Threads: 1})
		x, _ := os.ReadFile(a)
		y, _ := os.ReadFile(c)
		if bytes.Equal(x, y) {
			t.Error("different seeds gave the same BAM")
		}
	}
}
