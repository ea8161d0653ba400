package disclosure

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// FixtureSpec describes a synthetic but realistic analysis result for tests
// of this package and of the writers (package report). Two specs that
// differ only in Sex (and SCA type) give results whose non-sex values are
// identical, which the leak tests rely on.
type FixtureSpec struct {
	Sample string
	Sex    string // "male" or "female"
	// Condition: "euploid", "T21", "T18", "T13", "T16" (rare trisomy),
	// "SCA" (47,XXY for a male, 47,XXX for a female), "CNV" (a 6 Mb fetal
	// deletion on chr4 and a 3 Mb maternal duplication on chr7), "multiple"
	// (a maternal tumour's changes on chr1, chr8 and chr16: the QC metric
	// aberrant_autosomes warns), "lowff" (no call: fetal fraction too low).
	Condition string
	FF        float64 // fetal fraction; 0 means 0.10
	Reads     int64   // 0 means 8 million
	BinSize   int     // 0 means 1 Mb
	Seed      uint64
	// SexAware: the analysis was not sex-blind (what the engine does when
	// the policy allows disclosure): SexBlindAnalysis is false and, for a
	// male fetus, the combined fetal fraction used the chrY estimate.
	SexAware bool
}

// Noise model of the fixture (typical of 8 M reads at 1 Mb bins): bin ratio
// SD 0.03 (Poisson CV of ~2600 reads is 0.02, plus library noise);
// chromosome-level ratio SD 0.004 (the chr21 CV reported for NIPT at
// ~10 M reads, Fan & Quake 2010 PLoS One 5:e10439).
const (
	fixtureBinSD   = 0.03
	fixtureChromSD = 0.004
)

