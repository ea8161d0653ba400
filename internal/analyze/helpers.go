package analyze

import (
	"log/slog"
	"math"
	"strconv"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// poissonMAPD is the MAPD of consecutive autosomal bins that Poisson
// sampling alone would give this sample: 0.6745·√median(v_i + v_j)/ln 2,
// v = 1/expected reads.
func poissonMAPD(ref *refset.Reference, s *refset.Sample) float64 {
	if s.Coverage == nil {
		return math.NaN()
	}
	l := ref.Layout
	var v []float64
	prev, pc := -1, -1
	for _, j := range ref.Auto {
		c, _, _ := l.Locate(int(j))
		e := s.Coverage.Expected[j]
		if prev >= 0 && pc == c && e > 0 {
			v = append(v, 1/e+1/s.Coverage.Expected[prev])
		}
		prev, pc = int(j), c
	}
	return 0.6745 * math.Sqrt(stats.Median(v)) / math.Ln2
}

// orderFindings puts T21, T18, T13 first, then the rare autosomal
// trisomies by chromosome.
func orderFindings(f []result.Finding) []result.Finding {
	out := make([]result.Finding, 0, len(f))
	for _, want := range []string{"T21", "T18", "T13"} {
		for _, x := range f {
			if x.Condition == want {
				out = append(out, x)
			}
		}
	}
	for _, x := range f {
		if x.Condition != "T21" && x.Condition != "T18" && x.Condition != "T13" {
			out = append(out, x)
		}
	}
	return out
}

// clampLR keeps log10 likelihood ratios finite for JSON.
func clampLR(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > 1000:
		return 1000
	case v < -1000:
		return -1000
	}
	return v
}

