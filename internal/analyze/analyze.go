package analyze

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/version"
)

// Options control the analysis of one sample.
type Options struct {
	Config call.Config
	// SexBlind: the fetal fraction, every call, no-call decision and QC
	// verdict use only sex-agnostic information (no chrY/chrX fetal
	// fraction), for labs that may not reveal fetal sex.
	SexBlind bool
	// Pregnancy is the sample's (SampleInfo.Pregnancy; "" is a
	// singleton): a twin pregnancy is called per fetus.
	Pregnancy string
}

// twinShare is the share of the fetal fraction a twin pregnancy's calls
// assume for the fetus they test: half, as for two fetuses of equal share.
// Shares vary (dizygotic twins 0.3–0.7 in most pregnancies), so an
// affected twin's effect is between about 0.6 and 1.4 times what the calls
// expect; half is the usual laboratory convention (each fetus is held to
// the minimum fetal fraction, i.e. the total to twice it).
const twinShare = 0.5

// perFetus returns the fetal-fraction prior of one fetus carrying share s
// of the fraction p describes: the estimate and its SD scaled by s.
func perFetus(p call.FFPrior, s float64) call.FFPrior {
	q := p
	q.Value, q.SE = s*p.Value, s*p.SE
	q.Of = fmt.Sprintf("one fetus's: %.0f%% of the measured fetal fraction", 100*s)
	if p.Noise != nil {
		q.Noise = scaledNoise{p.Noise, s}
	}
	return q
}

// scaledNoise is the SD of s times an estimate with noise n, at s times
// its true value.
type scaledNoise struct {
	n call.FFNoise
	s float64
}

func (n scaledNoise) SD(f float64) float64 { return n.s * n.n.SD(f/n.s) }

// Analyze computes the full result of one sample against a reference. The
// result holds fetal-sex information: pass it through disclosure.Apply
// before writing or showing anything.
func Analyze(ref *refset.Reference, c *counts.Counts, opt Options) (*result.Result, error) {
	pd, err := prepareCounts(ref, c, opt)
	if err != nil {
		return nil, err
	}
	return pd.finish(nil, true), nil
}

// prepareCounts checks and normalises one sample and analyses it up to its
// autosomal calls (prepareSample).
func prepareCounts(ref *refset.Reference, c *counts.Counts, opt Options) (*pending, error) {
	if err := ref.CheckCounts(c); err != nil {
		return nil, err
	}
	s, err := ref.Normalize(c)
	if err != nil {
		return nil, err
	}
	pd, err := prepareSample(ref, s, c.Header.QC.DuplicateRate, opt)
	if err != nil {
		return nil, err
	}
	pd.r.Runs = slices.Clone(c.Header.Runs)
	return pd, nil
}

// classified is a segment (or fetal-scan window) with its origin.
type classified struct {
	seg  call.Segment
	org  call.Origin
	scan bool // a fetal-CNV scan window
	// superseded: a CBS segment refined by a scan window (fetalScan),
	// which is called instead.
	superseded bool
}

// pending is a sample analysed up to its autosomal calls: everything the
// batch correction does not change — normalisation, fetal fraction,
// segmentation and the fetal-CNV scan, QC, the sex chromosomes — which is
// nearly all of the work. finish makes the calls and the result from it,
// with or without a batch correction, as often as needed.
type pending struct {
	ref *refset.Reference
	cfg call.Config
	// r is the result without chromosomes, findings, SCA, segments, CNVs
	// and bins (finish fills them in a copy).
	r        *result.Result
	cs       []refset.ChromStat
	g        float64
	ffp      call.FFPrior
	maternal map[int]bool
	sex      call.SexResult
	cls      []classified // in genome order
	reads    [genome.NumChroms]int64
	// x, sd and base give the bins: the sample's log2 ratios, their SDs
	// at its depth and noise, and the expected level (nil: 0).
	x, sd, base []float64
	k1          float64
	// raw is every method's autosomal dosage before any batch correction.
	raw [genome.ChrX]map[string]call.Dosage
}