// Fixture builds the result described by s, as the engine would compute it
// before disclosure (it holds the fetal sex and all sex-chromosome values).
func Fixture(s FixtureSpec) *result.Result {
	if s.FF == 0 {
		s.FF = 0.10
	}
	if s.Condition == "lowff" {
		s.FF = 0.02
	}
	if s.Reads == 0 {
		s.Reads = 8_000_000
	}
	if s.BinSize == 0 {
		s.BinSize = 1_000_000
	}
	auto := rand.New(rand.NewPCG(s.Seed, 0x6e697074))   // autosomes: shared by both sexes
	sexRng := rand.New(rand.NewPCG(s.Seed, 0x73657863)) // sex chromosomes
	b := genome.GRCh38
	total := 0
	for _, l := range b.Lengths {
		total += l
	}
	r := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Sample:        s.Sample,
		Tool:          result.Tool{Name: "nipt", Version: "0.0.0-test"},
		Reference:     result.Reference{ID: "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0", Samples: 60, Build: b.Name, BinSize: s.BinSize},
		FetalSex:      s.Sex,
	}
	r.SexBlindAnalysis = !s.SexAware
	thr := func(w, f float64) (*float64, *float64) { return &w, &f }
	w, f := thr(6e6, 4e6)
	r.QC.Metrics = append(r.QC.Metrics, result.Metric{Name: "reads", Value: float64(s.Reads), Warn: w, Fail: f, Status: result.QCPass})
	w, f = thr(0.2, 0.3)
	r.QC.Metrics = append(r.QC.Metrics, result.Metric{Name: "duplicate_rate", Value: 0.05, Warn: w, Fail: f, Status: result.QCPass})
	_, f = thr(0, 0.04)
	ffStatus := result.QCPass
	r.QC.Status, r.QC.Reasons = result.QCPass, []string{}
	if s.FF < 0.04 {
		ffStatus, r.QC.Status = result.QCFail, result.QCFail
		r.QC.Reasons = []string{fmt.Sprintf("fetal fraction %.1f%% below the 4.0%% minimum", 100*s.FF)}
	}
	r.QC.Metrics = append(r.QC.Metrics, result.Metric{Name: "fetal_fraction", Value: s.FF, Fail: f, Status: ffStatus})

	ffSD := 0.012 // bin-profile FF model error (PREFACE reports ~1.2% MAE-scale error)
	r.FetalFraction = result.FetalFraction{Value: s.FF, Low: math.Max(0, s.FF-1.96*ffSD), High: s.FF + 1.96*ffSD}
	r.FetalFraction.Methods = []result.FFEstimate{
		{Method: "bin_profile", Value: s.FF, Low: math.Max(0, s.FF-1.96*ffSD), High: s.FF + 1.96*ffSD, Used: true},
		{Method: "fragment_size", Value: s.FF, Low: math.Max(0, s.FF-2.5*ffSD), High: s.FF + 2.5*ffSD, Used: true},
	}
	if s.Sex == "male" {
		r.FetalFraction.Methods = append(r.FetalFraction.Methods,
			result.FFEstimate{Method: "chrY", Value: s.FF, Low: s.FF - 0.005, High: s.FF + 0.005, Used: s.SexAware},
			result.FFEstimate{Method: "chrX", Value: s.FF, Low: s.FF - 0.02, High: s.FF + 0.02, Used: false})
	}

	trisomy := map[string]bool{"T21": true, "T18": true, "T13": true, "T16": true}[s.Condition]
	for c := 0; c < genome.NumChroms; c++ {
		name := genome.ChromName(c)
		rng, ratio := auto, 1.0
		if c == genome.ChrX || c == genome.ChrY {
			rng = sexRng
			ratio = sexChromRatio(s, c)
		}
		if trisomy && name == "chr"+strings.TrimPrefix(s.Condition, "T") {
			ratio += s.FF / 2
		}
		ratio += rng.NormFloat64() * fixtureChromSD
		z := (ratio - 1) / fixtureChromSD
		reads := int64(float64(s.Reads) * float64(b.Lengths[c]) / float64(total) * ratio)
		r.Chromosomes = append(r.Chromosomes, result.Chromosome{Chrom: name, Reads: reads, Ratio: ratio, Z: z,
			ZMethods: map[string]float64{"pca": z, "reference_bins": z, "ncv": z * (1 + 0.05*rng.NormFloat64())}})
		r.Bins = append(r.Bins, fixtureBins(s, b, c, ratio, rng)...)
	}
	r.Segments = fixtureSegments(s, r.Bins)
	r.Aneuploidies = fixtureFindings(s, r.Chromosomes)
	r.SCA = fixtureSCA(s, r.Chromosomes[genome.ChrX], r.Chromosomes[genome.ChrY])
	r.CNVs = []result.CNV{}
	if s.Condition == "CNV" {
		r.CNVs = []result.CNV{
			{Chrom: "chr4", Start: 10_000_000, End: 16_000_000, Type: "loss", Origin: "fetal", CopyNumber: 1, Ratio: 1 - s.FF/2, Z: -(s.FF / 2) / (fixtureBinSD / math.Sqrt(6)), Bins: 6},
			{Chrom: "chr7", Start: 40_000_000, End: 43_000_000, Type: "gain", Origin: "maternal", CopyNumber: 3, Ratio: 1 + (1-s.FF)/2, Z: 40, Bins: 3},
		}
	}
	if s.Condition == "multiple" {
		// A maternal tumour shedding 8% of the cfDNA: arm-scale changes
		// on three autosomes, at levels between a fetal and a maternal
		// change.
		for _, v := range []struct {
			chrom      string
			start, end int
			gain       bool
		}{{"chr1", 125_000_000, 248_000_000, true}, {"chr8", 46_000_000, 145_000_000, true}, {"chr16", 0, 90_000_000, false}} {
			d := 0.04
			typ := "gain"
			if !v.gain {
				d, typ = -0.04, "loss"
			}
			n := (v.end - v.start) / s.BinSize
			r.CNVs = append(r.CNVs, result.CNV{Chrom: v.chrom, Start: v.start, End: v.end, Type: typ, Origin: "fetal",
				CopyNumber: 2 + 2*d/s.FF, Ratio: 1 + d, Z: d / (fixtureBinSD / math.Sqrt(float64(n))), Bins: n})
		}
	}
	// The engine's count of autosomes with a change, and its QC metric.
	r.AberrantAutosomes = result.AberrantAutosomes(r.Aneuploidies, r.CNVs)
	two := 2.0
	r.QC.Metrics = append(r.QC.Metrics, result.Metric{Name: result.AberrationMetric, Warn: &two})
	result.SetAberrations(&r.QC, r.AberrantAutosomes)
	return r
}

// sexChromRatio is the expected dosage of chrX/chrY relative to a
// female-pregnancy reference: a male fetus lowers chrX by f/2 and adds f/2
// of a diploid chrY dosage.
func sexChromRatio(s FixtureSpec, c int) float64 {
	nX, nY := 2.0, 0.0
	if s.Sex == "male" {
		nX, nY = 1, 1
	}
	if s.Condition == "SCA" {
		nX++ // 47,XXY or 47,XXX
	}
	if c == genome.ChrX {
		return (1 - s.FF) + s.FF*nX/2
	}
	return s.FF*nY/2 + 0.002 // 0.002: reads mis-mapped to chrY in female pregnancies
}

