package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SizeVariation describes how the fragment-length distributions of a
// sample depart from the FragmentModels, beyond the chromatosome-weight
// shift of SizeShift. Real libraries vary in several independent ways
// (docs/simulation.md, "Fragment sizes vary between samples"):
//
//   - technical, shared by the samples of a run (BatchSD) and drawn again
//     per sample (SampleSD), acting on maternal and fetal fragments alike:
//     a shift of every peak position (end repair, adapter ligation,
//     aligner clipping), a factor on the peak widths, a factor on the
//     10-bp ripple amplitude, and the relative recovery of very short
//     (< ~100 bp) and of long (di-nucleosomal, > ~250 bp) fragments
//     (extraction chemistry, bead clean-up and size selection, storage
//     time and haemolysis, delayed processing);
//   - biological, per sample: the chromatosome weight of the maternal
//     fragments (the mother's tissue-of-origin mix), and the size of the
//     fetal–maternal difference itself (placental biology, gestational
//     age): every parameter of the fetal model lies at exp(ε) times its
//     default distance from the maternal one, ε ~ N(0, FetalLogSD).
type SizeVariation struct {
	ModeShift     RunSampleSD `json:"mode_shift_bp"`
	LogWidth      RunSampleSD `json:"log_width"`
	LogPeriodic   RunSampleSD `json:"log_periodic_amp"`
	LogShortRecov RunSampleSD `json:"log_short_recovery"`
	LogLongRecov  RunSampleSD `json:"log_long_recovery"`
	// MaternalSD is the per-sample SD of the maternal chromatosome weight;
	// FetalLogSD the per-sample SD of the log factor on the fetal–maternal
	// difference.
	MaternalSD float64 `json:"maternal_chromatosome_sd"`
	FetalLogSD float64 `json:"fetal_difference_log_sd"`
}

// RunSampleSD are the SDs of a Gaussian term drawn once per sequencing run
// (batch) and once per sample; the two add.
type RunSampleSD struct {
	BatchSD  float64 `json:"batch_sd"`
	SampleSD float64 `json:"sample_sd"`
}

// DefaultSizeVariation: magnitudes and their reasoning in
// docs/simulation.md (table "Between-sample fragment-size variation").
var DefaultSizeVariation = SizeVariation{
	ModeShift:     RunSampleSD{BatchSD: 0.7, SampleSD: 0.7},
	LogWidth:      RunSampleSD{BatchSD: 0.03, SampleSD: 0.03},
	LogPeriodic:   RunSampleSD{BatchSD: 0.15, SampleSD: 0.15},
	LogShortRecov: RunSampleSD{BatchSD: 0.15, SampleSD: 0.2},
	LogLongRecov:  RunSampleSD{BatchSD: 0.15, SampleSD: 0.2},
	MaternalSD:    0.005,
	FetalLogSD:    0.15,
}

// Recovery curves: logistic steps at the boundary of very short fragments
// (100 bp) and at the valley between the mono- and di-nucleosome peaks
// (250 bp; Lo et al. 2010, Fig. 1), with 8- and 15-bp scales: the
// length-selectivity of silica and bead clean-ups is a smooth function of
// length spanning tens of bp, not a sharp cut.
const (
	shortRecovMid, shortRecovScale = 100.0, 8.0
	longRecovMid, longRecovScale   = 250.0, 15.0
)

// Clipping limits of the realised terms, about 5 SDs of the defaults: they
// only guard extreme --params values (a weight or amplitude leaving its
// range, a peak moving off the support).
const (
	maxModeShift = 10.0 // bp
	maxLogFactor = 0.7  // widths and ripple amplitude within a factor 2
	maxLogRecov  = 2.0  // recoveries within a factor e²
)

func (v *SizeVariation) validate() error {
	type term struct {
		name   string
		sd     RunSampleSD
		hiBoth float64
	}
	for _, t := range []term{
		{"mode shift", v.ModeShift, 5},
		{"log width", v.LogWidth, 0.2},
		{"log periodic amplitude", v.LogPeriodic, 0.5},
		{"log short recovery", v.LogShortRecov, 1},
		{"log long recovery", v.LogLongRecov, 1},
	} {
		if !(t.sd.BatchSD >= 0 && t.sd.BatchSD <= t.hiBoth && t.sd.SampleSD >= 0 && t.sd.SampleSD <= t.hiBoth) {
			return fmt.Errorf("size variation %s SDs %+v out of range [0, %v]", t.name, t.sd, t.hiBoth)
		}
	}
	if !(v.MaternalSD >= 0 && v.MaternalSD <= 0.1 && v.FetalLogSD >= 0 && v.FetalLogSD <= 0.3) {
		return fmt.Errorf("size variation maternal chromatosome SD %v, fetal difference log SD %v out of range [0, 0.1] and [0, 0.3]", v.MaternalSD, v.FetalLogSD)
	}
	return nil
}

// sizeDraw is one sample's (or, for the technical part, one run's)
// realised fragment-size variation.
type sizeDraw struct {
	chromatosome [2]float64 // added to ChromatosomeWeight, by origin
	logFetal     float64    // log factor on the fetal–maternal difference
	shift        float64    // bp added to every peak position
	logWidth     float64    // log factor on every peak width
	logPeriodic  float64    // log factor on the ripple amplitude
	logShort     float64    // log recovery of very short fragments
	logLong      float64    // log recovery of long fragments
}

