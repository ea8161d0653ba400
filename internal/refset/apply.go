package refset

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
)

// Sample is one sample normalised against a reference.
type Sample struct {
	Profile  *SampleProfile
	Coverage *normalize.Coverage
	// X is the normalised log2 ratio per global bin (NaN where masked or
	// not modelled; chrY is never modelled per bin); Z = X/σ.
	X, Z []float64
	// Raw and Res are the log ratios over the reference's autosomal bins
	// before and after PCA; Scores the component scores.
	Raw, Res, Scores []float64
	// Missing counts modelled bins for which the sample had no value (set
	// to the reference expectation).
	Missing int
	// Leverage is the sample's leverage in the PCA (normalize.PCA.Leverage)
	// and XLeverage the average leverage of the chrX regression; residual
	// variances grow by the factor 1 + leverage.
	Leverage, XLeverage float64
	// Level is the (clipped) mean log2 ratio of the sample's autosomal bins
	// outside the excluded ones (see level), subtracted from every log
	// ratio.
	Level float64
	// YDosage is the summed relative coverage of the male-specific chrY bins
	// and YVar its Poisson variance. Sensitive.
	YDosage, YVar float64
}

// Normalize prepares and normalises a counts file against r.
func (r *Reference) Normalize(c *counts.Counts) (*Sample, error) {
	p, cov, err := r.Static.Prepare(c, r.Options.GC)
	if err != nil {
		return nil, err
	}
	return r.NormalizeProfile(p, cov, nil), nil
}

// NormalizeProfile normalises a prepared sample. cov may be nil (stored
// profiles); the chrY Poisson variance is then unknown (0). Bins with
// exclude[j] (global index; may be nil) do not enter the PCA scores: the
// analysis excludes chromosomes and segments with a dosage change, so that
// the change neither distorts the normalisation of the rest of the genome
// nor is partly absorbed by it.
func (r *Reference) NormalizeProfile(p *SampleProfile, cov *normalize.Coverage, exclude []bool) *Sample {
	nb := r.Layout.NumBins()
	s := &Sample{Profile: p, Coverage: cov, X: make([]float64, nb), Z: make([]float64, nb)}
	for j := range s.X {
		s.X[j], s.Z[j] = math.NaN(), math.NaN()
	}
	s.Raw = make([]float64, len(r.Auto))
	for a, j := range r.Auto {
		v := float64(p.Rel[j])
		if math.IsNaN(v) {
			s.Missing++
		}
		s.Raw[a] = logRatio(v, r.Median[j])
	}
	gm, _ := r.groupModel()
	var ex []bool
	if exclude != nil {
		ex = make([]bool, len(r.Auto))
		for a, j := range r.Auto {
			ex[a] = exclude[j]
		}
	}
	// Re-level the sample on the bins not excluded: its coverage was scaled
	// to the median of all autosomal bins, which a trisomy pulls up (5% of
	// the bins raised by f/2 move the median by ≈ 0.05·f/2), and that would
	// lower every other chromosome's dosage.
	s.Level = level(s.Raw, func(a int) bool { return ex == nil || !ex[a] })
	for a := range s.Raw {
		s.Raw[a] -= s.Level
	}
	s.Res, s.Scores = gm.Residual(s.Raw, ex)
	s.Leverage = r.PCA.Leverage(s.Scores)
	s.XLeverage = float64(1+r.XComponents) / float64(max(r.Chroms[genome.ChrX].Nulls[MethodPCA].N, 1))
	for a, j := range r.Auto {
		s.X[j] = s.Res[a]
		s.Z[j] = s.Res[a] / r.Sigma[j]
	}
	if len(r.XBins) > 0 {
		xr := make([]float64, len(r.XBins))
		for a, j := range r.XBins {
			v := float64(p.Rel[j])
			if math.IsNaN(v) {
				s.Missing++
			}
			xr[a] = logRatio(v, r.Median[j]) - s.Level
		}
		for a, j := range r.XBins {
			v := xr[a] - r.XMean[a]
			for k := range r.XBeta {
				v -= r.XBeta[k][a] * s.Scores[k]
			}
			s.X[j] = v
			s.Z[j] = v / r.XSigma[a]
		}
	}
	lv := math.Exp2(-s.Level)
	s.YDosage = YDosage(p.Rel, r.YBins) * lv
	if cov != nil {
		for _, j := range r.YBins {
			if e := cov.Expected[j]; e > 0 {
				s.YVar += float64(p.Rel[j]) / e
			}
		}
		s.YVar *= lv * lv
	}
	return s
}

// ChromStat is one chromosome's dosage by every method.
type ChromStat struct {
	Chrom int
	// Value is the log2 dosage relative to the euploid reference (the
	// statistic minus its null mean); SD the null SD for the bins used;
	// Z = Value/SD; Retention the share of a whole-chromosome change the
	// method sees. Keyed by method.
	Value, SD, Z, Retention map[string]float64
	Primary                 string
	// Bins used and bins excluded (e.g. maternal CNV segments).
	Bins, Excluded int
}

// PrimaryZ returns the z-score of the primary method (NaN if none).
func (c *ChromStat) PrimaryZ() float64 {
	if c.Primary == "" {
		return math.NaN()
	}
	return c.Z[c.Primary]
}