func fixtureBins(s FixtureSpec, b *genome.Build, c int, ratio float64, rng *rand.Rand) []result.Bin {
	var out []result.Bin
	for start, i := 0, 0; start < b.Lengths[c]; start, i = start+s.BinSize, i+1 {
		bin := result.Bin{Chrom: genome.ChromName(c), Start: start, End: min(start+s.BinSize, b.Lengths[c])}
		x := ratio + rng.NormFloat64()*fixtureBinSD
		if s.Condition == "CNV" && c == 3 && start >= 10_000_000 && start < 16_000_000 {
			x -= s.FF / 2
		}
		if s.Condition == "CNV" && c == 6 && start >= 40_000_000 && start < 43_000_000 {
			x += (1 - s.FF) / 2
		}
		bin.Ratio, bin.Z = x, (x-1)/fixtureBinSD
		if i%29 == 0 { // a masked bin every 29 (gaps, low mappability)
			bin.Ratio, bin.Z, bin.Masked = math.NaN(), 0, true
		}
		out = append(out, bin)
	}
	return out
}

// fixtureSegments cuts each chromosome at the true CNV boundaries and
// averages the unmasked bins of each piece.
func fixtureSegments(s FixtureSpec, bins []result.Bin) []result.Segment {
	cuts := map[string][]int{}
	if s.Condition == "CNV" {
		cuts["chr4"] = []int{10_000_000, 16_000_000}
		cuts["chr7"] = []int{40_000_000, 43_000_000}
	}
	var out []result.Segment
	for i := 0; i < len(bins); {
		j, sum, n := i, 0.0, 0
		for ; j < len(bins) && bins[j].Chrom == bins[i].Chrom; j++ {
			if j > i && slices.Contains(cuts[bins[i].Chrom], bins[j].Start) {
				break
			}
			if !bins[j].Masked {
				sum += bins[j].Ratio
				n++
			}
		}
		m := 1.0
		if n > 0 {
			m = sum / float64(n)
		}
		out = append(out, result.Segment{Chrom: bins[i].Chrom, Start: bins[i].Start, End: bins[j-1].End, Bins: j - i, Ratio: m,
			Z: (m - 1) / (fixtureBinSD / math.Sqrt(float64(max(n, 1))))})
		i = j
	}
	return out
}

func fixtureFindings(s FixtureSpec, chroms []result.Chromosome) []result.Finding {
	var out []result.Finding
	for c := 0; c < 22; c++ {
		ch := chroms[c]
		f := result.Finding{Condition: fmt.Sprintf("T%d", c+1), Chrom: ch.Chrom, Z: ch.Z, FFImplied: 2 * (ch.Ratio - 1), Call: result.LowRisk, Method: "pca"}
		// log10 LR of trisomy (mean f/2) vs euploid (mean 0) with SD σ.
		d, sd := ch.Ratio-1, fixtureChromSD
		// Detection probability of a full trisomy, whose expected z is
		// (f/2)/σ, against the threshold z = 3: Φ((f/2)/σ − 3).
		f.PDetect = 0.5 * math.Erfc(-(s.FF/2/sd-3)/math.Sqrt2)
		f.LogLR = (d*d - (d-s.FF/2)*(d-s.FF/2)) / (2 * sd * sd) / math.Ln10
		switch {
		case s.Condition == "lowff":
			f.Call, f.NoCallReason = result.NoCall, "fetal fraction too low to detect a trisomy (expected z at the lower FF bound below 3)"
		case ch.Z > 3:
			f.Call = result.HighRisk
		}
		out = append(out, f)
	}
	// Common trisomies first, in report order, as the engine lists them.
	order := []int{20, 17, 12}
	var sorted []result.Finding
	for _, i := range order {
		sorted = append(sorted, out[i])
	}
	for i, f := range out {
		if i != 20 && i != 17 && i != 12 {
			sorted = append(sorted, f)
		}
	}
	return sorted
}

func fixtureSCA(s FixtureSpec, x, y result.Chromosome) result.SCA {
	// zY against the female-pregnancy chrY level 0.002 with SD 0.0005.
	sca := result.SCA{Call: result.LowRisk, ZX: x.Z, ZY: (y.Ratio - 0.002) / 0.0005}
	switch {
	case s.Condition == "SCA" && s.Sex == "male":
		sca.Call, sca.Type = result.HighRisk, "47,XXY"
	case s.Condition == "SCA":
		sca.Call, sca.Type = result.HighRisk, "47,XXX"
	case s.Condition == "lowff":
		sca.Call, sca.NoCallReason = result.NoCall, "fetal fraction too low"
	}
	return sca
}
