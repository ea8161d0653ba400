package analyze

import (
	"math"
	"os"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/refset/synth"
)

func TestZZFF(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	t.Logf("size model %+v corr %v profile %v cv %+v lambda %v warn %v", f.Ref.FF.Size.Source, f.Ref.FF.Corr, f.Ref.FF.Size.Autosomal, f.Ref.FF.Size.Ridge.CV, f.Ref.FF.Size.Ridge.Lambda, f.Ref.Warnings)
	for _, male := range []bool{false, true} {
		for i, ff := range []float64{0.05, 0.10, 0.18} {
			s := synth.Sample{ID: "ff", Male: male, FF: ff, Seed: uint64(100 + 2*i), Trisomy: -1}
			r, _ := Analyze(f.Ref, sample(f, s), Options{Config: call.DefaultConfig()})
			t.Logf("male=%v ff=%.2f -> %.3f %+v sex=%s", male, ff, r.FetalFraction.Value, r.FetalFraction.Methods, r.FetalSex)
		}
	}
}

func TestZZFF2(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	for i := 0; i < 6; i++ {
		r, _ := Analyze(f.Ref, f.Counts[i], Options{Config: call.DefaultConfig()})
		p := f.Ref.Samples[i]
		t.Logf("ref %d male=%v ff=%.3f -> %.3f %+v auto=%v", i, f.Samples[i].Male, f.Samples[i].FF, r.FetalFraction.Value, r.FetalFraction.Methods[1], len(p.SizeProfileAutosomes))
	}
}

func TestZZFF3(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	ss := synth.EuploidSamples("x", 8, 2_000_000, true, 77)
	for i := range ss {
		for _, v := range []int{0, 1, 2} {
			s := ss[i]
			switch v {
			case 1:
				s.Batch = 0
			case 2:
				s.DupRate = 0
			}
			r, _ := Analyze(f.Ref, f.Model.Counts(&s), Options{Config: call.DefaultConfig()})
			t.Logf("x %d v%d male=%v ff=%.3f -> %.3f %+v", i, v, s.Male, s.FF, r.FetalFraction.Value, r.FetalFraction.Methods[1])
		}
	}
}

func TestZZFF4(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	m := f.Ref.FF.Size
	for _, seed := range []uint64{100, 101, 102, 103, 3001, 3002, 3003} {
		s := synth.Sample{ID: "ff", FF: 0.05, Seed: seed, Trisomy: -1, Reads: 2_000_000, Paired: true}
		c := f.Model.Counts(&s)
		sm, _ := f.Ref.Normalize(c)
		prof, _ := m.Profile(sm.Profile)
		t.Logf("seed %d pred %.4f factor %.3f prof %.4f", seed, m.Predict(sm.Profile.ShortFraction, prof), m.SEFactor(0, prof), prof[8:12])
	}
}

func TestZZPair(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	var d0, d1, dc []float64
	for i := 0; i < 200; i++ {
		var m [2][]float64
		for k, male := range []bool{true, false} {
			s := synth.Sample{ID: "p", Male: male, FF: 0.05 + 0.15*float64(i)/59, Seed: uint64(5000 + i), Trisomy: -1}
			r, _ := Analyze(f.Ref, sample(f, s), Options{Config: call.DefaultConfig(), SexBlind: true})
			for _, e := range r.FetalFraction.Methods {
				m[k] = append(m[k], e.Value)
			}
			m[k] = append(m[k], r.FetalFraction.Value)
		}
		d0 = append(d0, m[0][0]-m[1][0])
		d1 = append(d1, m[0][1]-m[1][1])
		dc = append(dc, m[0][2]-m[1][2])
	}
	for _, d := range [][]float64{d0, d1, dc} {
		mm, se := meanSE(d)
		t.Logf("mean diff %.5f ± %.5f", mm, se)
	}
}

func TestZZPow(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	for _, reads := range []int{1_000_000, 2_000_000} {
		s := synth.Sample{ID: "p", FF: 0.08, Seed: 1, Trisomy: -1, Reads: reads}
		sm, _ := f.Ref.Normalize(sample(f, s))
		g := noiseScale(f.Ref, sm.Profile)
		nl := f.Ref.Chroms[23-1].Nulls["pca"]
		xsd := adjust(nl.SD, nl.Poisson, g)
		r, _ := Analyze(f.Ref, sample(f, s), Options{Config: call.DefaultConfig(), SexBlind: true})
		lo := r.FetalFraction.Low
		t.Logf("reads %d xsd %.5f ff %.3f low %.3f power(low) %.3f u %.2f", reads, xsd, r.FetalFraction.Value, lo, call.SCAPower(lo, xsd, call.DefaultConfig()), math.Log2(1+lo/2)/xsd)
	}
}

func TestZZX(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	f := fixture(t)
	for _, male := range []bool{true, false} {
		var zs, za []float64
		for i := 0; i < 20; i++ {
			r, _ := Analyze(f.Ref, sample(f, synth.Sample{ID: "xy", Male: male, FF: 0.1 + 0.005*float64(i), Seed: uint64(900 + i), Trisomy: -1}), Options{Config: call.DefaultConfig()})
			for _, b := range r.Bins {
				if b.Chrom == "chrX" && !b.Masked {
					zs = append(zs, b.Z)
				}
				if b.Chrom == "chr7" && !b.Masked {
					za = append(za, b.Z)
				}
			}
		}
		m, se := meanSE(zs)
		m2, se2 := meanSE(za)
		t.Logf("male=%v chrX bins z mean %.3f sd %.3f; chr7 mean %.3f sd %.3f", male, m, se*math.Sqrt(float64(len(zs))), m2, se2*math.Sqrt(float64(len(za))))
	}
	t.Logf("x components %d, female refs %d", f.Ref.XComponents, f.Ref.Chroms[22].Nulls["pca"].N)
}