// ChromStats computes every chromosome's dosage statistics for s, leaving
// out the bins with exclude[j] (global index; may be nil). Leaving out bins
// inflates the null SD by √(W_all/W_kept), the ratio of the statistic's
// inverse-variance weights, which is exact for the independent (Poisson)
// part of the noise.
func (r *Reference) ChromStats(s *Sample, exclude []bool) []ChromStat {
	l := r.Layout
	ex := func(j int32) bool { return exclude != nil && exclude[j] }
	out := make([]ChromStat, genome.NumChroms)
	// Reference-bin normalised values.
	rb := make([]float64, len(r.Auto))
	for a := range r.Auto {
		var m float64
		var n int
		for _, b := range r.RefBins[a] {
			if !ex(r.Auto[b]) {
				m += s.Res[b]
				n++
			}
		}
		if n > 0 {
			rb[a] = s.Res[a] - m/float64(n)
		} else {
			rb[a] = s.Res[a]
		}
	}
	type acc struct{ sw, swx, swAll float64 }
	var pca, rbs [genome.NumChroms]acc
	var mass, massAll [genome.NumChroms]float64 // NCV: Σ Rel·eff and expected share
	var share, shareAll [genome.NumChroms]float64
	for a, j := range r.Auto {
		c := chromOf(l, int(j))
		w := 1 / (r.Sigma[j] * r.Sigma[j])
		wr := 1 / (r.RBSigma[a] * r.RBSigma[a])
		pca[c].swAll += w
		rbs[c].swAll += wr
		m := r.Median[j] * r.Static.Eff[j]
		shareAll[c] += m
		v := float64(s.Profile.Rel[j])
		if math.IsNaN(v) {
			v = r.Median[j]
		}
		massAll[c] += v * r.Static.Eff[j]
		if ex(j) {
			out[c].Excluded++
			continue
		}
		out[c].Bins++
		pca[c].sw += w
		pca[c].swx += w * s.Res[a]
		rbs[c].sw += wr
		rbs[c].swx += wr * rb[a]
		share[c] += m
		mass[c] += v * r.Static.Eff[j]
	}
	// NCV masses scaled up to the whole chromosome's expectation.
	var ncvMass [genome.NumChroms]float64
	for c := 0; c < genome.ChrX; c++ {
		if share[c] > 0 {
			ncvMass[c] = mass[c] / share[c] * shareAll[c]
		}
	}
	for c := 0; c < genome.NumChroms; c++ {
		cs := ChromStat{Chrom: c, Value: map[string]float64{}, SD: map[string]float64{}, Z: map[string]float64{}, Retention: map[string]float64{}}
		cs.Bins, cs.Excluded = out[c].Bins, out[c].Excluded
		cm := r.Chroms[c]
		set := func(m string, stat, inflate float64) {
			nl, ok := cm.Nulls[m]
			if !ok || math.IsNaN(stat) {
				return
			}
			cs.Value[m] = stat - nl.Mean
			cs.SD[m] = nl.SD * inflate
			cs.Z[m] = cs.Value[m] / cs.SD[m]
			cs.Retention[m] = nl.Retention
		}
		switch {
		case c < genome.ChrX && pca[c].sw > 0:
			set(MethodPCA, pca[c].swx/pca[c].sw, math.Sqrt(pca[c].swAll/pca[c].sw))
			set(MethodRefBins, rbs[c].swx/rbs[c].sw, math.Sqrt(rbs[c].swAll/rbs[c].sw))
			var den float64
			for _, k := range cm.Denominator {
				den += ncvMass[k]
			}
			if den > 0 && ncvMass[c] > 0 {
				set(MethodNCV, math.Log2(ncvMass[c]/den), math.Sqrt(math.Max(massAll[c]/math.Max(mass[c], 1e-300), 1)))
			}
		case c == genome.ChrX && len(r.XBins) > 0:
			var sw, swx, swAll float64
			for a, j := range r.XBins {
				w := 1 / (r.XSigma[a] * r.XSigma[a])
				swAll += w
				if ex(j) {
					cs.Excluded++
					continue
				}
				cs.Bins++
				sw += w
				swx += w * s.X[j]
			}
			if sw > 0 {
				set(MethodPCA, swx/sw, math.Sqrt(swAll/sw))
			}
		}
		cs.Primary = cm.Primary
		if _, ok := cs.Z[cs.Primary]; !ok {
			cs.Primary = ""
		}
		out[c] = cs
	}
	return out
}

// chromOf returns the chromosome of global bin j.
func chromOf(l *genome.Layout, j int) int {
	c, _, _ := l.Locate(j)
	return c
}

// CheckCounts reports an error when c cannot be analysed with r.
func (r *Reference) CheckCounts(c *counts.Counts) error {
	if c.Header.Build != r.Build {
		return fmt.Errorf("sample %s was counted on %s, the reference is %s: recount it against %s", c.Header.Sample, c.Header.Build, r.Build, r.Build)
	}
	if r.BinSize%c.Header.BinSize != 0 {
		return fmt.Errorf("sample %s was counted at %d b bins, which do not divide the reference bin size %d: recount with --bin-size %d or a divisor", c.Header.Sample, c.Header.BinSize, r.BinSize, r.BinSize)
	}
	return r.CheckFilters(c)
}
