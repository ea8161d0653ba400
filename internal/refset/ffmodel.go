package refset

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mat"
)

// Candidate feature sets of the bin-profile fetal-fraction model: the
// GC-corrected log ratios before ("raw") or after ("pca") the removal of
// the cohort components, averaged over windows of 1, 10 or 100 usable bins.
// The placental coverage preference the model learns is unknown in shape
// and scale, so both the source and the resolution are chosen by
// cross-validation rather than fixed.
var (
	profileSources = []string{"raw", "pca"}
	profileWindows = []int{1, 10, 100}
)

// ProfileFeatures averages the whitened log ratios x (over auto columns)
// in windows of w consecutive usable columns of the same chromosome,
// leaving out chromosomes 13, 18 and 21 (a trisomy there must not move the
// estimate).
func ProfileFeatures(x []float64, chrom []int, omega []float64, w int) []float64 {
	// At most one window per w bins plus one partial window per chromosome.
	out := make([]float64, 0, len(x)/max(w, 1)+genome.NumChroms)
	var s float64
	n, cur := 0, -1
	flush := func() {
		if n > 0 {
			out = append(out, s/float64(n))
		}
		s, n = 0, 0
	}
	for a, v := range x {
		c := chrom[a]
		if ncvExcluded[c] {
			continue
		}
		if c != cur {
			flush()
			cur = c
		}
		s += v * omega[a]
		n++
		if n == w {
			flush()
		}
	}
	flush()
	return out
}

// maleTargets returns the used male-fetus samples with a chrY fetal
// fraction (positions in f.used) and those fractions: the training target
// of every autosomal fetal-fraction model.
func (f *fitState) maleTargets(ym fetalfraction.YModel, ybins []int32) (rows []int, target []float64) {
	for r, i := range f.used {
		if f.sex[i] != SexMale {
			continue
		}
		ff, _ := ym.FF(YDosage(f.ps[i].Rel, ybins)*math.Exp2(-f.level[r]), 0, 1)
		if math.IsNaN(ff) {
			continue
		}
		rows = append(rows, r)
		target = append(target, ff)
	}
	return rows, target
}

// fitFF trains the autosomal fetal-fraction models on the male-fetus
// references, whose chrY estimate is the target.
func (f *fitState) fitFF(ym fetalfraction.YModel, ybins []int32) (FFModels, []string) {
	ffm := FFModels{Y: ym}
	rows, target := f.maleTargets(ym, ybins)
	if len(rows) < fetalfraction.MinCalibrationMales || !ym.Calibrated {
		return ffm, []string{fmt.Sprintf("%d male-fetus reference samples with a calibrated chrY fetal fraction: no bin-profile or fragment-size fetal-fraction model (female-fetus samples get no fetal fraction)", len(rows))}
	}
	var warn []string
	var sets []*mat.Dense
	type setDef struct {
		src string
		w   int
	}
	var defs []setDef
	for _, src := range profileSources {
		for _, w := range profileWindows {
			var data []float64
			var p int
			for _, r := range rows {
				x := f.x[r]
				if src == "pca" {
					x = f.resid.RawRowView(r)
				}
				ft := ProfileFeatures(x, f.chrom, f.omega, w)
				p = len(ft)
				if data == nil {
					data = make([]float64, 0, len(rows)*p)
				}
				data = append(data, ft...)
			}
			if p == 0 {
				continue
			}
			sets = append(sets, mat.NewDense(len(rows), p, data))
			defs = append(defs, setDef{src, w})
		}
	}
	// profRes holds the bin-profile model's calibrated residuals (leave-one-out
	// prediction − A − B·target, fetalfraction.Calibration.Residual).
	var profRes []float64
	if rd, err := fetalfraction.FitRidge(sets, target, f.opt.Threads); err != nil {
		warn = append(warn, "bin-profile fetal-fraction model not fitted: "+err.Error())
	} else {
		ffm.Profile = &ProfileFF{Source: defs[rd.Set].src, Window: defs[rd.Set].w, Ridge: *rd}
		profRes = calResiduals(rd.Cal, looErrors(rd.LOO, target), target)
		if !rd.Cal.Informative() {
			warn = append(warn, "bin-profile fetal-fraction model: its cross-validated estimates do not rise with the chrY fetal fraction by two standard errors (calibration slope "+fmt.Sprintf("%.2f", rd.Cal.B)+"); it is not used")
		}
	}
	var sx, sy []float64
	var idx []int
	for a, r := range rows {
		if v := f.ps[f.used[r]].ShortFraction; f.ps[f.used[r]].Paired && !math.IsNaN(v) {
			sx = append(sx, v)
			sy = append(sy, target[a])
			idx = append(idx, a)
		}
	}
	// corr sets the correlation of the bin-profile and fragment-size
	// measurement errors from their calibrated residuals over the rows idx
	// (positions in rows; res in the order of idx).
	corr := func(idx []int, res []float64) {
		if profRes == nil || len(res) != len(idx) {
			return
		}
		a, b := make([]float64, len(idx)), make([]float64, len(idx))
		for k, i := range idx {
			a[k], b[k] = profRes[i], res[k]
		}
		if c := stats.PearsonR(a, b); !math.IsNaN(c) {
			ffm.Corr = c
		}
	}
	if len(sx) >= fetalfraction.MinCalibrationMales {
		if lm, err := fetalfraction.FitLinear(sx, sy); err == nil {
			ffm.Fragment = lm
			corr(idx, calResiduals(lm.Cal, lm.Residuals, sy))
		} else {
			warn = append(warn, "fragment-size fetal-fraction model not fitted: "+err.Error())
		}
	}
	if sm, sidx, err := f.fitSize(rows, target); err != nil {
		warn = append(warn, "fragment-size-profile fetal-fraction model not fitted: "+err.Error())
	} else if sm != nil {
		ffm.Size = sm
		ys := make([]float64, len(sidx))
		for k, a := range sidx {
			ys[k] = target[a]
		}
		corr(sidx, calResiduals(sm.Ridge.Cal, looErrors(sm.Ridge.LOO, ys), ys))
	}
	if w := ffm.precisionWarning(len(rows)); w != "" {
		warn = append(warn, w)
	}
	return ffm, warn
}

