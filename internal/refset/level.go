package refset

import (
	"math"

	"github.com/nipt/nipt/internal/stats"
)

// levelClip: values further than this many robust SDs (1.4826·MAD) from
// the median are clipped to that distance before the mean is taken. Under
// normality a value beyond 5 SD occurs with probability 6e-7, so clipping
// changes the mean of a euploid sample by nothing measurable, while a
// handful of wild bins (an unmasked repeat, an empty bin) move it by at most
// 5 SD / n each.
const levelClip = 5

// level is the centre on which a sample's autosomal log ratios are
// levelled: the mean of the values, each clipped to median ± 5 robust SDs.
//
// Not the median: the log ratio of a bin with a few tens of reads is
// skewed to the left (a Poisson count's logarithm has skewness ≈ −1/√μ), so
// its median lies above its mean by about 1/(6μ) (ln units) — a gap that
// grows as the depth falls. Levelling on the median therefore shifted every
// chromosome's weighted mean dosage by −1/(6μ): −0.9% of dosage at μ ≈ 28
// reads per bin (0.8 M reads at 100 kb) against −0.2% in references at 4 M,
// a z of −1 to −2 on the large chromosomes of a shallow sample. The clipped
// mean has no such bias (the log ratios themselves are unbiased at any
// depth, normalize.ZeroReads) and is as robust as the chromosome
// statistics need: a trisomy raises it like it raises the median (its
// bins are left out in the second pass), and a 1 Mb maternal CNV moves it
// by 10 bins' worth out of ~28,000. keep (may be nil) selects the values.
func level(x []float64, keep func(a int) bool) float64 {
	v := make([]float64, 0, len(x))
	for a, e := range x {
		if (keep == nil || keep(a)) && !math.IsNaN(e) {
			v = append(v, e)
		}
	}
	med, mad := stats.MedianMAD(v)
	if math.IsNaN(med) {
		return 0
	}
	lim := levelClip * mad
	if !(lim > 0) {
		return med
	}
	var s float64
	for _, e := range v {
		s += math.Max(med-lim, math.Min(med+lim, e))
	}
	return s / float64(len(v))
}
