package simulate

import (
	"math"

	"github.com/nipt/nipt/internal/genome"
)

// expectation holds one sample's expected number of original (non-duplicate)
// fragments per bin, by origin, before the per-bin overdispersion draw.
type expectation struct {
	muM, muF []float64 // maternal (incl. mismapped chrY background) and fetal
	extra    []float64 // per extra contig (chrM, unplaced), maternal
	unmapped float64
	gcSlope  float64
	gcCurv   float64
	// size is the sample's fragment-size variation (run + sample terms).
	size sizeDraw
}

// dosage returns the per-bin maternal and fetal copy numbers divided by 2
// (the fetal one averaged over the fetuses by their share of the fetal
// fraction). CNVs and PARs covering part of a bin count by the covered
// fraction.
func (ls *Landscape) dosage(s *Sample) (dm, df []float64) {
	l := ls.Layout
	n := l.NumBins()
	dm, df = make([]float64, n), make([]float64, n)
	fs := s.fetuses()
	for c := range genome.NumChroms {
		mBase := 2.0
		if c == genome.ChrY {
			mBase = 0
		}
		var fBase, fPAR float64
		for _, f := range fs {
			cn := 2.0
			switch {
			case c == genome.ChrX:
				cn = float64(f.nX)
			case c == genome.ChrY:
				cn = float64(f.nY)
			case c+1 == f.trisomy:
				cn = 2 + f.mosaic
			}
			fBase += f.share * cn
			fPAR += f.share * float64(f.nX+f.nY)
		}
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			dm[i], df[i] = mBase, fBase
			if c == genome.ChrX && ls.parX[i] > 0 {
				// X PARs also receive the reads of the Y PARs.
				df[i] += ls.parX[i] * (fPAR - fBase)
			}
		}
	}
	for _, cnv := range s.CNVs {
		d := -1.0
		if cnv.Gain {
			d = 1
		}
		switch cnv.Origin {
		case CNVTumour:
			// A tumour shedding a fraction t of all cfDNA moves the total
			// by t·d/2, which the maternal term (weight 1 − f) carries.
			ls.addInterval(dm, cnv, d*cnv.Fraction/(1-s.FF))
			continue
		case CNVFetal:
		default:
			ls.addInterval(dm, cnv, d)
		}
		if cnv.Origin != CNVMaternal {
			ls.addInterval(df, cnv, d*fs[0].share)
		}
	}
	for i := range dm {
		dm[i] = max(dm[i], 0) / 2
		df[i] = max(df[i], 0) / 2
	}
	return dm, df
}

// addInterval adds d times the covered fraction of each bin of the CNV.
func (ls *Landscape) addInterval(v []float64, c CNV, d float64) {
	l := ls.Layout
	end := min(c.End, l.Build.Lengths[c.Chrom])
	if c.Start >= end {
		return
	}
	for i := l.Bin(c.Chrom, c.Start); i >= 0 && i < l.Offset[c.Chrom+1]; i++ {
		_, s, e := l.Locate(i)
		if s >= end {
			break
		}
		v[i] += d * float64(min(e, end)-max(s, c.Start)) / float64(e-s)
	}
}

// expect computes the expected original fragments per bin for sample s.
// Originals are the reads minus duplicates: Reads·(1 − DupRate); of these a
// fraction goes unmapped, to chrM and to unplaced contigs, and the rest is
// spread over the bins in proportion to
//
//	maternal: (1 − f)·CN_m/2·T + background on chrY
//	fetal:    f·CN_f/2·P_f·T
//
// where T = callable length · exp(GC curve + library bias + batch profile)
// and P_f is the fetal preference profile.
func (ls *Landscape) expect(s *Sample, extraLens []int) *expectation {
	p := &ls.Params
	l := ls.Layout
	n := l.NumBins()
	r := newRand(s.Seed, streamSample)
	load, bSlope, bCurv, size := ls.batchEffect(s.Batch)
	e := &expectation{muM: make([]float64, n), muF: make([]float64, n)}
	e.gcSlope = bSlope + p.GC.SlopeSampleSD*r.NormFloat64()
	e.gcCurv = p.GC.CurvMean + bCurv + p.GC.CurvSampleSD*r.NormFloat64()
	size.drawTechnical(r, p, false)
	size.drawBiological(r, &p.SizeVariation)
	size.clip()
	e.size = size
	dm, df := ls.dosage(s)
	f := s.FF
	var total float64
	yLo, yHi := l.Offset[genome.ChrY], l.Offset[genome.ChrY+1]
	for i := range n {
		if ls.effLen[i] == 0 {
			continue
		}
		x := ls.gcx[i]
		logT := e.gcSlope*x + e.gcCurv*x*x + ls.library[i]
		for k, b := range ls.batch {
			logT += load[k] * b[i]
		}
		t := ls.effLen[i] * math.Exp(logT)
		m := (1 - f) * dm[i] * t
		if i >= yLo && i < yHi {
			m += 0.5 * p.YBackground * ls.yWeight[i] * t
		}
		fe := f * df[i] * ls.fetal[i] * t
		e.muM[i], e.muF[i] = m, fe
		total += m + fe
	}
	orig := float64(s.Reads) * (1 - p.DupRate)
	e.unmapped = orig * p.UnmappedRate
	genomeShare := 1 - p.UnmappedRate
	if len(extraLens) > 0 {
		genomeShare -= p.ChrMRate
	}
	if len(extraLens) > 1 {
		genomeShare -= p.UnplacedRate
	}
	scale := 0.0
	if total > 0 {
		scale = orig * genomeShare / total
	}
	for i := range n {
		e.muM[i] *= scale
		e.muF[i] *= scale
	}
	// Extra contigs: chrM first, then unplaced contigs by length.
	e.extra = make([]float64, len(extraLens))
	if len(extraLens) > 0 {
		e.extra[0] = orig * p.ChrMRate
		sum := 0
		for _, x := range extraLens[1:] {
			sum += x
		}
		for j, x := range extraLens[1:] {
			if sum > 0 {
				e.extra[j+1] = orig * p.UnplacedRate * float64(x) / float64(sum)
			}
		}
	}
	return e
}
