package refset

import (
	"math"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/mixture"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// Fetal-sex assignment thresholds.
const (
	// sexPosterior: a reference sample gets a fetal sex only when the
	// mixture posterior of its cluster reaches 0.99; others are "unknown"
	// and serve the autosomal models only.
	sexPosterior = 0.99
	// sexSeparation: two mixture components count as the two sexes only if
	// their means lie at least 4 pooled SDs apart (overlap below 2.3% at the
	// midpoint); otherwise the cohort is one sex.
	sexSeparation = 4.0
	// yFloor is added to the chrY dosage before taking logs: 0.001 is the
	// dosage of a male pregnancy at 0.2% fetal fraction, below any signal.
	yFloor = 0.001
	// yMale, yFemale: absolute rule for a one-cluster cohort. A male fetus
	// at the lowest fetal fraction labs report (2%) gives a mean chrY bin
	// coverage of f/2 = 0.01; a female pregnancy gives background only.
	yMale   = 0.01
	yFemale = 0.005
)

// meanY returns the mean relative coverage of the given chrY bins.
func meanY(p *SampleProfile, bins []int) float64 {
	var s float64
	var n int
	for _, j := range bins {
		if v := float64(p.Rel[j]); !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// assignSex labels the fetal sex of the samples with ok[i] from their chrY
// dosage with a seeded two-component Gaussian mixture on the log scale,
// falling back to an absolute rule when the cohort forms one cluster.
func assignSex(st *Static, ps []*SampleProfile, ok []bool, seed uint64) []uint8 {
	l := st.Layout
	var bins []int
	for j := l.Offset[genome.ChrY]; j < l.Offset[genome.ChrY+1]; j++ {
		if st.Mask[j] == normalize.MaskNone {
			bins = append(bins, j)
		}
	}
	sex := make([]uint8, len(ps))
	if len(bins) == 0 {
		return sex
	}
	y := make([]float64, len(ps))
	var v []float64
	for i, p := range ps {
		y[i] = meanY(p, bins)
		if ok[i] && !math.IsNaN(y[i]) {
			v = append(v, math.Log10(math.Max(y[i], 0)+yFloor))
		}
	}
	absolute := func() {
		for i := range ps {
			switch {
			case !ok[i] || math.IsNaN(y[i]):
			case y[i] >= yMale:
				sex[i] = SexMale
			case y[i] < yFemale:
				sex[i] = SexFemale
			}
		}
	}
	if len(v) < 4 {
		absolute()
		return sex
	}
	m1, err1 := mixture.Fit1D(v, 1, seed)
	m2, err2 := mixture.Fit1D(v, 2, seed)
	if err1 != nil || err2 != nil || m2.K() < 2 || m2.BIC(v) >= m1.BIC(v) ||
		(m2.Means[1]-m2.Means[0]) < sexSeparation*math.Hypot(m2.SDs[0], m2.SDs[1]) {
		absolute()
		return sex
	}
	for i := range ps {
		if !ok[i] || math.IsNaN(y[i]) {
			continue
		}
		post := m2.Posterior(math.Log10(math.Max(y[i], 0) + yFloor))
		switch {
		case post == nil:
		case post[1] >= sexPosterior:
			sex[i] = SexMale
		case post[0] >= sexPosterior:
			sex[i] = SexFemale
		}
	}
	return sex
}

// robustZ returns (x − median)/MAD for each value (NaN when MAD is 0).
func robustZ(x []float64) []float64 {
	med, mad := stats.MedianMAD(x)
	z := make([]float64, len(x))
	for i, v := range x {
		z[i] = (v - med) / mad
	}
	return z
}
