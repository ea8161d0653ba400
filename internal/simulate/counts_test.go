package simulate

import (
	"fmt"
	"math"
	"testing"

	"github.com/nipt/nipt/internal/genome"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// TestCountsAgreeWithModel compares counts-mode output with the model's
// expectation: chromosome totals, the per-bin dispersion (Poisson plus the
// documented extra CV), and the realised fetal fraction.
func TestCountsAgreeWithModel(t *testing.T) {
	ls := testLandscape(t, 100_000)
	l := ls.Layout
	for _, paired := range []bool{false, true} {
		s := sample(t, ls, Sample{FF: 0.12, FetalSex: Male, Paired: paired, Reads: 8_000_000}, 21)
		c := countsOf(t, ls, s)
		exp := expectedKept(ls, s)
		tot := c.ChromTotals()
		cv := ls.Params.Overdispersion // at 100 kb bins
		for ch := range genome.NumChroms {
			var e, e2 float64
			for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
				e += exp[i]
				e2 += exp[i] * exp[i]
			}
			// Var = Poisson + gamma: Σ μ + cv² Σ μ².
			sd := math.Sqrt(e + cv*cv*e2)
			if math.Abs(float64(tot[ch])-e) > 5*sd {
				t.Errorf("paired=%v %s: %d reads, expected %.0f ± %.0f", paired, genome.ChromName(ch), tot[ch], e, sd)
			}
		}
		// Dispersion index over autosomal bins with ≥ 100 expected reads:
		// E[(n − μ)²/μ] = 1 + cv²μ (cv² plus the blacklist's sample CV² in
		// blacklisted bins); its estimate over B bins has SD about
		// √(2/B)·(1 + cv²μ).
		for _, bl := range []bool{false, true} {
			v := cv * cv
			if bl {
				v += ls.Params.Blacklist.SampleCV * ls.Params.Blacklist.SampleCV
			}
			var d, want float64
			bins := 0
			for i := 0; i < l.Offset[genome.ChrX]; i++ {
				if exp[i] < 100 || ls.Ann.Blacklist[i] != bl {
					continue
				}
				r := float64(c.Reads[i]) - exp[i]
				d += r * r / exp[i]
				want += 1 + v*exp[i]
				bins++
			}
			d, want = d/float64(bins), want/float64(bins)
			if bins < 50 || math.Abs(d-want) > 5*math.Sqrt(2/float64(bins))*want {
				t.Errorf("paired=%v blacklisted=%v: dispersion index %.3f over %d bins, want %.3f", paired, bl, d, bins, want)
			}
			t.Logf("paired=%v blacklisted=%v: dispersion index at 100 kb %.3f over %d bins (Poisson 1, model %.3f)", paired, bl, d, bins, want)
		}
		if paired {
			var short uint64
			for i := range c.Short {
				short += uint64(c.Short[i])
			}
			// Expected short share: FF-weighted mix of the two length models.
			pl := newPlanner(&ls.Params, true, ls.expect(s, nil).size)
			ps := (1-s.FF)*pl.lens[0].pShort + s.FF*pl.lens[1].pShort
			got := float64(short) / float64(c.Header.QC.Kept)
			if math.Abs(got-ps) > 0.01 {
				t.Errorf("short share %.4f, expected %.4f", got, ps)
			}
		}
	}
}

// TestRealisedFetalFraction: the fetal share of kept autosomal reads equals
// the requested FF up to binomial error and the fetal-profile weighting.
func TestRealisedFetalFraction(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	for _, f := range []float64{0.03, 0.1, 0.25} {
		s := sample(t, ls, Sample{FF: f, Paired: true, Reads: 4_000_000}, 2)
		_, r, err := ls.Counts(t.Context(), s, "", "")
		if err != nil {
			t.Fatal(err)
		}
		// Binomial SD √(f(1−f)/n) plus 0.003·f for the fetal profile's
		// residual correlation with GC and mappability weights.
		tol := 5*math.Sqrt(f*(1-f)/float64(r.Kept)) + 0.003*f
		if math.Abs(r.FetalFracKept-f) > tol {
			t.Errorf("ff %.2f: realised %.4f (tolerance %.4f)", f, r.FetalFracKept, tol)
		}
	}
}

