package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"gonum.org/v1/gonum/stat/distuv"
)

// CNV is a copy-number change of the mother or the fetus on [Start, End).
type CNV struct {
	Chrom      int // canonical index
	Start, End int
	Gain       bool
	Maternal   bool // the mother carries it (heterozygous)
	Inherited  bool // maternal CNV also carried by the fetus
	// Tumour > 0 makes it a somatic change of a maternal tumour that
	// sheds this fraction of all cfDNA (neither parent's germline).
	Tumour float64
}

// Sample describes one simulated pregnancy.
type Sample struct {
	ID       string
	Male     bool    // fetal sex
	FF       float64 // fetal fraction
	Reads    int     // expected total reads
	Paired   bool
	Trisomy  int     // canonical chromosome index of a fetal trisomy, or -1
	Mosaic   float64 // fraction of fetal cells with the trisomy (0 means 1)
	SCA      string  // "", "45,X", "47,XXY", "47,XXX", "47,XYY"
	CNVs     []CNV
	Batch    int
	Seed     uint64
	DupRate  float64
	GCStrong float64 // multiplies the sample's GC-bias amplitude (0 means 1)
}

// Model holds the sample-independent parts of the generative model.
type Model struct {
	Genome      *Genome
	LibraryBias []float64   // per-bin multiplicative bias shared by all samples
	FetalPref   []float64   // per-bin multiplicative preference of fetal cfDNA
	Batch       [][]float64 // per-batch log-scale bin profiles
	// Overdispersion is the coefficient of variation of the gamma mixing
	// distribution (extra-Poisson noise per bin and sample).
	Overdispersion float64
	// ShortMaternal and ShortFetal are the mean fractions of maternal and
	// fetal fragments shorter than the short-fragment cut-off.
	ShortMaternal, ShortFetal float64
	// YBackground is the chrY read density of a female pregnancy relative
	// to an autosomal bin (mismapped reads).
	YBackground float64
}

// NewModel returns a model on g with the given seed.
func NewModel(g *Genome, seed uint64) *Model {
	r := rand.New(rand.NewPCG(seed, 0x6d6f64656c))
	n := g.Layout.NumBins()
	m := &Model{Genome: g, Overdispersion: 0.02, ShortMaternal: 0.12, ShortFetal: 0.30, YBackground: 0.004}
	m.LibraryBias = make([]float64, n)
	for i := range m.LibraryBias {
		m.LibraryBias[i] = math.Exp(0.05 * r.NormFloat64())
	}
	m.FetalPref = smoothProfile(r, g.Layout, 0.08, 0.9)
	for b := 0; b < 4; b++ {
		p := smoothProfile(r, g.Layout, 0.03, 0.8)
		for i := range p {
			p[i] = math.Log(p[i])
		}
		m.Batch = append(m.Batch, p)
	}
	return m
}

// smoothProfile draws exp(AR(1)) per chromosome with marginal SD sd on the
// log scale and lag-1 correlation rho, normalised to mean 1.
func smoothProfile(r *rand.Rand, l *genome.Layout, sd, rho float64) []float64 {
	p := make([]float64, l.NumBins())
	for c := 0; c < genome.NumChroms; c++ {
		v := r.NormFloat64() * sd
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			v = rho*v + math.Sqrt(1-rho*rho)*sd*r.NormFloat64()
			p[i] = math.Exp(v)
		}
	}
	return p
}

// karyotype returns the fetal X and Y copy numbers.
func (s *Sample) karyotype() (nx, ny float64) {
	switch s.SCA {
	case "45,X":
		return 1, 0
	case "47,XXY":
		return 2, 1
	case "47,XXX":
		return 3, 0
	case "47,XYY":
		return 1, 2
	}
	if s.Male {
		return 1, 1
	}
	return 2, 0
}

