package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// Presets names the built-in cohorts.
var Presets = []string{"validation", "demo"}

// Preset returns the samples of a built-in cohort. Its composition is fixed;
// the seed draws the free values (fetal fractions of euploid samples, read
// depths, fetal sexes, CNV positions), so different seeds give different
// realisations of the same design.
func Preset(name string, seed uint64) ([]Sample, error) {
	switch strings.ToLower(name) {
	case "validation":
		return validationPreset(seed), nil
	case "demo":
		return demoPreset(seed), nil
	}
	return nil, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(Presets, ", "))
}

// ExtraReferences returns n more reference samples drawn like a preset's
// references (paired-end, 3–5 M read pairs, fetal fraction as presetRand.ff,
// either fetal sex with probability ½, four sequencing runs), with IDs
// XREF001… and their own random stream, so that adding them leaves the
// preset's own samples unchanged for the same seed: how a lab would study
// the size of its reference (docs/validation.md).
func ExtraReferences(seed uint64, n int) []Sample {
	p := presetRand{newRand(seed, 0x9e5e8)}
	out := make([]Sample, 0, max(n, 0))
	for i := range max(n, 0) {
		out = append(out, Sample{ID: fmt.Sprintf("XREF%03d", i+1), Role: RoleReference, FF: p.ff(),
			FetalSex: p.sex(), Reads: p.reads(3_000_000, 5_000_000), Paired: true, Batch: fmt.Sprintf("run%d", i%4+1)})
	}
	return out
}

// presetRand draws preset values; stream 0x9e5e7 keeps them apart from the
// per-sample streams.
type presetRand struct{ r *rand.Rand }

// ff draws a euploid fetal fraction: log-normal with median 0.10 and log-SD
// 0.4, clipped to [0.04, 0.25], roughly the distribution at 10–20 weeks
// (Nygren et al. 2010 Clin Chem 56:1627; Kinnings et al. 2015 Prenat Diagn
// 35:816: median ≈ 10 %, 95 % range ≈ 4–20 %).
func (p presetRand) ff() float64 {
	return round3(min(max(0.10*math.Exp(0.4*p.r.NormFloat64()), 0.04), 0.25))
}

func (p presetRand) sex() string {
	if p.r.IntN(2) == 0 {
		return Female
	}
	return Male
}

func (p presetRand) reads(lo, hi int64) int64 {
	return (lo + p.r.Int64N(hi-lo+1)) / 1000 * 1000
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// spread returns n values evenly spaced over [lo, hi].
func spread(n int, lo, hi float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		if n == 1 {
			v[i] = (lo + hi) / 2
		} else {
			v[i] = round3(lo + (hi-lo)*float64(i)/float64(n-1))
		}
	}
	return v
}

// randomCNV places a fetal CNV of the given size on an arm region of chrom
// away from the centromere and telomeres (between 5 % and 85 % of the
// chromosome length, rounded to 100 kb).
func (p presetRand) randomCNV(chrom, size int, gain bool) CNV {
	n := genome.GRCh37.Lengths[chrom] // shortest of GRCh37/GRCh38 for these chromosomes
	lo := n / 20
	hi := n*85/100 - size
	start := (lo + p.r.IntN(max(hi-lo, 1))) / 100_000 * 100_000
	return CNV{Chrom: chrom, Start: start, End: start + size, Gain: gain, Origin: CNVFetal}
}

// validationPreset: 80 references and 121 tests at 3–5 M read pairs, four
// sequencing runs.
func validationPreset(seed uint64) []Sample {
	p := presetRand{newRand(seed, 0x9e5e7)}
	var out []Sample
	add := func(s Sample) {
		s.Paired = true
		if s.Reads == 0 {
			s.Reads = p.reads(3_000_000, 5_000_000)
		}
		if s.FetalSex == "" && s.SCA == "" {
			s.FetalSex = p.sex()
		}
		s.Batch = fmt.Sprintf("run%d", len(out)%4+1)
		out = append(out, s)
	}
	for i := range 80 {
		add(Sample{ID: fmt.Sprintf("REF%03d", i+1), Role: RoleReference, FF: p.ff()})
	}
	var tests []Sample
	for _, tri := range []struct {
		chrom, n int
	}{{21, 20}, {18, 12}, {13, 12}} {
		for _, f := range spread(tri.n, 0.02, 0.20) {
			tests = append(tests, Sample{Trisomy: tri.chrom, FF: f})
		}
	}
	for _, sca := range SCAs {
		for _, f := range spread(4, 0.05, 0.20) {
			tests = append(tests, Sample{SCA: sca, FF: f})
		}
	}
	for _, chrom := range []int{16, 7} {
		for _, f := range spread(3, 0.06, 0.15) {
			tests = append(tests, Sample{Trisomy: chrom, FF: f})
		}
	}
	for _, m := range []struct {
		chrom      int
		mosaic, ff float64
	}{{21, 0.5, 0.12}, {21, 0.5, 0.16}, {21, 0.5, 0.20}, {18, 0.5, 0.15}, {13, 0.3, 0.20}} {
		tests = append(tests, Sample{Trisomy: m.chrom, Mosaic: m.mosaic, FF: m.ff})
	}
	// Fetal CNVs of 5–15 Mb on chromosomes without large repeats.
	for i, f := range spread(10, 0.08, 0.20) {
		chrom := []int{0, 1, 3, 4, 5, 7, 8, 10, 14, 16}[i] // chr1 2 4 5 6 8 9 11 15 17
		size := []int{5, 6, 8, 10, 12, 15, 7, 9, 5, 6}[i] * 1_000_000
		tests = append(tests, Sample{FF: f, CNVs: []CNV{p.randomCNV(chrom, size, i%2 == 0)}})
	}
	// Maternal CNVs: heterozygous in the mother, typical sizes 0.5–5 Mb; the
	// chr21, chr18 and chr13 ones must not become trisomy calls.
	for _, c := range []string{
		"chr21:20000000-23000000:gain:maternal",
		"chr18:40000000-42000000:loss:maternal",
		"chr13:60000000-61500000:gain:maternal_inherited",
		"chr7:100000000-104000000:loss:maternal",
		"chr2:150000000-151000000:gain:maternal",
		"chr21:30000000-34000000:gain:maternal_inherited",
	} {
		cnv, _ := ParseCNV(c)
		tests = append(tests, Sample{FF: p.ff(), CNVs: []CNV{cnv}})
	}
	for _, f := range spread(8, 0.01, 0.035) {
		tests = append(tests, Sample{FF: f})
	}
	tests = append(tests,
		Sample{FF: 0.15, Twins: true, FetalSex: Male, Twin2Sex: Female, Twin2Share: 0.5, shareSet: true},
		Sample{FF: 0.16, Twins: true, Trisomy: 21, FetalSex: Female, Twin2Sex: Female, Twin2Share: 0.5, shareSet: true},
	)
	for range 24 {
		tests = append(tests, Sample{FF: p.ff()})
	}
	// Blind the test order: shuffle deterministically, then number.
	p.r.Shuffle(len(tests), func(i, j int) { tests[i], tests[j] = tests[j], tests[i] })
	for i, s := range tests {
		s.ID = fmt.Sprintf("TEST%03d", i+1)
		s.Role = RoleTest
		add(s)
	}
	return out
}