// logRatioFit regresses log(a/b) over bins on GC terms x and x² and returns
// the coefficients (intercept, slope, curvature) and the residuals.
func logRatioFit(ls *Landscape, a, b []float64, minExp float64) (beta []float64, res []float64, idx []int) {
	l := ls.Layout
	var ys []float64
	var xs []float64
	for i := 0; i < l.Offset[genome.ChrX]; i++ {
		if a[i] < minExp || b[i] < minExp {
			continue
		}
		x := ls.gcx[i]
		ys = append(ys, math.Log(a[i]/b[i]))
		xs = append(xs, 1, x, x*x)
		idx = append(idx, i)
	}
	X := mat.NewDense(len(ys), 3, xs)
	y := mat.NewVecDense(len(ys), ys)
	var qr mat.QR
	qr.Factorize(X)
	var bv mat.VecDense
	qr.SolveVecTo(&bv, false, y)
	beta = []float64{bv.AtVec(0), bv.AtVec(1), bv.AtVec(2)}
	res = make([]float64, len(ys))
	for k := range ys {
		x := xs[3*k+1]
		res[k] = ys[k] - beta[0] - beta[1]*x - beta[2]*x*x
	}
	return beta, res, idx
}

// TestGCBias: each sample's counts follow its own GC curve. Regressing
// log(counts_A / counts_B) on GC recovers the difference of the two samples'
// slope and curvature; the curves vary by tens of percent across the GC
// range between samples.
func TestGCBias(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	sa := sample(t, ls, Sample{FF: 0.1, Reads: 10_000_000}, 31)
	sb := sample(t, ls, Sample{FF: 0.1, Reads: 10_000_000}, 32)
	ca, cb := countsOf(t, ls, sa), countsOf(t, ls, sb)
	fa, fb := make([]float64, len(ca.Reads)), make([]float64, len(cb.Reads))
	for i := range fa {
		fa[i], fb[i] = float64(ca.Reads[i]), float64(cb.Reads[i])
	}
	beta, _, idx := logRatioFit(ls, fa, fb, 200)
	ea, eb := ls.expect(sa, nil), ls.expect(sb, nil)
	// Per-bin log-ratio noise ≈ √(2/300 + 2cv²) ≈ 0.09; over ~20,000 bins
	// with SD(x) ≈ 0.5 the slope's SE is ≈ 0.0015: 0.01 is > 5 SE.
	if d := ea.gcSlope - eb.gcSlope; math.Abs(beta[1]-d) > 0.01 {
		t.Errorf("GC slope difference %.4f, fitted %.4f over %d bins", d, beta[1], len(idx))
	}
	if d := ea.gcCurv - eb.gcCurv; math.Abs(beta[2]-d) > 0.01 {
		t.Errorf("GC curvature difference %.4f, fitted %.4f", d, beta[2])
	}
	// Amplitude over 300 samples: the density ratio between GC 0.35 and
	// 0.55 (x = −0.6 and 1.4) has a log-SD of 2·√(0.12² + 0.12²) ≈ 0.34 by
	// design; the estimate's relative SE is 1/√(2·300) ≈ 4 %.
	var lr []float64
	for k := range 300 {
		e := ls.expect(sample(t, ls, Sample{Batch: "run" + string(rune('A'+k%5))}, uint64(1000+k)), nil)
		lr = append(lr, e.gcSlope*(-2)+e.gcCurv*(0.36-1.96))
	}
	sd := stat.StdDev(lr, nil)
	want := 2 * math.Hypot(ls.Params.GC.SlopeBatchSD, ls.Params.GC.SlopeSampleSD)
	// The curvature terms add √((1.6·0.03)²·2) ≈ 0.07 in quadrature.
	want = math.Hypot(want, 1.6*math.Hypot(ls.Params.GC.CurvBatchSD, ls.Params.GC.CurvSampleSD))
	if math.Abs(sd-want) > 0.2*want {
		t.Errorf("log density ratio GC 0.35 vs 0.55: SD %.3f over samples, want %.3f", sd, want)
	}
}

