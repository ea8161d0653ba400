package simulate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

func TestPoissonGammaMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 200_000
	for _, lambda := range []float64{0.3, 3, 11.9, 12, 40, 800} {
		var s, s2 float64
		for range n {
			k := float64(poisson(r, lambda))
			s += k
			s2 += k * k
		}
		mean := s / n
		v := s2/n - mean*mean
		// The sample mean has SD √(λ/n); the sample variance about
		// λ·√(2/n) (plus a kurtosis term 1/√(nλ), small here).
		if math.Abs(mean-lambda) > 5*math.Sqrt(lambda/n) || math.Abs(v-lambda) > 5*lambda*math.Sqrt(2.0/n+1/(n*lambda)) {
			t.Errorf("poisson(%v): mean %.4f variance %.4f", lambda, mean, v)
		}
	}
	for _, shape := range []float64{0.5, 2, 111} {
		var s, s2 float64
		for range n {
			g := gammaMean1(r, shape)
			s += g
			s2 += g * g
		}
		mean := s / n
		v := s2/n - mean*mean
		want := 1 / shape
		// SD of the mean √(1/(shape·n)); of the variance ≈ want·√((2+6/shape)/n).
		if math.Abs(mean-1) > 5*math.Sqrt(want/n) || math.Abs(v-want) > 5*want*math.Sqrt((2+6/shape)/n) {
			t.Errorf("gamma(shape %v): mean %.4f variance %.5f, want 1 and %.5f", shape, mean, v, want)
		}
	}
	if poisson(r, 0) != 0 || poisson(r, math.NaN()) != 0 || gammaMean1(r, math.Inf(1)) != 1 {
		t.Error("degenerate parameters")
	}
}

