package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Fragment-length support in bp. 35 bp is about the shortest fragment a
// short-read aligner places uniquely; 600 bp covers the tri-nucleosome tail
// that is negligible in plasma (Lo et al. 2010, Fig. 1).
const (
	minFragment = 35
	maxFragment = 600
)

// FragmentModel is the cfDNA fragment-length distribution of one origin
// (maternal or fetal), a mixture of
//
//   - the chromatosome peak: nucleosome core plus linker-bound histone H1,
//     Gaussian around ChromatosomeMode (166 bp, Lo et al. 2010 Sci Transl Med
//     2:61ra91; Fan et al. 2010 Clin Chem 56:1279);
//   - the core/sub-nucleosomal component: peak at CoreMode (143 bp, the fetal
//     mode of Lo et al. 2010) with a long left tail (CoreSDLeft) and a steep
//     right flank (CoreSDRight), modulated below CoreMode+3 bp by a 10.4-bp
//     ripple of relative amplitude PeriodicAmp (the DNA helical repeat on the
//     nucleosome surface; Lo et al. 2010; Jiang & Lo 2016 Trends Genet
//     32:360);
//   - the di-nucleosome peak around DiMode (≈ 2 × 166 bp) with weight DiWeight.
//
// The fetal distribution has the same components with more weight on the
// core component (Chan et al. 2004 Clin Chem 50:88: fetal DNA is shorter; Yu
// et al. 2014 PNAS 111:8583: fetal enrichment in fragments < 150 bp).
type FragmentModel struct {
	ChromatosomeWeight float64 `json:"chromatosome_weight"`
	ChromatosomeMode   float64 `json:"chromatosome_mode"`
	ChromatosomeSD     float64 `json:"chromatosome_sd"`
	CoreMode           float64 `json:"core_mode"`
	CoreSDLeft         float64 `json:"core_sd_left"`
	CoreSDRight        float64 `json:"core_sd_right"`
	Period             float64 `json:"period"`
	PeriodicAmp        float64 `json:"periodic_amp"`
	DiWeight           float64 `json:"di_weight"`
	DiMode             float64 `json:"di_mode"`
	DiSD               float64 `json:"di_sd"`
}

// MaternalFragments and FetalFragments are the default models. With them
// the maternal mode is 166 bp (median 164) with 17 % of fragments < 150 bp,
// the fetal mode 143 bp (median 154) with 44 % < 150 bp (checked by
// TestFragmentModels; the ~2.6-fold short-fragment enrichment of fetal DNA
// is in the range reported by Yu et al. 2014).
var (
	MaternalFragments = FragmentModel{
		ChromatosomeWeight: 0.82, ChromatosomeMode: 166, ChromatosomeSD: 10,
		CoreMode: 143, CoreSDLeft: 20, CoreSDRight: 7, Period: 10.4, PeriodicAmp: 0.25,
		DiWeight: 0.04, DiMode: 332, DiSD: 30,
	}
	FetalFragments = FragmentModel{
		ChromatosomeWeight: 0.55, ChromatosomeMode: 166, ChromatosomeSD: 12,
		CoreMode: 143, CoreSDLeft: 20, CoreSDRight: 7, Period: 10.4, PeriodicAmp: 0.25,
		DiWeight: 0.02, DiMode: 332, DiSD: 30,
	}
)

// shifted moves weight d from the core to the chromatosome component,
// keeping both in [0, 1].
func (m FragmentModel) shifted(d float64) FragmentModel {
	core := 1 - m.ChromatosomeWeight - m.DiWeight
	d = min(max(d, -m.ChromatosomeWeight), core)
	m.ChromatosomeWeight += d
	return m
}

func (m FragmentModel) validate() error {
	w := m.ChromatosomeWeight + m.DiWeight
	if m.ChromatosomeWeight < 0 || m.DiWeight < 0 || w > 1 || m.ChromatosomeSD <= 0 || m.CoreSDLeft <= 0 ||
		m.CoreSDRight <= 0 || m.DiSD <= 0 || m.Period <= 0 || m.PeriodicAmp < 0 || m.PeriodicAmp >= 1 {
		return fmt.Errorf("fragment model %+v: weights must be in [0, 1] with sum ≤ 1, widths and period > 0, periodic amplitude in [0, 1)", m)
	}
	return nil
}

// PMF returns the probabilities of lengths minFragment..maxFragment.
func (m FragmentModel) PMF() []float64 {
	p := make([]float64, maxFragment-minFragment+1)
	wCore := 1 - m.ChromatosomeWeight - m.DiWeight
	coreNorm := (m.CoreSDLeft + m.CoreSDRight) / 2
	sum := 0.0
	for i := range p {
		l := float64(minFragment + i)
		v := m.ChromatosomeWeight * gauss(l, m.ChromatosomeMode, m.ChromatosomeSD)
		sd := m.CoreSDLeft
		if l > m.CoreMode {
			sd = m.CoreSDRight
		}
		core := math.Exp(-0.5*sq((l-m.CoreMode)/sd)) / coreNorm
		if l <= m.CoreMode+3 {
			core *= 1 + m.PeriodicAmp*math.Cos(2*math.Pi*(l-m.CoreMode)/m.Period)
		}
		v += wCore * core
		v += m.DiWeight * gauss(l, m.DiMode, m.DiSD)
		p[i] = v
		sum += v
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

func gauss(x, mu, sd float64) float64 { return math.Exp(-0.5*sq((x-mu)/sd)) / sd }
func sq(x float64) float64            { return x * x }

// lengthSampler draws fragment lengths of one origin, unconditionally or
// conditioned on being short (< shortMax) or long, from the probabilities p
// of lengths minFragment, minFragment+1, ….
type lengthSampler struct {
	all, short, long *alias
	pShort           float64
	shortMax         int
}

func newLengthSampler(p []float64, shortMax int) *lengthSampler {
	s := &lengthSampler{all: newAlias(minFragment, p), shortMax: shortMax}
	k := min(max(shortMax-minFragment, 0), len(p))
	for _, v := range p[:k] {
		s.pShort += v
	}
	if k > 0 {
		s.short = newAlias(minFragment, p[:k])
	}
	if k < len(p) {
		s.long = newAlias(minFragment+k, p[k:])
	}
	return s
}

// draw returns a length of the class (0 any, 1 short, 2 long) that is at most
// maxLen, or 0 when the class cannot fit. Draws above maxLen are rejected
// (this only happens in the last bin of a chromosome).
func (s *lengthSampler) draw(r *rand.Rand, class int, maxLen int) int {
	t := s.all
	lo := minFragment
	switch class {
	case 1:
		t = s.short
	case 2:
		t, lo = s.long, s.shortMax
	}
	if t == nil || maxLen < lo {
		return 0
	}
	for range 1000 {
		if l := t.draw(r); l <= maxLen {
			return l
		}
	}
	return lo
}
