package analyze

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
)

func TestScratchT003(t *testing.T) {
	g, _ := synth.NewGenome(1_000_000, 1)
	m := synth.NewModel(g, 2)
	for b := range m.Batch {
		for i := range m.Batch[b] {
			m.Batch[b][i] = 0
		}
	}
	for i := range m.FetalPref {
		m.FetalPref[i] = 1
	}
	samples := synth.EuploidSamples("ref", 40, 2_000_000, true, 3)
	for i := range samples {
		samples[i].GCStrong = 1e-9
	}
	co := m.Draw(samples)
	st, _ := refset.NewStatic(g.Ann, 1_000_000, nil)
	var ps []*refset.SampleProfile
	for _, c := range co.Counts {
		p, _, _ := st.Prepare(c, normalize.GCOptions{})
		ps = append(ps, p)
	}
	opt := refset.DefaultOptions()
	opt.BinSize = 1_000_000
	opt.MinReads = 100_000
	ref, _ := refset.Fit(st, ps, opt)
	t.Logf("K=%d kappa %v %v", ref.Components, ref.KappaSizes, ref.KappaValues)
	tests := synth.EuploidSamples("t", 20, 2_000_000, true, 77)
	for i := range tests {
		tests[i].GCStrong = 1e-9
	}
	tc := m.Draw(tests)
	s, _ := ref.Normalize(tc.Counts[2])
	l := ref.Layout
	for j := l.Offset[18] + 40; j < l.Offset[19]; j++ {
		lam, _ := m.Expected(&tests[2])
		t.Logf("bin %d x=%.4f z=%.2f rel=%.4f med=%.4f reads=%d lam=%.1f gc=%.3f", j-l.Offset[18], s.X[j], s.X[j]/ref.Sigma[j], s.Profile.Rel[j], ref.Median[j], tc.Counts[2].Reads[j], lam[j], g.Ann.GC[j])
	}
	_, cov, _ := st.Prepare(tc.Counts[2], normalize.GCOptions{})
	for _, gcv := range []float64{0.33, 0.36, 0.39, 0.41, 0.43, 0.45, 0.47, 0.49, 0.51, 0.53} {
		best, bj := 1.0, -1
		for j := 0; j < l.Offset[22]; j++ {
			if d := math.Abs(g.Ann.GC[j] - gcv); d < best && !math.IsNaN(cov.Expected[j]) {
				best, bj = d, j
			}
		}
		t.Logf("gc %.2f fit/eff %.4f", gcv, cov.Expected[bj]/st.Eff[bj]*1e6)
	}
}