func TestFragmentModels(t *testing.T) {
	for _, tc := range []struct {
		name           string
		m              FragmentModel
		mode           int
		shortLo, short float64
	}{
		// Maternal mode 166 bp (Lo et al. 2010), fetal 143 bp; fetal DNA is
		// enriched about 2–3-fold among fragments < 150 bp (Yu et al. 2014).
		{"maternal", MaternalFragments, 166, 0.10, 0.22},
		{"fetal", FetalFragments, 143, 0.33, 0.50},
	} {
		p := tc.m.PMF()
		mode, ps := 0, 0.0
		for i, v := range p {
			if v > p[mode] {
				mode = i
			}
			if minFragment+i < 150 {
				ps += v
			}
		}
		if minFragment+mode != tc.mode {
			t.Errorf("%s mode %d, want %d", tc.name, minFragment+mode, tc.mode)
		}
		if ps < tc.shortLo || ps > tc.short {
			t.Errorf("%s: P(< 150 bp) = %.3f, want %.2f–%.2f", tc.name, ps, tc.shortLo, tc.short)
		}
		// 10-bp periodicity below 143 bp: peaks at 143 − 10.4k exceed the
		// mean of the troughs half a period away on either side.
		for k := 1; k <= 5; k++ {
			peak := int(math.Round(143-10.4*float64(k))) - minFragment
			if p[peak] <= (p[peak-5]+p[peak+5])/2 {
				t.Errorf("%s: no periodicity at %d bp", tc.name, peak+minFragment)
			}
		}
		s := newLengthSampler(p, 150)
		if math.Abs(s.pShort-ps) > 1e-12 {
			t.Errorf("%s: sampler P(short) %v, pmf %v", tc.name, s.pShort, ps)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for range 10000 {
			if l := s.draw(r, 1, 1000); l >= 150 || l < minFragment {
				t.Fatalf("short draw %d", l)
			}
			if l := s.draw(r, 2, 1000); l < 150 {
				t.Fatalf("long draw %d", l)
			}
			if l := s.draw(r, 0, 160); l > 160 {
				t.Fatalf("draw above the limit: %d", l)
			}
		}
	}
}

// TestDosage checks copy numbers per bin for karyotypes and CNVs.
func TestDosage(t *testing.T) {
	ls := testLandscape(t, 100_000)
	l := ls.Layout
	at := func(c, pos int) int { return l.Bin(c, pos) }
	cnvs := []CNV{
		{Chrom: 4, Start: 20_000_000, End: 30_000_000, Gain: false, Origin: CNVFetal},
		{Chrom: 6, Start: 50_000_000, End: 52_000_000, Gain: true, Origin: CNVMaternal},
		{Chrom: 1, Start: 10_050_000, End: 11_000_000, Gain: true, Origin: CNVMaternalInherited},
	}
	for _, tc := range []struct {
		name   string
		s      Sample
		c, pos int
		dm, df float64
	}{
		{"female X", Sample{}, genome.ChrX, 50e6, 1, 1},
		{"male X", Sample{FetalSex: Male}, genome.ChrX, 50e6, 1, 0.5},
		{"male Y", Sample{FetalSex: Male}, genome.ChrY, 15e6, 0, 0.5},
		{"male X PAR1", Sample{FetalSex: Male}, genome.ChrX, 1e6, 1, 1},
		{"female Y", Sample{}, genome.ChrY, 15e6, 0, 0},
		{"T21", Sample{Trisomy: 21}, 20, 30e6, 1, 1.5},
		{"T21 other chromosome", Sample{Trisomy: 21}, 19, 30e6, 1, 1},
		{"mosaic T18", Sample{Trisomy: 18, Mosaic: 0.4}, 17, 30e6, 1, 1.2},
		{"45,X", Sample{SCA: "45,X"}, genome.ChrX, 50e6, 1, 0.5},
		{"47,XXY Y", Sample{SCA: "47,XXY"}, genome.ChrY, 15e6, 0, 0.5},
		{"47,XXY X", Sample{SCA: "47,XXY"}, genome.ChrX, 50e6, 1, 1},
		{"47,XXX", Sample{SCA: "47,XXX"}, genome.ChrX, 50e6, 1, 1.5},
		{"47,XYY", Sample{SCA: "47,XYY"}, genome.ChrY, 15e6, 0, 1},
		{"fetal loss", Sample{CNVs: cnvs}, 4, 25e6, 1, 0.5},
		{"maternal gain", Sample{CNVs: cnvs}, 6, 51e6, 1.5, 1},
		{"inherited gain, half bin", Sample{CNVs: cnvs}, 1, 10_000_000, 1.25, 1.25},
		{"inherited gain", Sample{CNVs: cnvs}, 1, 10_500_000, 1.5, 1.5},
		// A tumour shedding 10% of the cfDNA at FF 20%: the total moves by
		// +5% = 0.8·(1.0625 − 1), the fetus is untouched.
		{"tumour gain", Sample{FF: 0.2, CNVs: []CNV{{Chrom: 7, Start: 10_000_000, End: 20_000_000, Gain: true, Origin: CNVTumour, Fraction: 0.1}}}, 7, 15e6, 1.0625, 1},
		{"tumour loss", Sample{FF: 0.2, CNVs: []CNV{{Chrom: 7, Start: 10_000_000, End: 20_000_000, Origin: CNVTumour, Fraction: 0.1}}}, 7, 15e6, 0.9375, 1},
		{"twins, T21 in one", Sample{Twins: true, Trisomy: 21, Twin2Share: 0.5, shareSet: true}, 20, 30e6, 1, 1.25},
		{"twins, boy and girl", Sample{Twins: true, Twin2Sex: Male, Twin2Share: 0.4, shareSet: true}, genome.ChrY, 15e6, 0, 0.2},
	} {
		s := sample(t, ls, tc.s, 1)
		dm, df := ls.dosage(s)
		i := at(tc.c, tc.pos)
		if math.Abs(dm[i]-tc.dm) > 1e-9 || math.Abs(df[i]-tc.df) > 1e-9 {
			t.Errorf("%s: maternal %.3f fetal %.3f, want %.3f %.3f", tc.name, dm[i], df[i], tc.dm, tc.df)
		}
	}
}

// expectedKept is the model's expected number of kept reads per bin.
func expectedKept(ls *Landscape, s *Sample) []float64 {
	var lens []int
	for _, x := range extraContigs(ls.Layout.Build) {
		lens = append(lens, x.Len)
	}
	e := ls.expect(s, lens)
	pl := newPlanner(&ls.Params, s.Paired, e.size)
	out := make([]float64, len(e.muM))
	for i := range out {
		out[i] = (e.muM[i] + e.muF[i]) * pl.passProb(ls.mapp[i]) * (1 - ls.Params.QCFailRate)
	}
	return out
}

func chromShares(v []float64, l *genome.Layout) [genome.NumChroms]float64 {
	var s [genome.NumChroms]float64
	tot := 0.0
	for c := range genome.NumChroms {
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			s[c] += v[i]
		}
		tot += s[c]
	}
	for c := range s {
		s[c] /= tot
	}
	return s
}

