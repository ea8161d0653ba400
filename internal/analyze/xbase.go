package analyze

import (
	"math"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
)

// xBaseline returns, per global bin, the log2 chrX level expected without a
// CNV for the sample's most probable sex-chromosome complement (n_X X and
// n_Y Y copies) at fetal fraction ff, against the female-fetus pregnancies
// of the reference: log2((1 − f) + f·n/2), with n = n_X outside the
// pseudoautosomal regions and n_X + n_Y inside them (PAR1/PAR2 reads of a
// Y copy align to chrX), a bin partly in a PAR taking the covered share.
// The second slice is the level's SE from the fetal fraction's,
// |∂level/∂f|·SE. Bins outside chrX get 0. ok is false when the complement
// or the fetal fraction is unknown.
func xBaseline(l *genome.Layout, sex call.SexResult, ff call.FFPrior) (base, se []float64, ok bool) {
	if sex.Posterior == nil || math.IsNaN(ff.Value) || !(ff.SE > 0) {
		return nil, nil, false
	}
	f := math.Min(math.Max(ff.Value, 0), call.MaxFF)
	nx, ny := float64(sex.Best.NX), float64(sex.Best.NY)
	par, _ := l.Build.PARs()
	base = make([]float64, l.NumBins())
	se = make([]float64, l.NumBins())
	for j := l.Offset[genome.ChrX]; j < l.Offset[genome.ChrX+1]; j++ {
		_, start, end := l.Locate(j)
		var inPAR int
		for _, p := range par {
			inPAR += max(0, min(end, p.End)-max(start, p.Start))
		}
		n := nx + ny*float64(inPAR)/float64(end-start)
		d := (1 - f) + f*n/2
		base[j] = math.Log2(d)
		se[j] = math.Abs(n/2-1) / (d * math.Ln2) * ff.SE
	}
	return base, se, true
}
