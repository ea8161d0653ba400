package refset

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"time"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// ErrTooFewSamples is returned when too few usable euploid samples remain.
var ErrTooFewSamples = errors.New("too few usable reference samples")

// noiseZ: a reference sample whose noise ratio is an outlier among the
// reference samples by modified z > 3.5 (Iglewicz & Hoaglin 1993) is
// excluded as a poor library.
const noiseZ = 3.5

// Fit builds a reference from processed samples (in any order: they are
// sorted by ID, so the argument order never changes the result).
func Fit(st *Static, samples []*SampleProfile, opt Options) (*Reference, error) {
	ps := append([]*SampleProfile(nil), samples...)
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].ID < ps[b].ID })
	for i := 1; i < len(ps); i++ {
		if ps[i].ID == ps[i-1].ID {
			return nil, fmt.Errorf("sample %q appears twice among the reference samples: give every sample a unique ID", ps[i].ID)
		}
	}
	nb := st.Layout.NumBins()
	for _, p := range ps {
		if len(p.Rel) != nb {
			return nil, fmt.Errorf("sample %s has %d bins, the reference layout %d", p.ID, len(p.Rel), nb)
		}
	}
	filters, err := commonFilters(ps)
	if err != nil {
		return nil, err
	}
	status := make([]SampleStatus, len(ps))
	ok := sampleQC(ps, status, opt)
	f := &fitState{st: st, ps: ps, opt: opt, filters: filters}
	f.sex = assignSex(st, ps, ok, opt.Seed)
	var warn []string
	iter := 0
	for iter = 1; ; iter++ {
		f.used = f.used[:0]
		for i := range ps {
			if ok[i] {
				f.used = append(f.used, i)
			}
		}
		if len(f.used) < opt.MinSamples {
			return nil, fmt.Errorf("%w: %d of %d samples usable, need at least %d euploid samples: add samples%s",
				ErrTooFewSamples, len(f.used), len(ps), opt.MinSamples, reasonsSummary(ps, status))
		}
		done := stage("matrix")
		f.medians()
		f.coverageMask()
		f.matrix()
		done()
		if len(f.auto) < 10*genome.ChrX {
			return nil, fmt.Errorf("only %d usable autosomal bins after masking: check the annotation and bin size", len(f.auto))
		}
		done = stage("components and variance mask")
		if err := f.components(); err != nil {
			return nil, err
		}
		if f.varianceMask() > 0 {
			f.matrix()
			if err := f.components(); err != nil {
				return nil, err
			}
		}
		done()
		done = stage("outliers")
		out := f.outliers()
		done()
		if len(out) == 0 || iter >= opt.MaxIterations {
			if len(out) > 0 {
				warn = append(warn, fmt.Sprintf("%d samples still outlying after %d rounds were kept", len(out), iter))
			}
			break
		}
		for i, why := range out {
			ok[i] = false
			status[i] = SampleStatus{Reason: why}
		}
		slog.Info("reference: excluded outlying samples, rebuilding", "excluded", len(out), "round", iter)
	}
	for _, i := range f.used {
		status[i].Used = true
	}
	for i := range status {
		status[i].Sex = f.sex[i]
	}
	if len(f.used) < opt.WarnSamples {
		warn = append(warn, fmt.Sprintf("%d reference samples: at least %d are recommended for stable null distributions", len(f.used), opt.WarnSamples))
	}
	if w := singleRunWarning(f.ps, f.used); w != "" {
		warn = append(warn, w)
	}
	return f.assemble(status, iter, warn)
}

// sampleQC excludes samples with too few reads, too many duplicates, no
// usable bins or outlying noise; it returns the usable flags.
func sampleQC(ps []*SampleProfile, status []SampleStatus, opt Options) []bool {
	ok := make([]bool, len(ps))
	var noise []float64
	var idx []int
	for i, p := range ps {
		switch {
		case p.Reads < opt.MinReads:
			status[i].Reason = fmt.Sprintf("qc: %d reads < %d", p.Reads, opt.MinReads)
		case p.DuplicateRate > opt.MaxDuplicateRate:
			status[i].Reason = fmt.Sprintf("qc: duplicate rate %.3f > %.3f", p.DuplicateRate, opt.MaxDuplicateRate)
		case math.IsNaN(p.Noise) || math.IsInf(p.Noise, 0):
			status[i].Reason = "qc: no usable bins"
		default:
			ok[i] = true
			noise = append(noise, math.Log(p.Noise))
			idx = append(idx, i)
		}
	}
	if len(noise) >= 5 {
		med, mad := stats.MedianMAD(noise)
		for k, v := range noise {
			if mad > 0 && (v-med)/mad > noiseZ {
				i := idx[k]
				ok[i] = false
				status[i].Reason = fmt.Sprintf("qc: bin noise %.2f× Poisson is an outlier among the reference samples", ps[i].Noise)
			}
		}
	}
	return ok
}

