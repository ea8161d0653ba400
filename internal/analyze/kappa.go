package analyze

import (
	"math"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/stats"
)

// ownKappaSizes are the window lengths (usable bins) at which a sample's
// own segment noise is measured.
var ownKappaSizes = []int{8, 16, 32, 64, 128}

// ownKappa returns the sample's segment-noise inflation: the reference's
// κ(n) times η(n) = max(1, robust SD of the z-scores of non-overlapping
// blocks of n usable bins over in.Chroms), the excess of this sample's own
// noise at the scale of n bins over what the reference predicts. The
// robust SD (1.4826·MAD about the median) ignores the few blocks a real
// change moves. Between the measured sizes η is interpolated in log n and
// held constant beyond them.
func ownKappa(in call.SegmentInput) (func(int) float64, []float64) {
	l := in.Layout
	kappa := in.Kappa
	if kappa == nil {
		kappa = func(int) float64 { return 1 }
	}
	eta := make([]float64, len(ownKappaSizes))
	for k, n := range ownKappaSizes {
		var zs []float64
		for _, c := range in.Chroms {
			var sw, swx float64
			cnt := 0
			for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
				sd := in.SD[j]
				if !(sd > 0) || math.IsNaN(in.X[j]) {
					continue
				}
				w := 1 / (sd * sd)
				sw += w
				swx += w * in.X[j]
				cnt++
				if cnt == n {
					zs = append(zs, swx/math.Sqrt(sw)/kappa(n))
					sw, swx, cnt = 0, 0, 0
				}
			}
		}
		eta[k] = 1
		if len(zs) >= 20 {
			med := stats.Median(zs)
			dev := make([]float64, len(zs))
			for i, z := range zs {
				dev[i] = math.Abs(z - med)
			}
			eta[k] = math.Max(1, 1.4826*stats.Median(dev))
		}
	}
	f := func(n int) float64 {
		e := eta[len(eta)-1]
		switch {
		case n <= ownKappaSizes[0]:
			e = eta[0]
		case n < ownKappaSizes[len(ownKappaSizes)-1]:
			for k := 1; k < len(ownKappaSizes); k++ {
				if n <= ownKappaSizes[k] {
					a, b := float64(ownKappaSizes[k-1]), float64(ownKappaSizes[k])
					t := (math.Log(float64(n)) - math.Log(a)) / (math.Log(b) - math.Log(a))
					e = eta[k-1] + t*(eta[k]-eta[k-1])
					break
				}
			}
		}
		return kappa(n) * e
	}
	return f, eta
}