// TestBatchAndLibraryEffects: after removing GC, two samples of one run
// share their deviation from another run (batch profiles), and all samples
// share the library bias.
func TestBatchAndLibraryEffects(t *testing.T) {
	ls := testLandscape(t, 100_000)
	mu := func(batch string, seed uint64) []float64 {
		e := ls.expect(sample(t, ls, Sample{FF: 0.1, Batch: batch}, seed), nil)
		v := make([]float64, len(e.muM))
		for i := range v {
			v[i] = e.muM[i] + e.muF[i]
		}
		return v
	}
	a1, a2 := mu("runA", 1), mu("runA", 2)
	b1, b2 := mu("runB", 3), mu("runB", 4)
	_, r1, _ := logRatioFit(ls, a1, b1, 1e-9)
	_, r2, _ := logRatioFit(ls, a2, b2, 1e-9)
	if c := stat.Correlation(r1, r2, nil); c < 0.9 {
		t.Errorf("runA − runB deviations of two sample pairs correlate %.3f, want > 0.9 (shared batch profiles)", c)
	}
	_, r3, _ := logRatioFit(ls, a1, a2, 1e-9)
	if sd := stat.StdDev(r3, nil); sd > 1e-9 {
		t.Errorf("two samples of one run differ beyond GC by SD %.3g", sd)
	}
	sdBatch := stat.StdDev(r1, nil)
	// Two independent runs: log difference SD ≈ √2·LoadingSD·√Rank ≈ 0.049.
	want := math.Sqrt2 * ls.Params.Batch.LoadingSD * math.Sqrt(float64(ls.Params.Batch.Rank))
	if sdBatch < want/3 || sdBatch > want*3 {
		t.Errorf("batch effect SD %.4f, design %.4f", sdBatch, want)
	}
	lib := make([]float64, 0)
	var excess, nbl float64
	for i := 0; i < ls.Layout.Offset[genome.ChrX]; i++ {
		switch {
		case ls.effLen[i] == 0:
		case ls.Ann.Blacklist[i]:
			excess += ls.library[i]
			nbl++
		default:
			lib = append(lib, ls.library[i])
		}
	}
	// Blacklisted bins carry a positive excess: E|z|·SharedSD ≈ 0.4 on
	// the log scale, far above the ±0.06 of the other bins.
	if nbl == 0 || excess/nbl < 0.5*0.8*ls.Params.Blacklist.SharedSD {
		t.Errorf("blacklisted bins: mean log library bias %.3f over %.0f bins", excess/nbl, nbl)
	}
	// Library bias: smooth SD 0.04 plus 0.04 noise at 100 kb: total 0.057.
	want = math.Hypot(ls.Params.Library.SmoothSD, ls.Params.Library.NoiseSD)
	if sd := stat.StdDev(lib, nil); math.Abs(sd-want) > 0.15*want {
		t.Errorf("library bias SD %.4f, want %.4f", sd, want)
	}
}

