package simulate

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// keptShare returns, measured with samtools, the share of kept reads (MAPQ
// ≥ 1, no flag 0xF04) of a BAM that lie on chrom, and the kept total.
func keptShare(t *testing.T, path, chrom string) (float64, int64) {
	all := samtoolsCount(t, path, "-q", "1", "-F", "0xF04")
	out := samtools(t, "view", "-c", "-q", "1", "-F", "0xF04", path, chrom)
	in := atoi64(t, strings.TrimSpace(string(out)))
	return float64(in) / float64(all), all
}

// TestBAMTrisomyAndSex measures chromosome shares of simulated BAMs with
// samtools: a T21 sample's chr21 share exceeds the euploid one of the same
// seed by the factor (1 + f/2)/(1 + f/2·p21); a male fetus puts reads on
// chrY, a female one only a small mismapping background.
func TestBAMTrisomyAndSex(t *testing.T) {
	t.Parallel()
	samtoolsPath(t)
	ls := testLandscape(t, 100_000)
	const f = 0.3
	const reads = 800_000
	eu, _, _ := writeBAM(t, ls, sample(t, ls, Sample{ID: "eu", FF: f, Reads: reads}, 77), BAMOptions{})
	t21, _, _ := writeBAM(t, ls, sample(t, ls, Sample{ID: "t21", FF: f, Reads: reads, Trisomy: 21}, 77), BAMOptions{})
	male, _, _ := writeBAM(t, ls, sample(t, ls, Sample{ID: "male", FF: f, Reads: reads, FetalSex: Male}, 77), BAMOptions{})
	pe, ne := keptShare(t, eu, "chr21")
	pt, nt := keptShare(t, t21, "chr21")
	want := (1 + f/2) / (1 + f/2*pe)
	// Conservative SD of the ratio of two shares, treating the samples as
	// independent: √(1/n21_eu + 1/n21_t21) (same-seed draws are positively
	// correlated, which only narrows the real spread).
	sd := math.Sqrt(1/(pe*float64(ne)) + 1/(pt*float64(nt)))
	if got := pt / pe; math.Abs(got-want) > 5*sd || got < 1+f/4 {
		t.Errorf("chr21 share T21/euploid = %.4f, want %.4f ± %.4f", got, want, sd)
	} else {
		t.Logf("chr21 share T21/euploid = %.4f (expected %.4f ± %.4f)", got, want, sd)
	}
	py, _ := keptShare(t, male, "chrY")
	fy, nf := keptShare(t, eu, "chrY")
	// Female background: non-zero, under 15 % of a male fetus at the same FF.
	if fy == 0 || fy > 0.15*py {
		t.Errorf("kept chrY share: female %.2e (%d reads), male %.2e", fy, int64(fy*float64(nf)), py)
	}
	// idxstats (from our index) agrees: the male BAM has many more chrY records.
	idx := func(path string) int64 {
		for _, line := range strings.Split(string(samtools(t, "idxstats", path)), "\n") {
			if f := strings.Fields(line); len(f) == 4 && f[0] == "chrY" {
				return atoi64(t, f[2])
			}
		}
		t.Fatal("no chrY in idxstats")
		return 0
	}
	if mi, fi := idx(male), idx(eu); mi < 3*fi {
		t.Errorf("idxstats chrY: male %d, female %d", mi, fi)
	}
}

// TestBAMFragmentOrigins reads the XO origin tags and TLEN of kept pairs:
// fetal fragments are shorter (mode 143 vs 166 bp), the short share of each
// origin matches its model, the fetal share of reads matches FF, and the
// histogram shows the 10-bp periodicity below 150 bp.
func TestBAMFragmentOrigins(t *testing.T) {
	t.Parallel()
	samtoolsPath(t)
	ls := testLandscape(t, 100_000)
	const f = 0.3
	s := sample(t, ls, Sample{ID: "origins", FF: f, Reads: 150_000, Paired: true}, 12)
	path, _, _ := writeBAM(t, ls, s, BAMOptions{TagOrigin: true})
	var lens [2][]int
	hist := make([]int, 1001)
	samView(t, path, func(r samRecord) {
		if _, ok := genome.ChromIndex(r.ref); !ok {
			return
		}
		o := 0
		switch {
		case strings.Contains(r.tags, "XO:A:F"):
			o = 1
		case !strings.Contains(r.tags, "XO:A:M"):
			t.Fatalf("record without origin tag: %q", r.tags)
		}
		L := r.tlen
		if L < 0 {
			L = -L
		}
		lens[o] = append(lens[o], L)
		if L <= 1000 {
			hist[L]++
		}
	}, "-q", "1", "-F", "0xF04", "-f", "64")
	n := float64(len(lens[0]) + len(lens[1]))
	// Fetal share among kept reads of chr1–22, X, Y: ≈ f (female fetus, so
	// chrX has the autosomal dosage); binomial SD, plus 0.003 for the fetal
	// profile's weighting.
	if got := float64(len(lens[1])) / n; math.Abs(got-f) > 5*math.Sqrt(f*(1-f)/n)+0.003 {
		t.Errorf("fetal share of kept pairs %.4f, want %.2f", got, f)
	}
	size := ls.expect(s, nil).size
	for o := range 2 {
		ps := newLengthSampler(size.pmf(&ls.Params, o), 150).pShort
		short := 0
		for _, L := range lens[o] {
			if L < 150 {
				short++
			}
		}
		k := float64(len(lens[o]))
		if got := float64(short) / k; math.Abs(got-ps) > 5*math.Sqrt(ps*(1-ps)/k) {
			t.Errorf("origin %d: short share %.4f, model %.4f", o, got, ps)
		}
	}
	med := func(v []int) int { sort.Ints(v); return v[len(v)/2] }
	if mm, fm := med(lens[0]), med(lens[1]); fm > mm-5 {
		t.Errorf("median fragment length fetal %d, maternal %d: fetal should be shorter", fm, mm)
	}
	// Periodicity: counts at the peaks 143 − 10.4k (k = 1..4) exceed the
	// mean of the counts 5 bp either side; the summed difference is tested
	// against its Poisson SD.
	var peaks, troughs float64
	for k := 1; k <= 4; k++ {
		p := int(math.Round(143 - 10.4*float64(k)))
		peaks += float64(hist[p])
		troughs += float64(hist[p-5]+hist[p+5]) / 2
	}
	if sd := math.Sqrt(peaks + troughs/2); peaks-troughs < 5*sd {
		t.Errorf("10-bp periodicity not visible: peaks %.0f vs troughs %.0f (SD %.0f)", peaks, troughs, sd)
	}
}
