package simulate

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// pmfSummary are the properties of a length distribution the size terms
// act on.
type pmfSummary struct {
	mode                     int
	peak                     float64 // probability at the mode
	lt100, lt150, mid, gt250 float64 // P(<100), P(<150), P(150–250), P(>250)
	ripple                   float64 // contrast of the 10-bp peaks below 143 bp against the troughs between them
}

func summarise(p []float64) pmfSummary {
	var s pmfSummary
	for i, v := range p {
		L := minFragment + i
		if v > s.peak {
			s.peak, s.mode = v, L
		}
		switch {
		case L < 100:
			s.lt100 += v
		case L > 250:
			s.gt250 += v
		case L >= 150:
			s.mid += v
		}
		if L < 150 {
			s.lt150 += v
		}
	}
	var pk, tr float64
	for k := 1; k <= 4; k++ {
		c := int(math.Round(143-10.4*float64(k))) - minFragment
		pk += p[c]
		tr += (p[c-5] + p[c+5]) / 2
	}
	s.ripple = (pk - tr) / (pk + tr)
	return s
}

// TestSizeVariationEffects sets one term at a time and checks that it does
// to the length distributions what its name says, against the unvaried
// distributions.
func TestSizeVariationEffects(t *testing.T) {
	p := Default()
	m0, f0 := summarise(sizeDraw{}.pmf(&p, originMaternal)), summarise(sizeDraw{}.pmf(&p, originFetal))
	rel := func(a, b float64) float64 { return a / b }
	for _, tc := range []struct {
		name  string
		d     sizeDraw
		check func(m, f pmfSummary) error
	}{
		{"mode shift +4 bp", sizeDraw{shift: 4}, func(m, f pmfSummary) error {
			if m.mode != m0.mode+4 || f.mode != f0.mode+4 {
				return fmt.Errorf("modes %d/%d, want %d/%d", m.mode, f.mode, m0.mode+4, f0.mode+4)
			}
			return nil
		}},
		// Peaks 20 % wider are 1/1.2 as high; 3 % for the core component's
		// share of the maternal peak.
		{"width ×1.2", sizeDraw{logWidth: math.Log(1.2)}, func(m, f pmfSummary) error {
			if r := rel(m.peak, m0.peak); math.Abs(r-1/1.2) > 0.03 {
				return fmt.Errorf("maternal peak height ratio %.3f, want %.3f", r, 1/1.2)
			}
			return nil
		}},
		// The ripple contrast is proportional to its amplitude (the
		// non-rippling components are unchanged); 10 % for second-order terms.
		{"ripple ×2", sizeDraw{logPeriodic: math.Log(2)}, func(m, f pmfSummary) error {
			for _, x := range [][2]float64{{m.ripple, m0.ripple}, {f.ripple, f0.ripple}} {
				if r := rel(x[0], x[1]); math.Abs(r-2) > 0.2 {
					return fmt.Errorf("ripple contrast ratio %.3f, want 2", r)
				}
			}
			return nil
		}},
		// Recovery ×2 is reached fully only well below 100 bp (√2 at 100
		// bp), and the rest of the distribution is barely renormalised.
		{"short recovery ×2", sizeDraw{logShort: math.Log(2)}, func(m, f pmfSummary) error {
			if r := rel(m.lt100, m0.lt100); r < 1.4 || r > 2 {
				return fmt.Errorf("maternal P(<100) ratio %.3f, want 1.4–2", r)
			}
			if r := rel(m.mid, m0.mid); math.Abs(r-1) > 0.01 {
				return fmt.Errorf("maternal P(150–250) ratio %.3f, want 1 ± 0.01", r)
			}
			return nil
		}},
		{"long recovery ×2", sizeDraw{logLong: math.Log(2)}, func(m, f pmfSummary) error {
			for _, x := range [][2]float64{{m.gt250, m0.gt250}, {f.gt250, f0.gt250}} {
				if r := rel(x[0], x[1]); r < 1.7 || r > 2 {
					return fmt.Errorf("P(>250) ratio %.3f, want 1.7–2", r)
				}
			}
			return nil
		}},
		// The fetal–maternal difference ×1.5, the maternal model untouched.
		{"fetal difference ×1.5", sizeDraw{logFetal: math.Log(1.5)}, func(m, f pmfSummary) error {
			if m != m0 {
				return fmt.Errorf("maternal distribution changed")
			}
			if r := (f.lt150 - m.lt150) / (f0.lt150 - m0.lt150); math.Abs(r-1.5) > 0.1 {
				return fmt.Errorf("fetal−maternal P(<150) ratio %.3f, want 1.5", r)
			}
			return nil
		}},
		// More chromatosome weight: fewer short fragments, in both origins.
		{"chromatosome +0.02", sizeDraw{chromatosome: [2]float64{0.02, 0.02}}, func(m, f pmfSummary) error {
			if m.lt150 >= m0.lt150 || f.lt150 >= f0.lt150 {
				return fmt.Errorf("P(<150) %.4f/%.4f, unvaried %.4f/%.4f", m.lt150, f.lt150, m0.lt150, f0.lt150)
			}
			return nil
		}},
	} {
		m, f := summarise(tc.d.pmf(&p, originMaternal)), summarise(tc.d.pmf(&p, originFetal))
		if err := tc.check(m, f); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestSizeVariationSpread draws the size terms of 400 samples, two in each
// of 200 runs, and checks their SDs: over all samples √(batch² + sample²)
// (technical) or the biological SD; within a run (difference of the two
// samples / √2) the sample SD alone, so the batch part is shared. Relative
// SEs of an SD from 400 and 200 values are 3.5 % and 5 %; tolerances 15 %
// and 20 %.
func TestSizeVariationSpread(t *testing.T) {
	ls := testLandscape(t, 100_000)
	p := &ls.Params
	v := p.SizeVariation
	var draws [2][]sizeDraw
	for k := range 200 {
		for j := range 2 {
			s := sample(t, ls, Sample{Batch: fmt.Sprintf("run%d", k)}, uint64(2*k+j+1))
			draws[j] = append(draws[j], ls.expect(s, nil).size)
		}
	}
	for _, tc := range []struct {
		name          string
		get           func(sizeDraw) float64
		batch, sample float64
	}{
		{"chromatosome (fetal: technical only)", func(d sizeDraw) float64 { return d.chromatosome[originFetal] }, p.SizeShift.BatchSD, p.SizeShift.SampleSD},
		{"maternal − fetal chromatosome", func(d sizeDraw) float64 { return d.chromatosome[originMaternal] - d.chromatosome[originFetal] }, 0, v.MaternalSD},
		{"fetal difference", func(d sizeDraw) float64 { return d.logFetal }, 0, v.FetalLogSD},
		{"mode shift", func(d sizeDraw) float64 { return d.shift }, v.ModeShift.BatchSD, v.ModeShift.SampleSD},
		{"width", func(d sizeDraw) float64 { return d.logWidth }, v.LogWidth.BatchSD, v.LogWidth.SampleSD},
		{"ripple", func(d sizeDraw) float64 { return d.logPeriodic }, v.LogPeriodic.BatchSD, v.LogPeriodic.SampleSD},
		{"short recovery", func(d sizeDraw) float64 { return d.logShort }, v.LogShortRecov.BatchSD, v.LogShortRecov.SampleSD},
		{"long recovery", func(d sizeDraw) float64 { return d.logLong }, v.LogLongRecov.BatchSD, v.LogLongRecov.SampleSD},
	} {
		var all, diff []float64
		for k := range draws[0] {
			a, b := tc.get(draws[0][k]), tc.get(draws[1][k])
			all = append(all, a, b)
			diff = append(diff, (a-b)/math.Sqrt2)
		}
		want := math.Hypot(tc.batch, tc.sample)
		if sd := stat.StdDev(all, nil); math.Abs(sd-want) > 0.15*want {
			t.Errorf("%s: SD %.4f over samples, want %.4f", tc.name, sd, want)
		}
		if sd := stat.StdDev(diff, nil); math.Abs(sd-tc.sample) > 0.2*tc.sample {
			t.Errorf("%s: within-run SD %.4f, want the sample SD %.4f", tc.name, sd, tc.sample)
		}
	}
	// What the terms add up to, for docs/simulation.md.
	var ps, modes []float64
	for _, d := range append(draws[0], draws[1]...) {
		s := summarise(d.pmf(p, originMaternal))
		ps, modes = append(ps, s.lt150), append(modes, float64(s.mode))
	}
	t.Logf("maternal P(<150) over samples: mean %.4f SD %.4f; mode SD %.2f bp", stat.Mean(ps, nil), stat.StdDev(ps, nil), stat.StdDev(modes, nil))
}
