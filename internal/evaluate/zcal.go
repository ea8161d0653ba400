package evaluate

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/nipt/nipt/internal/stats"
)

// ZCalibration is the distribution of one chromosome's z-score over the
// test samples that carry no change of it: the null the calls' thresholds
// assume is a standard normal. A laboratory validating a reference checks
// it here: an SD well above 1, or more large |z| than expected, means the
// reference understates that chromosome's noise (false positives), an SD
// well below 1 that it overstates it (lost sensitivity).
type ZCalibration struct {
	// Chrom is the autosome number, 0 for the pool of every scored one.
	Chrom int   `json:"chrom"`
	N     int   `json:"n"`
	Mean  Float `json:"mean"`
	SD    Float `json:"sd"`
	// SDLow and SDHigh are the SD's 95% interval for normal data, from the
	// χ² distribution with N − 1 degrees of freedom.
	SDLow  Float `json:"sd_low"`
	SDHigh Float `json:"sd_high"`
	// Over3 counts |z| > 3 and Expected3 what a standard normal gives
	// (0.27% of N).
	Over3     int   `json:"over3"`
	Expected3 Float `json:"expected3"`
	MaxAbs    Float `json:"max_abs"`
}

// evaluateZCalibration scores every z<N> autosome of the summary over the
// test samples with a result whose truth has no trisomy (full or mosaic) and
// no CNV on that chromosome, and no twin pregnancy; the last row pools them.
func evaluateZCalibration(js []*joined, sum *Summary) []ZCalibration {
	out := []ZCalibration{}
	chroms := append([]int(nil), sum.ZChroms...)
	sort.Ints(chroms)
	var pool []float64
	for _, c := range chroms {
		zs := unchangedZ(js, c)
		if len(zs) < 2 {
			continue
		}
		out = append(out, zCalibration(c, zs))
		pool = append(pool, zs...)
	}
	if len(out) > 1 {
		out = append(out, zCalibration(0, pool))
	}
	return out
}

// unchangedZ returns the z-scores of chromosome c of the samples with a
// result, no trisomy and no CNV of c, and a single fetus.
func unchangedZ(js []*joined, c int) []float64 {
	name := strconv.Itoa(c)
	var zs []float64
	for _, j := range js {
		if j.noResult() || j.t.Trisomy == c || j.t.Twins {
			continue
		}
		changed := false
		for _, v := range j.t.CNVs {
			if v.Chrom == name {
				changed = true
			}
		}
		if z, ok := j.c.Z[c]; ok && !changed && !math.IsNaN(z) && !math.IsInf(z, 0) {
			zs = append(zs, z)
		}
	}
	return zs
}

func zCalibration(chrom int, zs []float64) ZCalibration {
	n := len(zs)
	var m float64
	for _, z := range zs {
		m += z
	}
	m /= float64(n)
	var ss, mx float64
	over := 0
	for _, z := range zs {
		ss += (z - m) * (z - m)
		mx = math.Max(mx, math.Abs(z))
		if math.Abs(z) > 3 {
			over++
		}
	}
	sd := math.Sqrt(ss / float64(n-1))
	df := float64(n - 1)
	// (n−1)s²/σ² ~ χ²(n−1): σ lies in s·√(df/χ²_{0.975}) … s·√(df/χ²_{0.025}).
	lo := sd * math.Sqrt(df/stats.ChiSquareQuantile(0.975, df))
	hi := sd * math.Sqrt(df/stats.ChiSquareQuantile(0.025, df))
	return ZCalibration{Chrom: chrom, N: n, Mean: Float(m), SD: Float(sd), SDLow: Float(lo), SDHigh: Float(hi),
		Over3: over, Expected3: Float(float64(n) * 2 * stats.NormalSF(3)), MaxAbs: Float(mx)}
}

// writeZCalibration prints the z-score calibration table.
func (r *Report) writeZCalibration(ew *errWriter) {
	if len(r.ZCalibration) == 0 {
		return
	}
	ew.printf("\nz-score calibration (samples with no change of the chromosome; a standard normal has SD 1 and 0.27%% beyond ±3)\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "chrom\tn\tmean\tSD (95% CI)\t|z|>3 (expected)\tmax |z|\t")
	for _, c := range r.ZCalibration {
		name := "all"
		if c.Chrom > 0 {
			name = "chr" + strconv.Itoa(c.Chrom)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s (%s–%s)\t%d (%s)\t%s\t\n", name, c.N, num(c.Mean, 3), num(c.SD, 3), num(c.SDLow, 3), num(c.SDHigh, 3), c.Over3, num(c.Expected3, 1), num(c.MaxAbs, 2))
	}
	tw.Flush()
}