// demoPreset: 80 references (counts) and 10 tests, two of them as 3 M-pair
// BAMs, so that the whole demo runs in a few minutes on 2 cores.
func demoPreset(seed uint64) []Sample {
	p := presetRand{newRand(seed, 0x9e5e7, 1)}
	var out []Sample
	add := func(s Sample, batch string) {
		s.Paired = true
		if s.Reads == 0 {
			s.Reads = p.reads(3_000_000, 4_000_000)
		}
		if s.FetalSex == "" && s.SCA == "" {
			s.FetalSex = p.sex()
		}
		s.Batch = batch
		out = append(out, s)
	}
	for i := range 80 { // ~40 male references: the fetal-fraction models need them
		add(Sample{ID: fmt.Sprintf("ref-%02d", i+1), Role: RoleReference, FF: p.ff()}, fmt.Sprintf("run%d", i%2+1))
	}
	cnv := func(ss ...string) []CNV {
		var out []CNV
		for _, s := range ss {
			c, _ := ParseCNV(s)
			out = append(out, c)
		}
		return out
	}
	tests := []Sample{
		{FF: 0.12, Reads: 3_000_000, Format: FormatBAM},              // euploid
		{FF: 0.10, Trisomy: 21, Reads: 3_000_000, Format: FormatBAM}, // T21
		{FF: 0.11, Trisomy: 18},                                      // T18
		{FF: 0.13, Trisomy: 13},                                      // T13
		{FF: 0.12, SCA: "45,X"},                                      // monosomy X
		{FF: 0.15, CNVs: cnv("chr5:1000000-13000000:loss:fetal")},    // 5p deletion (cri-du-chat region)
		{FF: 0.02}, // low FF: expected no-call
		{FF: 0.10, CNVs: cnv("chr21:20000000-23000000:gain:maternal")}, // maternal duplication, euploid fetus
		// An occult maternal tumour shedding 8% of the cfDNA: changes on
		// four autosomes, the genome-wide pattern QC warns about.
		{FF: 0.11, CNVs: cnv("chr1:125100000-248956422:gain:tumour:0.08", "chr8:0-45200000:loss:tumour:0.08",
			"chr8:45200000-145138636:gain:tumour:0.08", "chr16:0-90338345:loss:tumour:0.08", "chr20:0-64444167:gain:tumour:0.08")},
		// Twins, T21 in one of them: called per fetus with the sample sheet.
		{FF: 0.16, Trisomy: 21, Twins: true, Twin2Share: 0.5},
	}
	for i, s := range tests {
		s.ID = fmt.Sprintf("demo-%02d", i+1)
		s.Role = RoleTest
		add(s, "run1")
	}
	return out
}

// summarisePreset counts the conditions of a preset (for logs and tests).
func summarisePreset(samples []Sample) map[string]int {
	m := map[string]int{}
	for _, s := range samples {
		switch {
		case s.Role == RoleReference:
			m["reference"]++
		case s.Twins:
			m["twins"]++
		case len(s.CNVs) > 0 && s.CNVs[0].Origin == CNVTumour:
			m["tumour"]++
		case s.Trisomy > 0 && s.Mosaic < 1:
			m["mosaic"]++
		case s.Trisomy > 0:
			m[fmt.Sprintf("T%d", s.Trisomy)]++
		case s.SCA != "":
			m["sca"]++
		case len(s.CNVs) > 0 && s.CNVs[0].Origin == CNVFetal:
			m["fetal_cnv"]++
		case len(s.CNVs) > 0:
			m["maternal_cnv"]++
		case s.FF < 0.04:
			m["low_ff"]++
		default:
			m["euploid"]++
		}
	}
	return m
}
