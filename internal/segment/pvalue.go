package segment

import (
	"math"
	"math/rand/v2"

	"github.com/nipt/nipt/internal/stats"
)

// siegmundNu is Siegmund's discreteness correction ν(x) for the overshoot of
// a Gaussian random walk, in the closed-form approximation of Siegmund &
// Yakir (2007, "The Statistics of Gene Mapping", Springer):
//
//	ν(x) ≈ (2/x)(Φ(x/2) - 1/2) / ((x/2)Φ(x/2) + φ(x/2)).
//
// ν(0) = 1 (continuous process) and ν(x) → 2/x² as x grows (independent
// points).
func siegmundNu(x float64) float64 {
	if x < 1e-8 {
		return 1 // ν(x) ≈ 1 - 0.583x: within 1e-8 of the limit, and avoids 0/0
	}
	h := x / 2
	return (2 / x) * (stats.NormalCDF(h) - 0.5) / (h*stats.NormalCDF(h) + stats.NormalPDF(h))
}

// approxPValue returns the approximate probability, for m independent
// standard normal points, that the largest |Z| over the arcs of length
// minSize … m-minSize exceeds b. It is Siegmund's (1988, Ann. Probab.
// 16:487) approximation for the maximum of a two-parameter Gaussian field,
// as proposed for CBS by Olshen et al. (2004) and Venkatraman & Olshen (2007):
//
//	P ≈ 2 · φ(b)/b · Σₖ (m-k) · [ b²/(2m·t(1-t)) · ν(b/√(m·t(1-t))) ]²,  t = k/m,
//
// which follows because Zᵢⱼ behaves, in each of its two coordinates, like a
// random walk with per-step variance 1/(m·t(1-t)) near a high maximum; the
// leading 2 covers both signs. The result is kept between the two-sided tail
// of a single arc (below) and the Bonferroni bound (number of arcs × that
// tail, above), which matter for small b and tiny m where the asymptotic
// formula fails.
func approxPValue(b float64, m, minSize int) float64 {
	return siegmundTail(b, m, minSize, 2)
}

// scanPValue is the one-parameter counterpart of approxPValue: the
// probability that the largest |Z| of a single change point over the cuts
// leaving minSize points on each side of m standard normal points exceeds b
// (James, James & Siegmund 1987, Biometrika 74:71):
//
//	P ≈ 2 · φ(b)/b · Σₖ b²/(2m·t(1-t)) · ν(b/√(m·t(1-t))),  t = k/m,
//
// with the same bounds as approxPValue.
func scanPValue(b float64, m, minSize int) float64 {
	return siegmundTail(b, m, minSize, 1)
}

// siegmundTail evaluates approxPValue (dim 2: arcs) or scanPValue (dim 1:
// single cuts).
func siegmundTail(b float64, m, minSize, dim int) float64 {
	if m < 2*minSize || math.IsNaN(b) {
		return 1
	}
	if math.IsInf(b, 1) {
		return 0
	}
	mf := float64(m)
	sum, count := 0.0, 0.0
	for k := minSize; k <= m-minSize; k++ {
		t := float64(k) / mf
		tt := mf * t * (1 - t)
		f := b * b / (2 * tt) * siegmundNu(b/math.Sqrt(tt))
		mult := 1.0 // one cut at k
		if dim == 2 {
			f *= f
			mult = mf - float64(k) // m-k arcs of length k
		}
		sum += mult * f
		count += mult
	}
	p := 2 * stats.NormalPDF(b) / b * sum
	// The approximation holds for large b only (it wrongly falls to 0 as
	// b → 0). The maximum exceeds b at least as often as any single
	// statistic does, so the two-sided tail of one Z bounds p from below;
	// the Bonferroni sum bounds it from above.
	single := 2 * stats.NormalSF(b)
	bonf := count * single
	return math.Min(1, math.Max(single, math.Min(p, bonf)))
}

// permPValue estimates by permutation the probability that the largest
// statistic of a random reordering of (x, w) reaches obsZ2 (squared, unit
// noise). It stops early, Besag & Clifford (1991, Biometrika 78:301)
// style, once the count of exceedances shows that the p-value cannot fall
// below alpha. p = (1 + exceedances)/(1 + permutations run).
func permPValue(x, w []float64, minSize int, obsZ2 float64, perms int, alpha float64, rng *rand.Rand, buf *buffers) float64 {
	m := len(x)
	px := buf.px[:m]
	copy(px, x)
	var pw []float64
	if w != nil {
		pw = buf.pw[:m]
		copy(pw, w)
	}
	stop := int(math.Ceil(alpha * float64(perms+1)))
	exceed := 0
	done := 0
	for done < perms {
		rng.Shuffle(m, func(i, j int) {
			px[i], px[j] = px[j], px[i]
			if pw != nil {
				pw[i], pw[j] = pw[j], pw[i]
			}
		})
		done++
		a := newArcSearch(px, pw, minSize, buf.p, buf.w)
		if c, ok := a.best(); ok && c.Z2 >= obsZ2 {
			exceed++
			if exceed >= stop {
				break
			}
		}
	}
	return float64(1+exceed) / float64(1+done)
}