// TestFetalProfile: the fetal preference profile is sample-independent, has
// the documented SD and mean 1, and only fetal reads carry it.
func TestFetalProfile(t *testing.T) {
	ls := testLandscape(t, 100_000)
	var v []float64
	var w []float64
	for i := 0; i < ls.Layout.Offset[genome.ChrX]; i++ {
		if ls.effLen[i] > 0 {
			v = append(v, math.Log(ls.fetal[i]))
			w = append(w, ls.effLen[i])
		}
	}
	// The AR(1) field's SD over the genome is the design SD up to the
	// effective number of independent stretches (≈ 3 Gb / 0.5 Mb = 6000):
	// relative SE ≈ 1/√(2·6000) ≈ 1 %; 10 % tolerance.
	if sd := stat.StdDev(v, w); math.Abs(sd-ls.Params.FetalProfile.SmoothSD) > 0.1*ls.Params.FetalProfile.SmoothSD {
		t.Errorf("fetal profile log-SD %.4f, want %.4f", sd, ls.Params.FetalProfile.SmoothSD)
	}
	var num, den float64
	for i := 0; i < ls.Layout.Offset[genome.ChrX]; i++ {
		num += ls.effLen[i] * ls.fetal[i]
		den += ls.effLen[i]
	}
	if math.Abs(num/den-1) > 1e-9 {
		t.Errorf("fetal profile mean %v, want 1", num/den)
	}
	s := sample(t, ls, Sample{FF: 0.2}, 4)
	e := ls.expect(s, nil)
	_, df := ls.dosage(s)
	for _, i := range []int{100, 5000, 20000} {
		// fetal/maternal per-bin ratio ∝ fetal profile (diploid bins).
		if df[i] != 1 || e.muM[i] == 0 {
			continue
		}
		got := e.muF[i] / e.muM[i] / (0.2 / 0.8)
		if math.Abs(got-ls.fetal[i]) > 1e-9 {
			t.Errorf("bin %d: fetal/maternal ratio %.4f, profile %.4f", i, got, ls.fetal[i])
		}
	}
}

// TestFemaleChrYBackground: female pregnancies have a small chrY count from
// mismapping, concentrated in low-mappability bins; male ones far more.
func TestFemaleChrYBackground(t *testing.T) {
	ls := testLandscape(t, 100_000)
	l := ls.Layout
	fem := countsOf(t, ls, sample(t, ls, Sample{FF: 0.1, Reads: 10_000_000}, 8))
	mal := countsOf(t, ls, sample(t, ls, Sample{FF: 0.1, FetalSex: Male, Reads: 10_000_000}, 8))
	fy, my := fem.ChromTotals()[genome.ChrY], mal.ChromTotals()[genome.ChrY]
	if fy == 0 || float64(fy) > 0.15*float64(my) {
		t.Errorf("chrY reads: female %d, male %d (want a small non-zero background)", fy, my)
	}
	var fm, mm float64
	for i := l.Offset[genome.ChrY]; i < l.Offset[genome.ChrY+1]; i++ {
		fm += float64(fem.Reads[i]) * ls.mapp[i]
		mm += float64(mal.Reads[i]) * ls.mapp[i]
	}
	if fm/float64(fy) >= mm/float64(my) {
		t.Errorf("female chrY reads sit in bins of mean mappability %.3f, male %.3f: background should favour low mappability", fm/float64(fy), mm/float64(my))
	}
	t.Logf("chrY kept reads at 10 M: female %d, male (FF 10%%) %d", fy, my)
}

// TestBatchChromosomeShift: averaged over a chromosome, run effects must
// stay below the counting noise of a 4 M-read sample (chr21: 0.5 %), as
// run-to-run variation surviving GC correction does in real data. The SD of
// the chr21 share shift over 200 runs is 0.20 % by design (relative SE of
// the estimate 5 %); the bounds leave room for it and fail for a model
// whose chromosome-level batch effect reaches the counting noise.
func TestBatchChromosomeShift(t *testing.T) {
	ls := testLandscape(t, 100_000)
	l := ls.Layout
	var d21 []float64
	for k := range 200 {
		load, _, _, _ := ls.batchEffect(fmt.Sprintf("run%d", k))
		var tot, c21, n, n21 float64
		for i := 0; i < l.Offset[genome.ChrX]; i++ {
			if ls.effLen[i] == 0 {
				continue
			}
			x := 0.0
			for j, b := range ls.batch {
				x += load[j] * b[i]
			}
			tot += math.Exp(x)
			n++
			if i >= l.Offset[20] && i < l.Offset[21] {
				c21 += math.Exp(x)
				n21++
			}
		}
		d21 = append(d21, c21/n21/(tot/n)-1)
	}
	if sd := stat.StdDev(d21, nil); sd < 0.001 || sd > 0.0035 {
		t.Errorf("chr21 share shift between runs: SD %.4f, want 0.1–0.35 %%", sd)
	}
}