// Expected returns the expected read density per bin (before scaling to
// the read total) and the expected fetal share of the reads of each bin.
func (m *Model) Expected(s *Sample) (lambda, fetalShare []float64) {
	g := m.Genome
	l := g.Layout
	n := l.NumBins()
	lambda = make([]float64, n)
	fetalShare = make([]float64, n)
	r := rand.New(rand.NewPCG(s.Seed, 0x67636269))
	amp := 1.0
	if s.GCStrong > 0 {
		amp = s.GCStrong
	}
	a := amp * 2 * r.NormFloat64()
	b := amp * (-8 + 4*r.NormFloat64())
	load := 1 + 0.25*r.NormFloat64()
	batch := m.Batch[s.Batch%len(m.Batch)]
	nx, ny := s.karyotype()
	mos := s.Mosaic
	if mos == 0 {
		mos = 1
	}
	f := s.FF
	for c := 0; c < genome.NumChroms; c++ {
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			_, start, end := l.Locate(i)
			gc := g.Ann.GC[i]
			if math.IsNaN(gc) {
				gc = 0.41
			}
			d := gc - 0.41
			if math.IsNaN(g.Ann.Map[i]) || g.Ann.N[i] >= 1 {
				continue
			}
			base := float64(end-start) / float64(l.BinSize) * (1 - g.Ann.N[i]) * g.Ann.Map[i] *
				m.LibraryBias[i] * math.Exp(a*d+b*d*d+load*batch[i])
			cm, cf := 2.0, 2.0
			switch c {
			case genome.ChrX:
				// The reads of the chrY pseudoautosomal regions align to
				// chrX's (analysis sets hard-mask them on chrY), so a Y
				// copy counts there like an X copy.
				cf = nx + ny*parShare(l, i)
			case genome.ChrY:
				cm, cf = 0, ny
			}
			if c == s.Trisomy {
				cf += mos
			}
			for _, v := range s.CNVs {
				if v.Chrom != c || end <= v.Start || start >= v.End {
					continue
				}
				delta := -1.0
				if v.Gain {
					delta = 1
				}
				switch {
				case v.Tumour > 0:
					// A tumour shedding a fraction t of all cfDNA moves the
					// total by t·delta/2, which the maternal term carries.
					cm += delta * v.Tumour / (1 - f)
				case v.Maternal:
					cm += delta
					if v.Inherited {
						cf += delta
					}
				default:
					cf += delta
				}
			}
			mat := (1 - f) * cm / 2
			fet := f * cf / 2 * m.FetalPref[i]
			if c == genome.ChrY {
				mat += m.YBackground
			}
			lambda[i] = base * (mat + fet)
			if mat+fet > 0 {
				fetalShare[i] = fet / (mat + fet)
			}
		}
	}
	return lambda, fetalShare
}

// Counts draws the counts of sample s.
func (m *Model) Counts(s *Sample) *counts.Counts {
	l := m.Genome.Layout
	lambda, share := m.Expected(s)
	var tot float64
	for _, v := range lambda {
		tot += v
	}
	scale := float64(s.Reads) / tot
	c := counts.New(l, s.Paired)
	c.Header.Sample = s.ID
	c.Header.Tool = counts.Tool{Name: "synth", Version: "test"}
	c.Header.Input = counts.Input{Name: s.ID, Format: "simulated"}
	c.Header.Filters = counts.Filters{MinMAPQ: 1, Dedup: "flag", ShortFragmentMax: 150, MaxFragment: 1000}
	src := rand.NewPCG(s.Seed, 0x636f756e7473)
	r := rand.New(src)
	sm := m.ShortMaternal * math.Exp(0.05*r.NormFloat64())
	k := 1 / (m.Overdispersion * m.Overdispersion)
	for i, lam := range lambda {
		mu := lam * scale
		if !(mu > 0) {
			continue
		}
		mu *= distuv.Gamma{Alpha: k, Beta: k, Src: src}.Rand()
		v := distuv.Poisson{Lambda: mu, Src: src}.Rand()
		c.Reads[i] = uint32(v)
		if s.Paired && v > 0 {
			p := share[i]*m.ShortFetal + (1-share[i])*sm
			c.Short[i] = uint32(distuv.Binomial{N: v, P: p, Src: src}.Rand())
		}
	}
	c.FillChromReads()
	if s.Paired {
		c.Header.QC.FragmentHistogram, c.Header.QC.FragmentHistogramAutosomes = m.sizeHistogram(s, lambda, share)
	}
	dup := s.DupRate
	c.Header.QC.DuplicateRate = dup
	c.Header.QC.Records = int64(float64(c.Header.QC.Kept) / (1 - dup))
	c.Header.QC.Dropped["duplicate"] = c.Header.QC.Records - c.Header.QC.Kept
	return c
}

