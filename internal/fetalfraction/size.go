package fetalfraction

import "math"

// Size classes of the fragment-size profile: 10 bp wide from 60 to 260 bp,
// plus everything shorter and everything longer. 10 bp is the helical
// repeat of DNA, the period of the cfDNA size ladder below the 166-bp
// chromatosome peak (Lo et al. 2010, Sci Transl Med 2:61ra91; Jiang & Lo
// 2016, Trends Genet 32:360), where fetal and maternal fragments differ
// most; beyond 260 bp lie the few di-nucleosomal fragments.
const (
	SizeClassMin   = 60
	SizeClassMax   = 260
	SizeClassWidth = 10
)

// NumSizeClasses is the length of a size profile.
const NumSizeClasses = (SizeClassMax-SizeClassMin)/SizeClassWidth + 2

// SizeProfile turns a fragment-length histogram (hist[i] = fragments of i
// bp) into the features of the size-profile fetal-fraction model: the
// square root of each size class's share of the fragments. The square root
// stabilises the multinomial sampling variance (Var √p̂ ≈ 1/(4N) whatever
// p, the Anscombe/Hellinger transform), so every class enters the ridge
// penalty on the same noise scale, as the whitened bins of the bin profile
// do. It returns nil for an empty histogram (single-end data).
func SizeProfile(hist []int64) []float64 {
	var tot float64
	out := make([]float64, NumSizeClasses)
	for i, n := range hist {
		if n <= 0 {
			continue
		}
		k := 0
		switch {
		case i < SizeClassMin:
		case i >= SizeClassMax:
			k = NumSizeClasses - 1
		default:
			k = 1 + (i-SizeClassMin)/SizeClassWidth
		}
		out[k] += float64(n)
		tot += float64(n)
	}
	if !(tot > 0) {
		return nil
	}
	for k := range out {
		out[k] = math.Sqrt(out[k] / tot)
	}
	return out
}

// CoarseSizeProfile merges a size profile's neighbouring 10-bp classes in
// pairs (20-bp classes; the two tail classes kept): fewer features for
// small training sets, chosen by cross-validation when they predict better.
func CoarseSizeProfile(p []float64) []float64 {
	if len(p) != NumSizeClasses {
		return nil
	}
	out := []float64{p[0]}
	for k := 1; k < NumSizeClasses-1; k += 2 {
		// shares add; features are square roots of shares
		out = append(out, math.Sqrt(p[k]*p[k]+p[k+1]*p[k+1]))
	}
	return append(out, p[NumSizeClasses-1])
}