func reasonsSummary(ps []*SampleProfile, status []SampleStatus) string {
	n, s := 0, ""
	for i, st := range status {
		if st.Reason == "" {
			continue
		}
		if n < 5 {
			s += fmt.Sprintf("; excluded %s: %s", ps[i].ID, st.Reason)
		}
		n++
	}
	if n > 5 {
		s += fmt.Sprintf("; and %d more excluded", n-5)
	}
	return s
}

// assemble fits the final models and builds the Reference.
func (f *fitState) assemble(status []SampleStatus, iter int, warn []string) (*Reference, error) {
	l := f.st.Layout
	done := stage("reference bins")
	rb, rbsd, rbFun, err := f.refBins()
	done()
	if err != nil {
		return nil, err
	}
	done = stage("null distributions")
	pcaFun := f.pcaFunctionals()
	pcaNull, _ := f.heldOutNull(pcaFun)
	rbNull, _ := f.heldOutNull(rbFun)
	pcaPois := f.poissonSD(pcaFun)
	rbPois := f.poissonSD(rbFun)
	dens, ncvNull := f.ncv()
	done()
	done = stage("chrX and chrY models")
	xm, w := f.fitX()
	warn = append(warn, w...)
	ybins, ym, w := f.fitY(xm)
	done()
	warn = append(warn, w...)
	var sexBatchP *float64
	if p, males, females := f.sexConfounding(); !math.IsNaN(p) {
		sexBatchP = &p
		slog.Debug("reference: fetal sex against autosomal coverage", "permutation_p", p, "male", males, "female", females)
		if w := sexConfoundingWarning(p, males, females); w != "" {
			warn = append(warn, w)
		}
	}
	// The fetal-fraction models and the short-fragment model read the
	// fitted state and write nothing to it: fitted side by side.
	done = stage("fetal-fraction and short-fragment models")
	rows, target := f.maleTargets(ym, ybins)
	var short *ShortModel
	var why string
	shortDone := make(chan struct{})
	go func() {
		defer close(shortDone)
		short, why = f.fitShort(rows, target, ym, ybins)
	}()
	ffm, w := f.fitFF(ym, ybins)
	<-shortDone
	done()
	warn = append(warn, w...)
	if why != "" {
		warn = append(warn, why)
	}

	ref := &Reference{
		Layout:  l,
		Static:  f.st,
		Mask:    f.mask,
		Median:  f.median,
		Auto:    f.auto,
		PCA:     f.pca,
		Sigma:   make([]float64, l.NumBins()),
		RBSigma: rbsd,
		RefBins: rb,
		YBins:   ybins,
	}
	for j := range ref.Sigma {
		ref.Sigma[j] = math.NaN()
	}
	for a, j := range f.auto {
		ref.Sigma[j] = f.sigma[a]
	}
	if xm.ok {
		ref.XBins, ref.XMean, ref.XBeta, ref.XSigma = xm.bins, xm.mean, xm.beta, xm.sigma
		for a, j := range xm.bins {
			ref.Sigma[j] = xm.sigma[a]
		}
	}
	done = stage("depth and block noise")
	depth, noise := f.depthNoise()
	ksz, kv := f.kappa(f.oof)
	done()
	opt := f.opt
	opt.FineCorrection = f.st.Fine != nil
	fineBin := 0
	if f.st.Fine != nil {
		fineBin = f.st.Fine.Layout.BinSize
	}
	ref.Meta = Meta{
		FineBinSize:   fineBin,
		KappaSizes:    ksz,
		KappaValues:   kv,
		Depth:         depth,
		Noise:         noise,
		Short:         short,
		SexBatchP:     sexBatchP,
		Filters:       f.filters,
		Format:        FormatName,
		FormatVersion: FormatVersion,
		Build:         l.Build.Name,
		BinSize:       l.BinSize,
		Options:       opt,
		Components:    f.k,
		CVCurve:       f.crit,
		Eigenvalues:   f.pca.Eigenvalues,
		Iterations:    iter,
		FF:            ffm,
		XComponents:   xm.kx,
		Warnings:      warn,
		Samples:       derefProfiles(f.ps),
		Status:        status,
	}
	ref.Meta.Chroms = make([]ChromModel, genome.NumChroms)
	for c := 0; c < genome.NumChroms; c++ {
		cm := ChromModel{Chrom: genome.ChromName(c), Nulls: map[string]Null{}}
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			if f.mask[j] == normalize.MaskNone {
				cm.Bins++
			}
		}
		switch {
		case c < genome.ChrX:
			a, b, n := pcaNull[c], rbNull[c], ncvNull[c]
			a.Poisson, b.Poisson = pcaPois[c], rbPois[c]
			n.Poisson = f.ncvPoisson(c, dens[c], depth)
			cm.Nulls[MethodPCA], cm.Nulls[MethodRefBins], cm.Nulls[MethodNCV] = a, b, n
			cm.Denominator = dens[c]
		case c == genome.ChrX && xm.ok:
			cm.Nulls[MethodPCA] = xm.null
			cm.Primary = MethodPCA
		}
		ref.Meta.Chroms[c] = cm
	}
	shrinkNulls(ref.Meta.Chroms[:genome.ChrX])
	for c := 0; c < genome.ChrX; c++ {
		ref.Meta.Chroms[c].Primary = primary(ref.Meta.Chroms[c].Nulls)
	}
	for _, p := range ref.Meta.Chroms {
		for _, nl := range p.Nulls {
			if math.IsNaN(nl.SD) || !(nl.SD > 0) {
				return nil, fmt.Errorf("reference %s null SD is not positive: too few or identical reference samples", p.Chrom)
			}
		}
	}
	return ref, nil
}