// maxExcluded: sub-chromosomal segments are left out of a chromosome's
// dosage only while they cover less than half of its bins.
const maxExcluded = 0.5

// noiseScale is the factor g by which the Poisson part of the reference
// variances grows for this sample: the reference depth over the sample's,
// times the squared excess of its bin noise over the reference's (never
// below 1: a cleaner-than-reference sample is not trusted to be cleaner).
//
// The noise ratio rises with depth by itself (a depth-invariant technical
// part stays while the Poisson part shrinks), so a sample much deeper than
// the reference gets wider nulls than its bins alone need. That is kept on
// purpose: a shallow reference measures the depth-invariant structure
// (chromosome-level systematic variance, segment inflation) too
// imprecisely to extrapolate, and removing the rise gave 20–30 M-read
// samples against a 4 M reference a z SD of 1.17 and false CNVs in most
// samples (docs/validation.md, "Depth: test samples deeper than the
// reference").
func noiseScale(ref *refset.Reference, p *refset.SampleProfile) float64 {
	depth := usedAutosomalReads(p)
	if !(depth > 0) {
		return math.Inf(1)
	}
	noise := math.Max(1, p.Noise/ref.Noise)
	if math.IsNaN(noise) {
		noise = 1
	}
	return ref.Depth / depth * noise * noise
}

// usedAutosomalReads is the sample's reads in the modelled autosomal
// bins, the depth the reference's median (Reference.Depth) is taken over.
func usedAutosomalReads(p *refset.SampleProfile) float64 {
	var depth float64
	for c := 0; c < genome.ChrX; c++ {
		depth += float64(p.UsedReads[c])
	}
	return depth
}

// adjust rescales a null SD with Poisson part pois by g (see noiseScale).
func adjust(sd, pois, g float64) float64 {
	sys := math.Max(sd*sd-pois*pois, 0)
	return math.Sqrt(sys + pois*pois*g)
}

