package synth

import (
	"math"
	"math/rand/v2"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
)

// Genome is a procedural GRCh38 annotation at a coarse bin size.
type Genome struct {
	Layout *genome.Layout
	Ann    *annotation.Annotation
}

// chromGC is a per-chromosome GC offset: GC-rich chr16/17/19/22, GC-poor
// chr4/13/18/X, as in the human genome (order of magnitude only).
var chromGC = map[int]float64{15: 0.04, 16: 0.05, 18: 0.07, 21: 0.05, 3: -0.03, 12: -0.02, 17: -0.02, genome.ChrX: -0.02}

// acrocentric chromosomes (13, 14, 15, 21, 22) have an unassembled short
// arm of about 16 Mb (0-based indices).
var acrocentric = map[int]bool{12: true, 13: true, 14: true, 20: true, 21: true}

// NewGenome returns a synthetic GRCh38 annotation at binSize.
func NewGenome(binSize int, seed uint64) (*Genome, error) {
	l, err := genome.NewLayout(genome.GRCh38, binSize)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x67656e6f6d65))
	n := l.NumBins()
	a := &annotation.Annotation{
		Layout:    l,
		GC:        make([]float64, n),
		N:         make([]float64, n),
		Map:       make([]float64, n),
		Blacklist: make([]bool, n),
		Source:    annotation.Source{GC: "synthetic", Map: "synthetic", Blacklist: "none"},
	}
	// AR(1) GC with marginal SD 0.035 and lag-1 correlation 0.7 at the bin
	// size of the test (isochore-like long-range structure).
	const sd, rho = 0.035, 0.7
	for c := 0; c < genome.NumChroms; c++ {
		v := sd * r.NormFloat64()
		nb := l.ChromBins(c)
		cen := nb / 2 // rough centromere position
		for j := 0; j < nb; j++ {
			i := l.Offset[c] + j
			v = rho*v + math.Sqrt(1-rho*rho)*sd*r.NormFloat64()
			a.GC[i] = 0.41 + chromGC[c] + v
			a.Map[i] = math.Min(1, 0.93+0.04*r.NormFloat64())
			_, start, _ := l.Locate(i)
			switch {
			case acrocentric[c] && start < 16_000_000:
				a.N[i] = 1
			case j == cen || j == cen+1 && binSize < 2_000_000:
				a.N[i] = 1
			case j == cen-1 || j == cen+2:
				a.Map[i] = 0.45
			case j == 0 || j == nb-1:
				a.N[i] = 0.3
			}
			if c == genome.ChrY {
				switch {
				case start < 2_781_479 || start >= 56_887_902: // PAR1/PAR2: reads map to chrX
					a.Map[i] = 0
				case start >= 26_600_000: // heterochromatin / ampliconic
					a.N[i] = 1
				case j%3 == 2: // ampliconic, X-transposed repeats
					a.Map[i] = 0.2
				}
			}
			if a.N[i] >= 1 {
				a.GC[i] = math.NaN()
				a.Map[i] = math.NaN()
			}
		}
	}
	return &Genome{Layout: l, Ann: a}, nil
}