// TestModelShares checks that the expected chromosome shares move as the
// biology says: a trisomy at fetal fraction f raises its chromosome's share
// by the factor (1 + f/2)/(1 + f/2·p) (p its euploid share), SCAs change chrX
// and chrY by the fetal copy number, a fetal deletion lowers its region by
// f/2, a maternal duplication raises it by (1 − f)/2.
func TestModelShares(t *testing.T) {
	ls := testLandscape(t, 100_000)
	l := ls.Layout
	const f = 0.1
	base := chromShares(expectedKept(ls, sample(t, ls, Sample{FF: f}, 3)), l)
	for _, tc := range []struct {
		name   string
		s      Sample
		chrom  int
		factor float64
	}{
		{"T21", Sample{FF: f, Trisomy: 21}, 20, (1 + f/2) / (1 + f/2*base[20])},
		{"T13", Sample{FF: f, Trisomy: 13}, 12, (1 + f/2) / (1 + f/2*base[12])},
		{"mosaic T16", Sample{FF: f, Trisomy: 16, Mosaic: 0.5}, 15, (1 + f/4) / (1 + f/4*base[15])},
		{"45,X", Sample{FF: f, SCA: "45,X"}, genome.ChrX, (1 - f/2) / (1 - f/2*base[genome.ChrX])},
		{"47,XXX", Sample{FF: f, SCA: "47,XXX"}, genome.ChrX, (1 + f/2) / (1 + f/2*base[genome.ChrX])},
	} {
		got := chromShares(expectedKept(ls, sample(t, ls, tc.s, 3)), l)[tc.chrom] / base[tc.chrom]
		// Tolerance: the fetal preference profile makes the chromosome's
		// fetal share differ from f by its chromosome-wide mean (SD 5 % at
		// 100 kb, correlated over 500 kb: a few tenths of a percent).
		if math.Abs(got-tc.factor) > 0.1*math.Abs(tc.factor-1)+0.002 {
			t.Errorf("%s: share ratio %.4f, want %.4f", tc.name, got, tc.factor)
		}
	}
	// Regions.
	region := func(s *Sample, c, lo, hi int) float64 {
		v := expectedKept(ls, s)
		tot, in := 0.0, 0.0
		for i, x := range v {
			tot += x
			ch, st, _ := l.Locate(i)
			if ch == c && st >= lo && st < hi {
				in += x
			}
		}
		return in / tot
	}
	eu := sample(t, ls, Sample{FF: f}, 3)
	for _, tc := range []struct {
		name string
		cnv  string
		want float64
	}{
		{"fetal loss", "chr5:20000000-30000000:loss:fetal", 1 - f/2},
		{"fetal gain", "chr5:20000000-30000000:gain:fetal", 1 + f/2},
		{"maternal gain", "chr5:20000000-30000000:gain:maternal", 1 + (1-f)/2},
		{"inherited loss", "chr5:20000000-30000000:loss:maternal_inherited", 0.5},
	} {
		c, _ := ParseCNV(tc.cnv)
		s := sample(t, ls, Sample{FF: f, CNVs: []CNV{c}}, 3)
		got := region(s, 4, 20_000_000, 30_000_000) / region(eu, 4, 20_000_000, 30_000_000)
		if math.Abs(got-tc.want) > 0.1*math.Abs(tc.want-1)+0.002 {
			t.Errorf("%s: region ratio %.4f, want ≈ %.4f", tc.name, got, tc.want)
		}
	}
	// Male fetus: chrY share ≈ f/2 × the chrY share of an adult male.
	male := chromShares(expectedKept(ls, sample(t, ls, Sample{FF: f, FetalSex: Male}, 3)), l)
	if male[genome.ChrY] < 5*base[genome.ChrY] {
		t.Errorf("chrY share male %.2e vs female background %.2e", male[genome.ChrY], base[genome.ChrY])
	}
	if base[genome.ChrY] == 0 {
		t.Error("no female chrY background")
	}
}