// prepareSample analyses one normalised sample up to its autosomal calls.
func prepareSample(ref *refset.Reference, s *refset.Sample, dupRate float64, opt Options) (*pending, error) {
	cfg := opt.Config
	l := ref.Layout
	p := s.Profile
	g := noiseScale(ref, p)
	if math.IsInf(g, 1) {
		return nil, fmt.Errorf("sample %s has no reads in the usable autosomal bins", p.ID)
	}
	r := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Sample:        p.ID,
		Tool:          result.Tool{Name: "nipt", Version: version.Version},
		Reference:     result.Reference{ID: ref.ID, Build: ref.Build, BinSize: ref.BinSize},
	}
	r.SexBlindAnalysis = opt.SexBlind // disclosure.Apply checks it
	for _, st := range ref.Status {
		if st.Used {
			r.Reference.Samples++
		}
	}
	// Per-bin SDs at this sample's depth and noise.
	// Per-bin SDs at this sample's depth and noise; κ(n) (measured on the
	// reference out of fold) adds the component-estimation error and
	// correlated noise for segments of n bins.
	// chrX residuals come from a regression on the female-fetus references
	// only, with a larger leverage than the autosomal PCA whose κ is
	// measured; scale them by the ratio of the average leverages.
	autoLev := float64(1+ref.Components) / float64(max(r.Reference.Samples, 1))
	xInfl := math.Sqrt((1 + s.XLeverage) / (1 + autoLev))
	// Each chrX bin's SD is estimated from the residuals of ν = n − 1 − k
	// female references (k regression components), so x/σ̂ has the
	// variance ν/(ν − 2) of a t distribution (the autosomes' κ(1), measured
	// out of fold, already holds their equivalent): with 20 female
	// references and 6 components chrX bin z-scores had SD 1.11–1.14
	// against 1.01–1.03 on the autosomes.
	if nu := float64(ref.Chroms[genome.ChrX].Nulls[refset.MethodPCA].N - 1 - ref.XComponents); nu > 2 {
		xInfl *= math.Sqrt(nu / (nu - 2))
	}
	sd := make([]float64, l.NumBins())
	for j := range sd {
		sd[j] = ref.Sigma[j] * math.Sqrt(g)
		if j >= l.Offset[genome.ChrX] {
			sd[j] *= math.Max(xInfl, 1)
		}
	}
	k1 := ref.Kappa(1)
	segIn := call.SegmentInput{Layout: l, X: s.X, SD: sd, Kappa: ref.Kappa,
		ScaleBins: max(1, cfg.CNVMinSize/ref.BinSize)}
	for c := 0; c < genome.ChrX; c++ {
		segIn.Chroms = append(segIn.Chroms, c)
	}
	// Second pass: normalise again with the chromosomes and segments that
	// carry a dosage change left out of the PCA scores.
	ex, err := flagged(ref, s, segIn, g, cfg)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %w", p.ID, err)
	}
	if ex != nil {
		s = ref.NormalizeProfile(s.Profile, s.Coverage, ex)
		segIn.X = s.X
	}
	// Segmentation judges segments against the sample's own noise at CNV
	// scales where it exceeds the reference's (ownKappa), as the fetal scan
	// does: a sample from a run whose coverage waves the reference never
	// saw is noisier over megabases than the reference predicts, and CBS
	// took its waves for copy-number changes.
	segIn.Kappa, _ = ownKappa(segIn)
	// Sex-agnostic fetal fraction.
	auto := autosomalFF(ref, s)
	blindEst, blindOK := combine(ref, auto)
	blindPrior := prior(blindEst, blindOK)
	if math.IsNaN(blindPrior.Value) {
		blindPrior.Why = ffUnavailable(ref, p)
	}
	pre := ref.ChromStats(s, nil)

	// Sex chromosomes with the sex-agnostic prior.
	sexIn := call.SexInput{HasX: false, HasY: len(ref.YBins) > 0}
	xsd := 0.0
	if nl, ok := ref.Chroms[genome.ChrX].Nulls[refset.MethodPCA]; ok {
		if v, ok := pre[genome.ChrX].Value[refset.MethodPCA]; ok {
			xsd = adjust(nl.SD, nl.Poisson, g)
			sexIn.X, sexIn.XSD, sexIn.HasX = v, xsd, true
		}
	}
	ym := ref.FF.Y
	sexIn.Y, sexIn.YVar, sexIn.Background, sexIn.BGSD, sexIn.Scale = s.YDosage, s.YVar, ym.Background, ym.BackgroundSD, ym.Scale
	sex := call.CallSex(sexIn, blindPrior, cfg)
	// Monochorionic twins share one karyotype: the singleton analysis
	// holds for them.
	r.Pregnancy = cmp.Or(opt.Pregnancy, result.PregnancySingleton)
	twin := r.Pregnancy == result.PregnancyTwin
	if twin {
		// Two fetuses: a sex-chromosome result could belong to either,
		// chrX and chrY dosage mix both complements, and chrY measures a
		// male twin's share only.
		sex = call.SexResult{Call: result.NoCall, FetalSex: "unknown", ZX: sex.ZX, ZY: sex.ZY,
			NoCallReason: "not assessed in a twin pregnancy"}
	}
	r.FetalSex = sex.FetalSex

	// Combined fetal fraction: of both fetuses together in a twin
	// pregnancy, from the autosomal methods alone.
	all := append([]fetalfraction.Measurement(nil), auto...)
	est, estOK := blindEst, blindOK
	if !opt.SexBlind && !twin {
		all = append(all, sexFF(ref, s, pre, sex, xsd)...)
		est, estOK = combine(ref, all)
	}
	r.FetalFraction = ffResult(all, est, estOK)
	ffp := prior(est, estOK)
	fv := ffp.Value
	if math.IsNaN(fv) {
		ffp.Why = blindPrior.Why
	}
	// The calls test one fetus: in a twin pregnancy it carries half the
	// fetal fraction (twinShare), and so does the population's fraction
	// the calls weigh it with. QC judges the measured total.
	qcCfg := cfg
	if twin {
		ffp = perFetus(ffp, twinShare)
		cfg.FFPriorMedian *= twinShare
	}

	// Segments. chrX is segmented against the level the most probable
	// sex-chromosome complement gives at this fetal fraction (a 46,XY
	// fetus puts it at log2(1 − f/2)); without one (no chrX/chrY model or
	// fetal fraction), against its own weighted median. chrY has no
	// per-bin model and is not segmented.
	if len(ref.XBins) > 0 {
		segIn.Chroms = append(segIn.Chroms, genome.ChrX)
		if base, bse, ok := xBaseline(l, sex, ffp); ok && !twin {
			segIn.Base, segIn.BaseSE = base, bse
		} else {
			segIn.Centre = []int{genome.ChrX}
		}
	}
	segs, err := call.Segments(segIn, cfg)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %w", p.ID, err)
	}
	// Fetal-CNV scan windows are calls, not segments: segments.bed stays
	// the segmentation (a tiling of each chromosome).
	nseg := len(segs)
	// The scan skips chromosomes with a chromosome-scale change, judged
	// on their dosage outside the significant CBS segments: a large
	// sub-chromosomal CNV that moves its chromosome's dosage must not hide
	// that chromosome from the scan.
	scanStats := pre
	cbsEx := cbsExclusion(l, segs, cfg)
	if cbsEx != nil {
		scanStats = ref.ChromStats(s, cbsEx)
	}
	windows, superseded := fetalScan(ref, p, segIn, scanStats, segs, g, ffp, cfg, func(ex []bool) []refset.ChromStat {
		for j, v := range cbsEx {
			ex[j] = ex[j] || v
		}
		return ref.ChromStats(s, ex)
	})
	segs = append(segs, windows...)

	// CNVs and the maternal-CNV exclusion for chromosome dosage.
	// Chromosome dosages leave out every significant sub-chromosomal
	// segment: a maternal CNV (which would mimic a trisomy) and a fetal CNV
	// (a partial aneuploidy, reported as a CNV, not as a whole-chromosome
	// trisomy).
	exclude := make([]bool, l.NumBins())
	maternal := map[int]bool{}
	var cls []classified
	// significant: the sub-chromosomal segments left out of the
	// chromosome dosages. A CBS segment that a scan window refines is
	// replaced by the window: its other bins are unchanged (fetalScan).
	significant := make([]bool, len(segs))
	for i, sg := range segs {
		o := call.ClassifyOrigin(sg, ffp, cfg)
		cls = append(cls, classified{sg, o, i >= nseg, superseded[i]})
		significant[i] = !sg.Whole && !superseded[i] && math.Abs(sg.Z) >= cfg.ZThreshold
	}
	// A chromosome-scale change that CBS cut in pieces (e.g. a trisomy)
	// keeps its bins in the dosage (chromScale).
	var usable [genome.NumChroms]int
	for c := range usable {
		usable[c] = pre[c].Bins + pre[c].Excluded
	}
	for _, i := range chromScale(segs, significant, usable) {
		significant[i] = false
	}
	for i, sg := range segs {
		if !significant[i] {
			continue
		}
		for j := sg.First; j < sg.End; j++ {
			exclude[j] = true
		}
		if cls[i].org.PMaternal >= 0.5 {
			maternal[sg.Chrom] = true
		}
	}
	cs := ref.ChromStats(s, exclude)

	// QC.
	var maxDev float64
	for c := 0; c < genome.ChrX; c++ {
		for _, st := range []refset.ChromStat{pre[c], cs[c]} {
			if st.Primary != "" {
				maxDev = math.Max(maxDev, math.Abs(st.Value[st.Primary]))
			}
		}
	}
	// Reads are counted on chr1–22 only: chrX and chrY read totals differ
	// with fetal sex, and the QC values must not.
	var autoReads int64
	for c := 0; c < genome.ChrX; c++ {
		autoReads += p.ChromReads[c]
	}
	r.QC = call.QC(call.QCInput{
		ChromDosage:      maxDev,
		DepthRatio:       usedAutosomalReads(p) / ref.Depth,
		Reads:            float64(autoReads),
		DuplicateRate:    dupRate,
		GCBias:           p.GCBias,
		MAPD:             refset.MAPD(l, s.X),
		MAPDPoisson:      poissonMAPD(ref, s),
		FetalFraction:    fv,
		FetalFractionWhy: ffp.Why,
		// The fail threshold applies to the interval's upper bound (call.QCInput).
		FetalFractionHigh: r.FetalFraction.High,
	}, qcCfg)
	pd := &pending{ref: ref, cfg: cfg, r: r, cs: cs, g: g, ffp: ffp, maternal: maternal, sex: sex,
		reads: p.ChromReads, x: s.X, sd: sd, base: segIn.Base, k1: k1}
	for c := range genome.ChrX {
		if cs[c].Primary != "" {
			pd.raw[c] = methodDosages(ref, cs[c], g)
		}
	}
	// Segments and scan windows in genome order (scan windows among the
	// segments they lie in).
	sort.SliceStable(cls, func(a, b int) bool {
		if cls[a].seg.Chrom != cls[b].seg.Chrom {
			return cls[a].seg.Chrom < cls[b].seg.Chrom
		}
		return cls[a].seg.First < cls[b].seg.First
	})
	pd.cls = cls
	return pd, nil
}

