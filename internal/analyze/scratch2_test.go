package analyze

import (
	"math"
	"os"
	"sort"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/stats"
)

func TestScratchNoise(t *testing.T) {
	g, _ := synth.NewGenome(1_000_000, 1)
	m := synth.NewModel(g, 2)
	if os.Getenv("NOBATCH") != "" {
		for b := range m.Batch {
			for i := range m.Batch[b] {
				m.Batch[b][i] = 0
			}
		}
	}
	if os.Getenv("NOPREF") != "" {
		for i := range m.FetalPref {
			m.FetalPref[i] = 1
		}
	}
	samples := synth.EuploidSamples("ref", 40, 2_000_000, true, 3)
	if os.Getenv("NOGC") != "" {
		for i := range samples {
			samples[i].GCStrong = 1e-9
		}
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
	t.Logf("K=%d crit=%v kappa=%v", ref.Components, ref.CVCurve, ref.KappaValues)
	tests := synth.EuploidSamples("t", 20, 2_000_000, true, 77)
	if os.Getenv("NOGC") != "" {
		for i := range tests {
			tests[i].GCStrong = 1e-9
		}
	}
	tc := m.Draw(tests)
	var zs []float64
	var binz []float64
	ncnv := 0
	for _, c := range tc.Counts {
		s, _ := ref.Normalize(c)
		gg := noiseScale(ref, s.Profile) * (1 + s.Leverage)
		for _, j := range ref.Auto {
			binz = append(binz, s.Z[j]/math.Sqrt(gg))
		}
		r, _ := Analyze(ref, c, Options{Config: call.DefaultConfig()})
		ncnv += len(r.CNVs)
		for _, v := range r.CNVs {
			t.Logf("%s CNV %+v", r.Sample, v)
		}
		for _, sg := range r.Segments {
			zs = append(zs, sg.Z)
		}
		// window means of 10 bins z
	}
	_, sdz := stats.MeanSD(binz)
	t.Logf("bin z sd %.3f mad %.3f; cnvs %d in 20 samples; %d segments", sdz, stats.MAD(binz), ncnv, len(zs))
	sort.Float64s(zs)
	t.Logf("segment z quantiles %v", stats.Quantiles(zs, 0, 0.05, 0.5, 0.95, 1))
	// block z: average of 10 consecutive autosomal bins relative to expected
	var bz []float64
	for _, c := range tc.Counts {
		s, _ := ref.Normalize(c)
		gg := noiseScale(ref, s.Profile) * (1 + s.Leverage)
		for a := 0; a+5 <= len(ref.Auto); a += 5 {
			var sw, swx float64
			for k := a; k < a+5; k++ {
				j := ref.Auto[k]
				w := 1 / (ref.Sigma[j] * ref.Sigma[j] * gg)
				sw += w
				swx += w * s.X[j]
			}
			bz = append(bz, swx/sw*math.Sqrt(sw))
		}
	}
	_, sdb := stats.MeanSD(bz)
	t.Logf("10-bin block z sd %.3f", sdb)
}