// primary picks the chromosome's primary z method: MethodPCA unless
// another method's SD per unit of retained trisomy signal is smaller by more
// than two standard errors of an SD estimated from n samples (2/√(2n),
// 16% at 80 samples). Always taking the smallest estimated SD would pick
// whichever method's SD happened to be underestimated (winner's curse) and
// make the calls anti-conservative.
func primary(nulls map[string]Null) string {
	base, ok := nulls[MethodPCA]
	if !ok || !(base.Retention > 0) {
		return ""
	}
	best, bv := MethodPCA, base.SD/base.Retention
	margin := 1 - 2/math.Sqrt(2*float64(max(base.N, 1)))
	for _, m := range Methods {
		n, ok := nulls[m]
		if !ok || m == MethodPCA || !(n.Retention > 0) {
			continue
		}
		if v := n.SD / n.Retention; v < margin*base.SD/base.Retention && v < bv {
			best, bv = m, v
		}
	}
	return best
}

func derefProfiles(ps []*SampleProfile) []SampleProfile {
	out := make([]SampleProfile, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// depthNoise returns the median autosomal reads and noise ratio of the used
// samples.
func (f *fitState) depthNoise() (float64, float64) {
	d := make([]float64, len(f.used))
	z := make([]float64, len(f.used))
	for r, i := range f.used {
		for c := 0; c < genome.ChrX; c++ {
			d[r] += float64(f.ps[i].UsedReads[c])
		}
		z[r] = f.ps[i].Noise
	}
	return stats.Median(d), stats.Median(z)
}

// ncvPoisson is the Poisson SD of log2(N_c/N_D) at the median depth, from
// the chromosomes' median shares of the used reads: (1/N_c + 1/N_D)/ln²2.
func (f *fitState) ncvPoisson(c int, den []int, depth float64) float64 {
	share := func(k int) float64 {
		v := make([]float64, len(f.used))
		for r, i := range f.used {
			var tot float64
			for a := 0; a < genome.ChrX; a++ {
				tot += float64(f.ps[i].UsedReads[a])
			}
			v[r] = float64(f.ps[i].UsedReads[k]) / tot
		}
		return stats.Median(v)
	}
	nc := share(c) * depth
	var nd float64
	for _, k := range den {
		nd += share(k) * depth
	}
	if !(nc > 0) || !(nd > 0) {
		return 0
	}
	return math.Sqrt(1/nc+1/nd) / math.Ln2
}

// stage logs, at debug level, how long a step of the build took.
func stage(name string) func() {
	t := time.Now()
	return func() { slog.Debug("reference: "+name, "seconds", time.Since(t).Seconds()) }
}

// RunCounts returns how many of the samples idx come from each sequencing
// run (runs joined by '+' for a sample read on several) and how many name
// none.
func RunCounts(ps []*SampleProfile, idx []int) (runs map[string]int, unknown int) {
	runs = map[string]int{}
	for _, i := range idx {
		if len(ps[i].Runs) == 0 {
			unknown++
			continue
		}
		runs[counts.RunKey(ps[i].Runs)]++
	}
	return runs, unknown
}

// singleRunWarning warns when every used reference sample names its run
// and they all name the same one: the reference then holds none of the
// run-to-run variation its PCA learns to remove, so samples of any other
// run carry it into their dosages (batch offsets, noisier bins). Samples
// that name no run leave the question open: no warning.
func singleRunWarning(ps []*SampleProfile, used []int) string {
	runs, unknown := RunCounts(ps, used)
	if unknown > 0 || len(runs) != 1 || len(used) == 0 {
		return ""
	}
	for r := range runs {
		return fmt.Sprintf("all %d reference samples come from one sequencing run (%s): the reference holds no run-to-run variation, so samples of other runs may read chromosome offsets and noisier bins; build it from several runs (nipt reference add)", len(used), r)
	}
	return ""
}