// Fetal fractions of the precision check: the common laboratory floor
// (min_ff's default, 4%) and a fraction half again above it, which a
// usable estimate should tell apart from the floor.
const (
	precisionFloor = 0.04
	precisionAt    = 0.06
)

// SexBlindCalibration returns the calibration of the model that carries
// the sex-blind estimate in the analysis: the fragment-size profile, else
// the fragment-size line, else the bin profile (which the analysis uses
// only without a fragment-size measurement); ok is false when none is
// usable.
func (m FFModels) SexBlindCalibration() (c fetalfraction.Calibration, method string, ok bool) {
	switch {
	case m.Size != nil && m.Size.Ridge.Cal.Informative():
		return m.Size.Ridge.Cal, "fragment-size profile", true
	case m.Fragment != nil && m.Fragment.Cal.Informative():
		return m.Fragment.Cal, "short-fragment share", true
	case m.Profile != nil && m.Profile.Ridge.Cal.Informative():
		return m.Profile.Ridge.Cal, "bin profile", true
	}
	return fetalfraction.Calibration{}, "", false
}

// FloorShare is the probability that a sample at a true fetal fraction of
// 6% gets a sex-blind estimate below 4% (and so no low-risk call at the
// default min_ff) under calibration c: Φ((4% − 6%)/SD(6%)).
func FloorShare(c fetalfraction.Calibration) float64 {
	m := fetalfraction.Measurement{Raw: c.A + c.B*precisionAt, Cal: c}
	return stats.NormalCDF((precisionFloor - precisionAt) / m.SD(precisionAt))
}

// precisionWarning warns when the sex-blind fetal-fraction estimate is too
// imprecise to tell 6% from the 4% floor in three of four samples: then a
// quarter or more of female-fetus pregnancies at 6% get no call under a
// sex-blind policy. More male-fetus references narrow it (40 → 119 took
// the fragment-size SD from 3.4 to 2.6 points on the validation cohort,
// docs/validation.md).
func (m FFModels) precisionWarning(males int) string {
	c, method, ok := m.SexBlindCalibration()
	if !ok {
		return ""
	}
	if p := FloorShare(c); p > 0.25 {
		sd := fetalfraction.Measurement{Raw: c.A + c.B*precisionAt, Cal: c}.SD(precisionAt)
		return fmt.Sprintf("sex-blind fetal fraction (%s, %d male-fetus references) is imprecise: SD %.1f points at FF 6%%, so %.0f%% of samples at a true 6%% read below 4%% and get no low-risk call under a sex-blind policy at the default min_ff; more male-fetus references narrow it (nipt reference add; docs/validation.md)",
			method, males, 100*sd, 100*p)
	}
	return ""
}