// finish makes the sample's calls and its full result. off, when not nil,
// is the sample's batch correction of its autosomal dosages; withBins
// false leaves the bins out (the batch correction's first pass).
func (pd *pending) finish(off *Offsets, withBins bool) *result.Result {
	ref, cfg, cs, g, ffp, sex, cls := pd.ref, pd.cfg, pd.cs, pd.g, pd.ffp, pd.sex, pd.cls
	l := ref.Layout
	rr := *pd.r
	r := &rr
	qcFail := r.QC.Status == result.QCFail

	// Chromosomes and trisomies.
	r.Chromosomes = []result.Chromosome{}
	r.Aneuploidies = []result.Finding{}
	called := map[int]bool{}
	var findings []result.Finding
	for c := 0; c <= genome.ChrX; c++ {
		st := cs[c]
		if st.Primary == "" {
			continue
		}
		var ds map[string]call.Dosage
		var shift float64
		if c == genome.ChrX {
			ds = methodDosages(ref, st, g)
		} else {
			ds = maps.Clone(pd.raw[c])
			if off != nil {
				for m, o := range off[c] {
					if d, ok := ds[m]; ok {
						d.Value -= o.Value
						d.SD = math.Hypot(d.SD, o.SE)
						ds[m] = d
						if m == st.Primary {
							shift = o.Value
						}
					}
				}
			}
		}
		prim := ds[st.Primary]
		zm := make(map[string]float64, len(ds))
		for m, d := range ds {
			zm[m] = round(d.Z(), 4)
		}
		r.Chromosomes = append(r.Chromosomes, result.Chromosome{
			Chrom: genome.ChromName(c), Reads: pd.reads[c], Ratio: round(math.Exp2(prim.Value), 6), Z: round(prim.Z(), 4), ZMethods: zm,
			BatchOffset: round(shift, 6),
		})
		if c == genome.ChrX {
			continue
		}
		t := call.CallTrisomy(prim, ffp, cfg.Prevalence.For(c), !commonTrisomy(c), cfg)
		fd := result.Finding{
			Condition: "T" + strconv.Itoa(c+1), Chrom: genome.ChromName(c), Call: t.Call, Z: round(t.Z, 4),
			LogLR: round(clampLR(t.LogLR), 3), ResidualRisk: sig(t.Risk, 3), FFImplied: round(t.FFImplied, 5), Mosaic: t.Mosaic, PossibleMaternal: t.Maternal,
			MaternalCNV: pd.maternal[c], NoCallReason: t.NoCallReason, PDetect: round(t.PDetect, 4), ZThreshold: round(t.Threshold, 3), Method: st.Primary,
		}
		if qcFail {
			fd.Call, fd.NoCallReason, fd.Mosaic, fd.PossibleMaternal = result.NoCall, "sample failed QC", false, false
		}
		called[c] = fd.Call == result.HighRisk
		findings = append(findings, fd)
	}
	r.Aneuploidies = orderFindings(findings)

	// Sex-chromosome aneuploidy.
	r.SCA = result.SCA{Call: sex.Call, Type: sex.Type, ZX: round(sex.ZX, 4), ZY: round(sex.ZY, 4), PossibleMaternal: sex.Maternal, NoCallReason: sex.NoCallReason}
	if qcFail {
		r.SCA.Call, r.SCA.Type, r.SCA.NoCallReason, r.SCA.PossibleMaternal = result.NoCall, "", "sample failed QC", false
	}

	// Segments and CNV calls, in genome order.
	r.Segments = []result.Segment{}
	r.CNVs = []result.CNV{}
	for _, c := range cls {
		sg := c.seg
		if !c.scan {
			r.Segments = append(r.Segments, result.Segment{
				Chrom: genome.ChromName(sg.Chrom), Start: sg.Start, End: sg.Stop, Bins: sg.Bins,
				Ratio: round(math.Exp2(sg.Mean), 6), Z: round(sg.Z, 4),
			})
		}
		minSize := cfg.CNVMinSize
		if c.org.Label == "maternal" {
			minSize = cfg.CNVMinSizeMaternal
		}
		if qcFail || c.superseded || sg.Whole || sg.Stop-sg.Start < minSize || math.Abs(sg.Z) < cfg.ZThreshold {
			continue
		}
		// A segment whose level no copy-number state explains better than
		// no change (a small shift, significant only because the segment
		// is long — the remainder CBS splits off beside a change) is not
		// a CNV. Scan windows passed a stricter test of the same kind.
		if !c.scan && c.org.LogLR < 0 {
			continue
		}
		typ := "gain"
		if sg.Delta() < 0 {
			typ = "loss"
		}
		// A fetal gain on a chromosome called trisomic is the trisomy itself.
		if called[sg.Chrom] && typ == "gain" && c.org.Label != "maternal" {
			continue
		}
		r.CNVs = append(r.CNVs, result.CNV{
			Chrom: genome.ChromName(sg.Chrom), Start: sg.Start, End: sg.Stop, Type: typ, Origin: c.org.Label,
			CopyNumber: round(c.org.CopyNumber, 2), Ratio: round(math.Exp2(sg.Mean), 6), Z: round(sg.Z, 3), Bins: sg.Bins,
		})
	}

	// Changes on several autosomes at once describe the mother or the
	// sample, not the fetus (result.AberrantAutosomes).
	r.AberrantAutosomes = result.AberrantAutosomes(r.Aneuploidies, r.CNVs)
	r.QC = call.AberrationQC(r.QC, r.AberrantAutosomes, cfg)

	// Bins.
	if !withBins {
		return r
	}
	r.Bins = make([]result.Bin, l.NumBins())
	for j := range r.Bins {
		c, st, en := l.Locate(j)
		b := result.Bin{Chrom: genome.ChromName(c), Start: st, End: en, Ratio: math.NaN(), Masked: true}
		if x := pd.x[j]; !math.IsNaN(x) {
			// z against the expected level (chrX: of the sample's
			// complement), like the segments; the ratio is the bin's own.
			z := x
			if pd.base != nil {
				z -= pd.base[j]
			}
			b.Ratio, b.Z, b.Masked = round(math.Exp2(x), 6), round(z/(pd.sd[j]*pd.k1), 4), false
		}
		r.Bins[j] = b
	}
	return r
}