// round rounds v to d decimals (so outputs are compact and stable); NaN
// and ±Inf become 0 in fields JSON must hold.
func round(v float64, d int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// dosages returns every method's z-score of a chromosome at the sample's
// depth and noise, and the primary method's dosage.
func dosages(ref *refset.Reference, st refset.ChromStat, g float64) (map[string]float64, call.Dosage) {
	ds := methodDosages(ref, st, g)
	zm := make(map[string]float64, len(ds))
	for m, d := range ds {
		zm[m] = round(d.Z(), 4)
	}
	return zm, ds[st.Primary]
}

// methodDosages is the dosage of every method of st at noise scale g.
func methodDosages(ref *refset.Reference, st refset.ChromStat, g float64) map[string]call.Dosage {
	nulls := ref.Chroms[st.Chrom].Nulls
	ds := make(map[string]call.Dosage, len(st.Value))
	for m, v := range st.Value {
		inflate := st.SD[m] / nulls[m].SD
		sdm := adjust(nulls[m].SD, nulls[m].Poisson, g) * inflate
		ds[m] = call.Dosage{Value: v, SD: sdm, Retention: st.Retention[m], DF: float64(nulls[m].N - 1)}
	}
	return ds
}

// flagged marks the autosomal bins to leave out of the PCA scores in the
// second pass: whole chromosomes whose primary |z| reaches the call
// threshold, and segments (not whole chromosomes) whose |z| does. It
// returns nil when nothing is flagged.
func flagged(ref *refset.Reference, s *refset.Sample, in call.SegmentInput, g float64, cfg call.Config) ([]bool, error) {
	l := ref.Layout
	ex := make([]bool, l.NumBins())
	any := false
	for _, st := range ref.ChromStats(s, nil) {
		if st.Chrom >= genome.ChrX || st.Primary == "" {
			continue
		}
		if _, d := dosages(ref, st, g); math.Abs(d.Z()) >= cfg.ZThreshold {
			for j := l.Offset[st.Chrom]; j < l.Offset[st.Chrom+1]; j++ {
				ex[j] = true
			}
			any = true
		}
	}
	segs, err := call.Segments(in, cfg)
	if err != nil {
		return nil, err
	}
	for _, sg := range segs {
		if sg.Chrom < genome.ChrX && !sg.Whole && math.Abs(sg.Z) >= cfg.ZThreshold {
			for j := sg.First; j < sg.End; j++ {
				ex[j] = true
			}
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	return ex, nil
}

// cbsExclusion marks the bins of the significant (|z| ≥ the call
// threshold) sub-chromosomal autosomal segments, or returns nil when there
// are none.
func cbsExclusion(l *genome.Layout, segs []call.Segment, cfg call.Config) []bool {
	var ex []bool
	for _, sg := range segs {
		if sg.Chrom < genome.ChrX && !sg.Whole && math.Abs(sg.Z) >= cfg.ZThreshold {
			if ex == nil {
				ex = make([]bool, l.NumBins())
			}
			for j := sg.First; j < sg.End; j++ {
				ex[j] = true
			}
		}
	}
	return ex
}

// fetalScan runs the fetal-CNV scan (call.FetalScan) on the autosomes.
// On a chromosome with a chromosome-scale change (primary |z| at the call
// threshold) every window matches a fetal gain, so a window there is kept
// only as a partial change that explains the chromosome's dosage: it
// changes in the dosage's direction, covers less than maxExcluded of the
// chromosome's usable bins, and without its bins the dosage (outside,
// which recomputes the chromosome statistics with the given bins left
// out) is below the call threshold. A 12 Mb fetal gain on chr20 at FF 13%
// moves the whole chromosome's dosage by z ≈ 4, enough for a rare-trisomy
// call, while segmentation may not split it out; the scan finds it. A
// uniform change cannot pass: a window of a share q < ½ of a change of
// total z Z has z ≈ Z·√q, the rest Z·√(1 − q) > Z·√q, and the scan needs
// a larger z than the call threshold. Chromosomes 13, 18 and 21 are left
// to the trisomy calls. A window that overlaps no significant CBS segment
// is kept. One that
// overlaps significant segments is kept only when it refines them: every
// such segment contains it, changes in the same direction, is not of
// maternal origin, and has weaker evidence (|z| below the window's) — a
// CBS segment that ran on into unchanged bins, which dilute its mean. The
// window is then the better-supported description of the change and the
// segments it refines are returned in superseded (indices into segs), so
// that they are not called as well; otherwise the segment is the call and
// the window is dropped.
func fetalScan(ref *refset.Reference, p *refset.SampleProfile, in call.SegmentInput, pre []refset.ChromStat, segs []call.Segment, g float64, ff call.FFPrior, cfg call.Config, outside func(ex []bool) []refset.ChromStat) (windows []call.Segment, superseded map[int]bool) {
	si := call.ScanInput{SegmentInput: in, FF: ff, MinBins: max(2, cfg.CNVMinSize/ref.BinSize)}
	si.Chroms = nil
	l := in.Layout
	// partial[c]: the sign of the chromosome-scale change of a chromosome
	// scanned for partial changes only; usable[c] its usable bins.
	partial := map[int]float64{}
	usable := map[int]int{}
	for _, st := range pre {
		if st.Chrom >= genome.ChrX || st.Primary == "" {
			continue
		}
		_, d := dosages(ref, st, g)
		if math.Abs(d.Z()) >= cfg.ZThreshold {
			if commonTrisomy(st.Chrom) {
				continue
			}
			partial[st.Chrom] = math.Copysign(1, d.Z())
			usable[st.Chrom] = st.Bins + st.Excluded
		}
		si.Chroms = append(si.Chroms, st.Chrom)
	}
	if t, ok := ShortTrack(ref, p); ok {
		si = call.CombineShort(si, t, cfg)
	}
	// The sample's own segment noise is measured on the chromosomes
	// without a chromosome-scale change: every block of a trisomic one
	// would read as excess noise.
	var eta []float64
	quiet := si.SegmentInput
	quiet.Chroms = nil
	for _, c := range si.Chroms {
		if _, ok := partial[c]; !ok {
			quiet.Chroms = append(quiet.Chroms, c)
		}
	}
	si.Kappa, eta = ownKappa(quiet)
	slog.Debug("fetal-CNV scan: own segment-noise excess", "eta", eta)
	superseded = map[int]bool{}
	maternal := func(sg call.Segment) bool { return call.ClassifyOrigin(sg, ff, cfg).PMaternal >= 0.5 }
	for _, w := range call.FetalScan(si, cfg) {
		if sign, ok := partial[w.Chrom]; ok {
			if math.Copysign(1, w.Delta()) != sign || float64(w.Bins) >= maxExcluded*float64(usable[w.Chrom]) {
				continue
			}
			ex := make([]bool, l.NumBins())
			for j := w.First; j < w.End; j++ {
				ex[j] = true
			}
			if _, d := dosages(ref, outside(ex)[w.Chrom], g); math.Abs(d.Z()) >= cfg.ZThreshold {
				continue
			}
		}
		llr := func(first, end int) float64 { return call.WindowLLR(si, first, end, cfg) }
		over, keep := refinesSegments(w, segs, cfg.ZThreshold, maternal, llr)
		if !keep {
			continue
		}
		for _, i := range over {
			superseded[i] = true
		}
		windows = append(windows, w)
	}
	return windows, superseded
}

// commonTrisomy reports whether chromosome c (canonical index) is 13, 18
// or 21, whose trisomies are screened at the primary threshold; the other
// autosomes are rare trisomies (Config.RATThreshold).
func commonTrisomy(c int) bool { return c == 12 || c == 17 || c == 20 }

// ShortTrack returns the sample's short-fragment track for the fetal-CNV
// scan (refset.ShortModel): its residual short shares with binomial
// variances scaled by the larger of the reference's and the sample's own
// excess noise (what nipt analyze scans; exported for bench/scanbound).
// ok is false for single-end samples and references without a
// short-fragment model.
func ShortTrack(ref *refset.Reference, p *refset.SampleProfile) (t call.ShortTrack, ok bool) {
	m := ref.Short
	if m == nil || !p.Paired || p.BinReads == nil || p.BinShort == nil {
		return t, false
	}
	y, v := refset.ShortResiduals(ref.Static, ref.Auto, m.Mu, p.BinReads, p.BinShort)
	phi := m.Phi
	if own := refset.ShortPhi(y, v); own > phi {
		phi = own
	}
	for j := range v {
		v[j] *= phi
	}
	// The sample's own block-scale inflation where it exceeds the
	// reference's average (refset.ShortOwnKappa), size by size.
	own := refset.ShortOwnKappa(ref.Layout, ref.Auto, y, v, m.KappaSizes)
	ks := make([]float64, len(m.KappaSizes))
	raised := false
	for i := range ks {
		ks[i] = m.KappaValues[i]
		if own[i] > ks[i] {
			ks[i], raised = own[i], true
		}
		if i > 0 {
			ks[i] = math.Max(ks[i], ks[i-1])
		}
	}
	kappa := m.Kappa
	if raised {
		kappa = func(n int) float64 { return refset.InterpKappa(m.KappaSizes, ks, n) }
	}
	slog.Debug("fetal-CNV scan: short-fragment track", "phi_reference", m.Phi, "phi", phi, "beta", m.Beta, "own_kappa_raised", raised)
	return call.ShortTrack{Y: y, V: v, Beta: m.Beta, Kappa: kappa}, true
}

// nearlyWhole is the share of a chromosome's usable bins above which its
// significant segments make a chromosome-scale change whatever their levels.
const nearlyWhole = 0.9

// chromScale returns the significant segments (indices into segs, sig
// marking the significant sub-chromosomal ones) that form a
// chromosome-scale change — a trisomy that CBS cut in pieces — and so stay
// in the chromosome dosage. On each chromosome the group is the largest
// significant segment and every other one that changes in its direction
// at a level within 3 SE of its (√(SE² + SE_largest²)); it is
// chromosome-scale when it covers at least maxExcluded of the
// chromosome's usable bins (usable); failing that, every significant
// segment of a chromosome they cover to nearlyWhole is. Significant segments outside the
// group (a maternal CNV on a trisomic chromosome) stay out of the
// dosage. Counting every significant segment instead let a 13 Mb fetal
// gain and the weak remainder CBS split off beside it (z 8.5 and 3.0)
// pass for a cut trisomy, and the chromosome was called a rare trisomy.
func chromScale(segs []call.Segment, sig []bool, usable [genome.NumChroms]int) []int {
	var out []int
	for c := range usable {
		big := -1
		for i, sg := range segs {
			if sig[i] && sg.Chrom == c && (big < 0 || sg.Bins > segs[big].Bins) {
				big = i
			}
		}
		if big < 0 {
			continue
		}
		b := segs[big]
		var group []int
		cover := 0
		for i, sg := range segs {
			if !sig[i] || sg.Chrom != c || (sg.Delta() < 0) != (b.Delta() < 0) {
				continue
			}
			if i != big && math.Abs(sg.Delta()-b.Delta()) > 3*math.Hypot(sg.SE, b.SE) {
				continue
			}
			group = append(group, i)
			cover += sg.Bins
		}
		if float64(cover) >= maxExcluded*float64(usable[c]) {
			out = append(out, group...)
			continue
		}
		// A chromosome changed almost everywhere, in pieces at several
		// levels, is chromosome-scale too (a broken or complex chromosome:
		// the dosage must see it).
		var all []int
		total := 0
		for i, sg := range segs {
			if sig[i] && sg.Chrom == c {
				all = append(all, i)
				total += sg.Bins
			}
		}
		if float64(total) >= nearlyWhole*float64(usable[c]) {
			out = append(out, all...)
		}
	}
	return out
}

// refinesSegments decides whether scan window w is kept against the CBS
// segments segs (see fetalScan): keep when it overlaps no significant
// (|z| ≥ zThr), sub-chromosomal segment, or when every such segment is
// nested with it (contains it, or lies inside it), changes in its
// direction, is not maternal and explains the data less well as a fetal
// change: llr(first, end), the fetal-CNV scan's log LR over those bins
// (call.WindowLLR), is smaller for the segment than for the window. A CBS
// segment that ran on into unchanged bins, or one that split a change and
// kept only its strongest part, then gives way to the window; over lists
// the overlapped significant segments.
func refinesSegments(w call.Segment, segs []call.Segment, zThr float64, maternal func(call.Segment) bool, llr func(first, end int) float64) (over []int, keep bool) {
	keep = true
	lw := llr(w.First, w.End)
	for i, sg := range segs {
		if sg.Chrom != w.Chrom || sg.Whole || math.Abs(sg.Z) < zThr || sg.First >= w.End || w.First >= sg.End {
			continue
		}
		over = append(over, i)
		nested := (sg.First <= w.First && w.End <= sg.End) || (w.First <= sg.First && sg.End <= w.End)
		same := (sg.Delta() < 0) == (w.Delta() < 0)
		if !nested || !same || maternal(sg) || !(llr(sg.First, sg.End) < lw) {
			keep = false
		}
	}
	return over, keep
}

// sig rounds v to n significant digits (for probabilities that span many
// orders of magnitude, such as residual risks); NaN and ±Inf become 0.
func sig(v float64, n int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', n, 64), 64)
	return r
}
