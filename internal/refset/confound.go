package refset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Fetal sex confounded with sequencing batch. A fetus's sex changes the
// sex chromosomes of its mother's plasma, never the autosomes, so among
// the reference samples the autosomal coverage profile must not differ
// between male- and female-fetus pregnancies. When it does, the sexes
// were sequenced in different batches (runs, library kits, extraction
// days), whose coverage structure then masquerades as a sex difference:
// the chrX model, learnt from the female-fetus samples, and the chrY
// scale, calibrated on the male-fetus samples' chrX deficit, absorb it,
// and every fetal fraction trained on chrY is biased. On the independent
// simulator's cohort with fetal sex alternating by run (docs/validation.md,
// "A second, independent simulator") the sex-blind fetal fraction read
// 1.4 points high with 66% interval coverage, while the chrY calibration's
// intercept stayed just under its warning.
//
// sexConfounding tests it: the autosomal log ratios (f.x, each sample
// levelled) are averaged over blocks of confoundBlock bases; each block's
// male-female difference gets a Welch t, and T = Σ t² over the blocks is
// compared with its permutation distribution (fetal-sex labels shuffled,
// confoundPerms times, seeded: deterministic). The permutation null holds
// whatever the blocks' correlation (a sample-level factor such as GC bias
// moves many blocks together), so the false-alarm rate is the p-value
// threshold. Returns the p-value and the samples of each sex behind it; p
// is NaN with fewer than confoundMinEach of either sex.
func (f *fitState) sexConfounding() (p float64, males, females int) {
	var rows []int  // positions in f.used
	var male []bool // per row
	for r, i := range f.used {
		switch f.sex[i] {
		case SexMale:
			rows, male = append(rows, r), append(male, true)
			males++
		case SexFemale:
			rows, male = append(rows, r), append(male, false)
			females++
		}
	}
	if males < confoundMinEach || females < confoundMinEach || len(f.auto) == 0 {
		return math.NaN(), males, females
	}
	// Blocks of consecutive usable autosomal bins of one chromosome.
	per := max(1, confoundBlock/f.st.Layout.BinSize)
	var start []int // first auto column of each block; a sentinel at the end
	for a := range f.auto {
		if a == 0 || f.chrom[a] != f.chrom[a-1] || a-start[len(start)-1] >= per {
			start = append(start, a)
		}
	}
	start = append(start, len(f.auto))
	nb := len(start) - 1
	// v[k][b]: row k's mean log ratio over block b.
	v := make([][]float64, len(rows))
	for k, r := range rows {
		v[k] = make([]float64, nb)
		x := f.x[r]
		for b := range nb {
			var s float64
			n := 0
			for a := start[b]; a < start[b+1]; a++ {
				if !math.IsNaN(x[a]) {
					s += x[a]
					n++
				}
			}
			v[k][b] = math.NaN()
			if n > 0 {
				v[k][b] = s / float64(n)
			}
		}
	}
	// Totals over all rows per block, for the complement group.
	tot := make([]float64, nb)
	tot2 := make([]float64, nb)
	cnt := make([]int, nb)
	for k := range rows {
		for b, x := range v[k] {
			if !math.IsNaN(x) {
				tot[b] += x
				tot2[b] += x * x
				cnt[b]++
			}
		}
	}
	s1 := make([]float64, nb)
	s2 := make([]float64, nb)
	c1 := make([]int, nb)
	stat := func(lab []bool) float64 {
		clear(s1)
		clear(s2)
		clear(c1)
		for k, m := range lab {
			if !m {
				continue
			}
			for b, x := range v[k] {
				if !math.IsNaN(x) {
					s1[b] += x
					s2[b] += x * x
					c1[b]++
				}
			}
		}
		var t2 float64
		for b := range nb {
			n1, n2 := float64(c1[b]), float64(cnt[b]-c1[b])
			if n1 < 2 || n2 < 2 {
				continue
			}
			m1, m2 := s1[b]/n1, (tot[b]-s1[b])/n2
			v1 := (s2[b] - n1*m1*m1) / (n1 - 1)
			v2 := (tot2[b] - s2[b] - n2*m2*m2) / (n2 - 1)
			if se := v1/n1 + v2/n2; se > 0 {
				d := m1 - m2
				t2 += d * d / se
			}
		}
		return t2
	}
	obs := stat(male)
	r := rand.New(rand.NewPCG(confoundSeed, uint64(len(rows))))
	lab := append([]bool(nil), male...)
	ge := 0
	for range confoundPerms {
		r.Shuffle(len(lab), func(i, j int) { lab[i], lab[j] = lab[j], lab[i] })
		if stat(lab) >= obs {
			ge++
		}
	}
	return float64(1+ge) / float64(1+confoundPerms), males, females
}

const (
	// confoundBlock is the block length of the confounding test: 5 Mb,
	// the scale of the coverage waves that batches share and of the CNVs
	// the fetal scan looks for.
	confoundBlock = 5_000_000
	// confoundPerms permutations resolve p-values down to 0.001.
	confoundPerms = 999
	// confoundAlpha is the p-value below which the build warns.
	confoundAlpha = 0.01
	// confoundMinEach is the fewest samples of each fetal sex tested.
	confoundMinEach = 10
	confoundSeed    = 0x73657862 // "sexb"
)

// sexConfoundingWarning returns the build's warning when the reference's
// fetal sexes differ in their autosomal coverage (sexConfounding), else "".
func sexConfoundingWarning(p float64, males, females int) string {
	if !(p < confoundAlpha) {
		return ""
	}
	return fmt.Sprintf("the autosomal coverage of the %d male-fetus and %d female-fetus reference samples differs (permutation p = %.3f), which a fetus's sex cannot cause: fetal sex looks confounded with sequencing batch, which biases the chrX model and the chrY fetal fraction that trains the sex-blind one; build the reference from runs that each hold both fetal sexes (docs/validation.md)", males, females, p)
}