// calResiduals returns the calibrated residuals pred − A − B·y of
// cross-validated predictions given as errors res = pred − y (nil without
// a valid calibration).
func calResiduals(c fetalfraction.Calibration, res, y []float64) []float64 {
	if !c.Valid() || len(res) != len(y) {
		return nil
	}
	out := make([]float64, len(y))
	for i := range y {
		out[i] = c.Residual(y[i]+res[i], y[i])
	}
	return out
}

// looErrors returns the leave-one-out errors pred − y.
func looErrors(pred, y []float64) []float64 {
	if len(pred) != len(y) {
		return nil
	}
	out := make([]float64, len(y))
	for i := range y {
		out[i] = pred[i] - y[i]
	}
	return out
}

// fitSize fits the fragment-size model on the male-fetus references rows
// (positions in f.used) with fetal fractions target, choosing by nested
// leave-one-out between the short-fragment share and the whole size
// profile. It returns nil when fewer than MinCalibrationMales of them have
// a size profile, and the positions in rows it used.
func (f *fitState) fitSize(rows []int, target []float64) (*SizeFF, []int, error) {
	var idx []int
	var y, short, prof []float64
	// The autosomal profiles (no fetal-sex dependence) are used when every
	// training sample has one; otherwise the all-chromosome profiles.
	autosomal := true
	for _, r := range rows {
		p := f.ps[f.used[r]]
		if p.Paired && len(p.SizeProfile) == fetalfraction.NumSizeClasses && !math.IsNaN(p.ShortFraction) &&
			len(p.SizeProfileAutosomes) != fetalfraction.NumSizeClasses {
			autosomal = false
		}
	}
	for a, r := range rows {
		p := f.ps[f.used[r]]
		if !p.Paired || len(p.SizeProfile) != fetalfraction.NumSizeClasses || math.IsNaN(p.ShortFraction) {
			continue
		}
		idx = append(idx, a)
		y = append(y, target[a])
		short = append(short, p.ShortFraction)
		if autosomal {
			prof = append(prof, p.SizeProfileAutosomes...)
		} else {
			prof = append(prof, p.SizeProfile...)
		}
	}
	if len(idx) < fetalfraction.MinCalibrationMales {
		return nil, nil, nil
	}
	n := len(idx)
	var coarse []float64
	for a := 0; a < n; a++ {
		coarse = append(coarse, fetalfraction.CoarseSizeProfile(prof[a*fetalfraction.NumSizeClasses:(a+1)*fetalfraction.NumSizeClasses])...)
	}
	sets := []*mat.Dense{mat.NewDense(n, 1, short), mat.NewDense(n, fetalfraction.NumSizeClasses, prof),
		mat.NewDense(n, len(coarse)/n, coarse)}
	rd, err := fetalfraction.FitRidge(sets, y, f.opt.Threads)
	if err != nil {
		return nil, nil, err
	}
	m := &SizeFF{Source: sizeSources[rd.Set], Ridge: *rd, Coef: rd.Beta, Autosomal: autosomal && rd.Set > 0}
	if x := f.xShare(); rd.Set > 0 && !math.IsNaN(x) {
		m.SexBias = x / 2
	}
	x := sets[rd.Set]
	if lev, err := fetalfraction.NewLeverage(x, rd.Lambda); err == nil {
		m.Leverage = lev
	}
	return m, idx, nil
}

// sizeSources names the candidate feature sets of the fragment-size model.
var sizeSources = []string{"short_fraction", "size_profile", "size_profile_20bp"}

// xShare is the median share of chrX among the reads of the used
// reference samples.
func (f *fitState) xShare() float64 {
	v := make([]float64, 0, len(f.used))
	for _, i := range f.used {
		var tot float64
		for c := 0; c < genome.NumChroms; c++ {
			tot += float64(f.ps[i].ChromReads[c])
		}
		if tot > 0 {
			v = append(v, float64(f.ps[i].ChromReads[genome.ChrX])/tot)
		}
	}
	return stats.Median(v)
}
