package refset

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// confoundState builds the part of a fitState sexConfounding reads: n
// levelled autosomal log-ratio profiles at 1 Mb with per-bin noise, a
// smooth coverage profile per sequencing batch (four batches, round
// robin), and a sample-level factor with a fixed genomic loading (like a
// GC-bias strength, which moves many blocks together); sexOf gives each
// sample's fetal sex.
func confoundState(r *rand.Rand, n int, sexOf func(i int) uint8) *fitState {
	l, _ := genome.NewLayout(genome.GRCh38, 1_000_000)
	f := &fitState{st: &Static{Layout: l}}
	for j := 0; j < l.Offset[genome.ChrX]; j++ {
		c, _, _ := l.Locate(j)
		f.auto = append(f.auto, int32(j))
		f.chrom = append(f.chrom, c)
	}
	const batches = 4
	wave := make([][]float64, batches)
	for b := range wave {
		wave[b] = make([]float64, len(f.auto))
		p1, p2 := r.Float64()*6, r.Float64()*6
		for a := range wave[b] {
			wave[b][a] = 0.01 * (math.Sin(float64(a)/7+p1) + math.Sin(float64(a)/23+p2))
		}
	}
	load := make([]float64, len(f.auto))
	for a := range load {
		load[a] = r.NormFloat64()
	}
	for i := range n {
		f.used = append(f.used, i)
		f.sex = append(f.sex, sexOf(i))
		g := 0.01 * r.NormFloat64()
		x := make([]float64, len(f.auto))
		for a := range x {
			x[a] = wave[i%batches][a] + g*load[a] + 0.03*r.NormFloat64()
		}
		f.x = append(f.x, x)
	}
	return f
}

// The test of fetal sex against autosomal coverage keeps its false-alarm
// rate when fetal sex is independent of the batch (100 references of 60
// samples, sexes drawn at random: at α = 0.01 one alarm expected, ≥ 5 has
// probability 0.4%), and finds every reference whose sexes were sequenced
// in different batches (10 of 10).
func TestSexConfounding(t *testing.T) {
	if testing.Short() {
		t.Skip("110 permutation tests")
	}
	r := rand.New(rand.NewPCG(11, 12))
	alarms := 0
	for range 100 {
		sexes := make([]uint8, 60)
		for i := range sexes {
			sexes[i] = SexFemale
			if r.IntN(2) == 1 {
				sexes[i] = SexMale
			}
		}
		f := confoundState(r, 60, func(i int) uint8 { return sexes[i] })
		p, m, fe := f.sexConfounding()
		if math.IsNaN(p) {
			if m >= confoundMinEach && fe >= confoundMinEach {
				t.Fatalf("no p-value with %d male and %d female samples", m, fe)
			}
			continue
		}
		if sexConfoundingWarning(p, m, fe) != "" {
			alarms++
		}
	}
	if alarms > 4 {
		t.Errorf("%d alarms in 100 references without confounding, want about 1", alarms)
	}
	found := 0
	for range 10 {
		// Batches 0 and 2 hold the female-fetus samples, 1 and 3 the male.
		f := confoundState(r, 60, func(i int) uint8 { return SexFemale + uint8(i%2) })
		if p, m, fe := f.sexConfounding(); sexConfoundingWarning(p, m, fe) != "" {
			found++
		}
	}
	if found < 10 {
		t.Errorf("confounded references found %d/10", found)
	}
	t.Logf("alarms without confounding %d/100, with %d/10", alarms, found)
	// Too few of one sex: no test.
	f := confoundState(r, 30, func(i int) uint8 {
		if i < 5 {
			return SexMale
		}
		return SexFemale
	})
	if p, _, _ := f.sexConfounding(); !math.IsNaN(p) {
		t.Errorf("p = %g with 5 male-fetus samples, want NaN", p)
	}
}