// drawTechnical adds the technical terms with the batch or the sample SDs to d
// (the same value for both origins); r is the run's or the sample's
// stream.
func (d *sizeDraw) drawTechnical(r *rand.Rand, p *Params, batch bool) {
	sd := func(s RunSampleSD) float64 {
		if batch {
			return s.BatchSD
		}
		return s.SampleSD
	}
	v := &p.SizeVariation
	w := p.SizeShift.SampleSD
	if batch {
		w = p.SizeShift.BatchSD
	}
	c := w * r.NormFloat64()
	d.chromatosome[0] += c
	d.chromatosome[1] += c
	d.shift += sd(v.ModeShift) * r.NormFloat64()
	d.logWidth += sd(v.LogWidth) * r.NormFloat64()
	d.logPeriodic += sd(v.LogPeriodic) * r.NormFloat64()
	d.logShort += sd(v.LogShortRecov) * r.NormFloat64()
	d.logLong += sd(v.LogLongRecov) * r.NormFloat64()
}

// drawBiological adds the per-sample biological terms.
func (d *sizeDraw) drawBiological(r *rand.Rand, v *SizeVariation) {
	d.chromatosome[originMaternal] += v.MaternalSD * r.NormFloat64()
	d.logFetal += v.FetalLogSD * r.NormFloat64()
}

// clip bounds the realised terms (see the limits above).
func (d *sizeDraw) clip() {
	c := func(x, lim float64) float64 { return min(max(x, -lim), lim) }
	// ±0.2 keeps every default model weight inside [0, 1].
	d.chromatosome[0] = c(d.chromatosome[0], 0.2)
	d.chromatosome[1] = c(d.chromatosome[1], 0.2)
	d.logFetal = c(d.logFetal, maxLogFactor)
	d.shift = c(d.shift, maxModeShift)
	d.logWidth = c(d.logWidth, maxLogFactor)
	d.logPeriodic = c(d.logPeriodic, maxLogFactor)
	d.logShort = c(d.logShort, maxLogRecov)
	d.logLong = c(d.logLong, maxLogRecov)
}

// model returns the fragment model of origin o with the sample's variation
// applied to its parameters; the recovery terms act on the PMF (pmf).
func (d sizeDraw) model(p *Params, o int) FragmentModel {
	m := p.Maternal
	if o == originFetal {
		m = interpolate(p.Maternal, p.Fetal, math.Exp(d.logFetal))
	}
	m = m.shifted(d.chromatosome[o])
	m.ChromatosomeMode += d.shift
	m.CoreMode += d.shift
	m.DiMode += d.shift
	f := math.Exp(d.logWidth)
	m.ChromatosomeSD *= f
	m.CoreSDLeft *= f
	m.CoreSDRight *= f
	m.DiSD *= f
	// The amplitude stays below 1 so that the ripple never makes a
	// probability negative.
	m.PeriodicAmp = min(m.PeriodicAmp*math.Exp(d.logPeriodic), 0.95)
	return m
}

// pmf returns the length distribution of origin o for this sample: the
// varied model's PMF times the recovery curves, renormalised.
func (d sizeDraw) pmf(par *Params, o int) []float64 {
	p := d.model(par, o).PMF()
	if d.logShort == 0 && d.logLong == 0 {
		return p
	}
	sum := 0.0
	for i := range p {
		l := float64(minFragment + i)
		lo := 1 / (1 + math.Exp((l-shortRecovMid)/shortRecovScale))
		hi := 1 / (1 + math.Exp((longRecovMid-l)/longRecovScale))
		p[i] *= math.Exp(d.logShort*lo + d.logLong*hi)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// interpolate returns the model whose every parameter is a + k·(b − a), with
// the weights kept in [0, 1] (sum ≤ 1), widths positive and the ripple
// amplitude below 1.
func interpolate(a, b FragmentModel, k float64) FragmentModel {
	l := func(x, y float64) float64 { return x + k*(y-x) }
	pos := func(x, y float64) float64 { return max(l(x, y), 0.5) } // widths ≥ 0.5 bp
	m := FragmentModel{
		ChromatosomeWeight: min(max(l(a.ChromatosomeWeight, b.ChromatosomeWeight), 0), 1),
		ChromatosomeMode:   l(a.ChromatosomeMode, b.ChromatosomeMode),
		ChromatosomeSD:     pos(a.ChromatosomeSD, b.ChromatosomeSD),
		CoreMode:           l(a.CoreMode, b.CoreMode),
		CoreSDLeft:         pos(a.CoreSDLeft, b.CoreSDLeft),
		CoreSDRight:        pos(a.CoreSDRight, b.CoreSDRight),
		Period:             pos(a.Period, b.Period),
		PeriodicAmp:        min(max(l(a.PeriodicAmp, b.PeriodicAmp), 0), 0.95),
		DiWeight:           max(l(a.DiWeight, b.DiWeight), 0),
		DiMode:             l(a.DiMode, b.DiMode),
		DiSD:               pos(a.DiSD, b.DiSD),
	}
	m.DiWeight = min(m.DiWeight, 1-m.ChromatosomeWeight)
	return m
}