// Cohort is a set of samples drawn from one model.
type Cohort struct {
	Model   *Model
	Samples []Sample
	Counts  []*counts.Counts
}

// Draw draws the counts of every sample.
func (m *Model) Draw(samples []Sample) *Cohort {
	co := &Cohort{Model: m, Samples: samples}
	for i := range samples {
		co.Counts = append(co.Counts, m.Counts(&samples[i]))
	}
	return co
}

// EuploidSamples returns n euploid reference samples with alternating fetal
// sex, fetal fractions uniform on [0.04, 0.20], reads depth, in nBatch
// batches; seeds derive from seed.
func EuploidSamples(prefix string, n, reads int, paired bool, seed uint64) []Sample {
	r := rand.New(rand.NewPCG(seed, 0x65757031))
	out := make([]Sample, n)
	for i := range out {
		out[i] = Sample{
			ID:      fmt.Sprintf("%s%03d", prefix, i+1),
			Male:    i%2 == 1,
			FF:      0.04 + 0.16*r.Float64(),
			Reads:   reads,
			Paired:  paired,
			Trisomy: -1,
			Batch:   i % 3,
			Seed:    seed*1000 + uint64(i) + 1,
			DupRate: 0.05,
		}
	}
	return out
}

// sizeHistogram draws the fragment-length histograms of a paired-end
// sample — of all kept fragments and of those on chr1–22 — from their own
// random streams (so that adding them changed no other draw): maternal
// fragments N(167, 15²) bp and fetal N(150, 15²) bp — the chromatosome peak
// and the shorter fetal mode (Lo et al. 2010) — mixed at the fetal share of
// the fragments of the region (autosomes; chrX and chrY), with a
// per-sample shift of the maternal mode (SD 2 bp) standing for
// pre-analytical variation that a single short-fragment share confounds
// with the fetal fraction. The all-chromosome histogram is the autosomal
// one plus the sex chromosomes' draw.
func (m *Model) sizeHistogram(s *Sample, lambda, share []float64) (all, auto []int64) {
	r := rand.New(rand.NewPCG(s.Seed, 0x73697a6573))
	auto0 := m.Genome.Layout.Offset[genome.ChrX]
	var tot, totA, fetA, fetXY float64
	for i, v := range lambda {
		tot += v
		if i < auto0 {
			totA += v
			fetA += v * share[i]
		} else {
			fetXY += v * share[i]
		}
	}
	if !(tot > 0) || !(totA > 0) {
		return nil, nil
	}
	shift := 2 * r.NormFloat64()
	draw := func(reads, fs float64, src *rand.PCG) []int64 {
		h := make([]int64, 1001)
		for i := 35; i < len(h); i++ {
			x := float64(i)
			dm := distuv.Normal{Mu: 167 + shift, Sigma: 15}.Prob(x)
			df := distuv.Normal{Mu: 150, Sigma: 15}.Prob(x)
			if mu := reads * ((1-fs)*dm + fs*df); mu > 0 {
				h[i] = int64(distuv.Poisson{Lambda: mu, Src: src}.Rand())
			}
		}
		return h
	}
	scale := float64(s.Reads) / tot
	auto = draw(totA*scale, fetA/totA, rand.NewPCG(s.Seed, 0x68697374))
	all = append([]int64(nil), auto...)
	if xy := tot - totA; xy > 0 {
		for i, v := range draw(xy*scale, fetXY/xy, rand.NewPCG(s.Seed, 0x68697379)) {
			all[i] += v
		}
	}
	return all, auto
}

// parShare returns the share of bin i (on chrX) inside an X
// pseudoautosomal region.
func parShare(l *genome.Layout, i int) float64 {
	_, start, end := l.Locate(i)
	par, _ := l.Build.PARs()
	var in int
	for _, p := range par {
		in += max(0, min(end, p.End)-max(start, p.Start))
	}
	return float64(in) / float64(end-start)
}
