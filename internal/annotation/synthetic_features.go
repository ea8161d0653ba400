package annotation

import (
	"math/rand/v2"
	"sort"

	"github.com/nipt/nipt/internal/genome"
)

// This file places the structural landmarks of the built-in synthetic genome:
// assembly gaps, centromeric and heterochromatic satellite, pseudoautosomal
// regions and the classes of chrY. Coordinates are 0-based, half-open, in
// bases.

// span is a half-open interval [lo, hi) on one chromosome.
type span struct{ lo, hi int }

// centromeresGRCh38 are the acen bands of UCSC cytoBand for hg38 (the same
// intervals as GRCh38.GCA_000001405.2_centromere_acen.txt), in Mb.
var centromeresGRCh38 = [genome.NumChroms][2]float64{
	{121.7, 125.1}, {91.8, 96.0}, {87.8, 94.0}, {48.2, 51.8}, {46.1, 51.4}, {58.5, 62.6},
	{58.1, 62.1}, {43.2, 47.2}, {42.2, 45.5}, {38.0, 41.6}, {51.0, 55.8}, {33.2, 37.8},
	{16.5, 18.9}, {16.1, 18.2}, {17.5, 20.5}, {35.3, 38.4}, {22.7, 27.4}, {15.4, 21.5},
	{24.2, 28.1}, {25.7, 30.4}, {10.9, 13.0}, {13.7, 17.4}, {58.1, 63.8}, {10.3, 10.6},
}

// centromeresGRCh37 are the acen bands of UCSC cytoBand for hg19, in Mb
// (approximate: rounded to 0.1 Mb as published).
var centromeresGRCh37 = [genome.NumChroms][2]float64{
	{121.5, 128.9}, {90.5, 96.8}, {87.9, 93.9}, {48.2, 52.7}, {46.1, 50.7}, {58.7, 63.3},
	{58.0, 61.7}, {43.1, 48.1}, {47.3, 50.7}, {38.0, 42.3}, {51.6, 55.7}, {33.3, 38.2},
	{16.3, 19.5}, {16.1, 19.1}, {15.8, 20.7}, {34.6, 38.6}, {22.2, 25.8}, {15.4, 19.0},
	{24.4, 28.6}, {25.6, 29.4}, {10.9, 14.3}, {12.2, 17.9}, {58.1, 63.0}, {11.6, 13.4},
}

// blockKind tells how a large GRCh38 block appears in each build.
type blockKind int

const (
	// heterochromatin (1q12, 9q12, 16q11.2, Yq12) and acrocentric short
	// arms: N in GRCh37/GRCh38, sequenced satellite in T2T-CHM13.
	blockHet blockKind = iota
	// centromeric arrays hard-masked in the GRCh38 analysis set (identical
	// arrays of chr5, 14, 19, 21, 22; and a 1 Mb gap on chr2): N in GRCh38
	// only; GRCh37 has its own 3 Mb centromere placeholder instead.
	blockCenMask
)

type block struct {
	chrom  int
	lo, hi float64 // Mb, GRCh38
	kind   blockKind
}

// blocksGRCh38 are the assembly-gap runs of at least 1 Mb of the GRCh38
// analysis set, rounded to 10 kb, as seen in the ichorCNA hg38 10 kb GC table
// (runs of value -1) and the UCSC gap track. The chrY PAR1 run is not listed:
// PARs are placed from their published coordinates (parRegions).
var blocksGRCh38 = []block{
	{0, 125.17, 143.19, blockHet},
	{1, 90.40, 91.41, blockCenMask},
	{4, 47.29, 49.67, blockCenMask},
	{8, 45.51, 60.52, blockHet},
	{12, 0, 16.00, blockHet},
	{13, 0, 16.03, blockHet}, {13, 16.13, 18.23, blockCenMask},
	{14, 0, 17.00, blockHet},
	{15, 38.26, 46.39, blockHet},
	{18, 24.44, 27.25, blockCenMask},
	{20, 0, 5.01, blockHet}, {20, 10.81, 12.97, blockCenMask},
	{21, 0, 10.51, blockHet}, {21, 12.90, 15.16, blockCenMask},
	{genome.ChrY, 26.67, 56.68, blockHet},
}

// yClass is a chrY region (GRCh38 Mb) whose share of low-mappability bins
// differs from the genome background, read off the hg38 500 kb mappability
// table: the X-transposed region (XTR, 99 % identical to Xq21) and the
// ampliconic/TSPY-array regions are mostly unmappable; the X-degenerate
// regions between them map normally.
type yClass struct {
	lo, hi float64
	pLow   float64 // probability that a 10 kb bin is in a repeat (low) state
}

var yClassesGRCh38 = []yClass{
	{2.78, 6.5, 0.5},    // XTR: 500 kb mappability ≈ 0.5
	{9.0, 12.0, 0.75},   // TSPY array and centromere: ≈ 0.4–0.6
	{17.5, 19.0, 0.75},  // ampliconic (P4/P5 palindromes): ≈ 0.45
	{22.0, 26.67, 0.75}, // ampliconic P1–P3 up to Yq12: ≈ 0.25–0.45
	{56.68, 56.89, 0.75},
}

// parRegions returns the pseudoautosomal regions PAR1 and PAR2 of chrX and
// chrY for build b (genome.Build.PARs: published coordinates).
func parRegions(b *genome.Build) (x, y [2]span) {
	gx, gy := b.PARs()
	for i := range gx {
		x[i], y[i] = span{gx[i].Start, gx[i].End}, span{gy[i].Start, gy[i].End}
	}
	return x, y
}

// gapped reports whether build b has assembly gaps (GRCh37, GRCh38) or is
// gapless (T2T-CHM13).
func gapped(b *genome.Build) bool { return b != genome.CHM13 }

// centromere returns the centromere of chromosome c in build b. CHM13 has no
// embedded table: its centromeres are placed by scaling the GRCh38 positions
// by the chromosome length ratio (approximate, within a few Mb).
func centromere(b *genome.Build, c int) span {
	mb := func(v float64) int { return int(v * 1e6) }
	switch b {
	case genome.GRCh37:
		return span{mb(centromeresGRCh37[c][0]), mb(centromeresGRCh37[c][1])}
	case genome.GRCh38:
		return span{mb(centromeresGRCh38[c][0]), mb(centromeresGRCh38[c][1])}
	}
	r := float64(b.Lengths[c]) / float64(genome.GRCh38.Lengths[c])
	return span{int(float64(mb(centromeresGRCh38[c][0])) * r), int(float64(mb(centromeresGRCh38[c][1])) * r)}
}

// liftGRCh38 maps a GRCh38 position of chromosome c to build b, piecewise
// linearly between the anchors chromosome start, centromere start,
// centromere end and chromosome end. It is how features known in GRCh38 are
// placed plausibly in the other builds.
func liftGRCh38(b *genome.Build, c int, pos float64) int {
	if b == genome.GRCh38 {
		return int(pos)
	}
	src, dst := centromere(genome.GRCh38, c), centromere(b, c)
	from := [4]float64{0, float64(src.lo), float64(src.hi), float64(genome.GRCh38.Lengths[c])}
	to := [4]float64{0, float64(dst.lo), float64(dst.hi), float64(b.Lengths[c])}
	for k := 0; k < 3; k++ {
		if pos <= from[k+1] || k == 2 {
			f := (pos - from[k]) / (from[k+1] - from[k])
			return min(max(int(to[k]+f*(to[k+1]-to[k])), 0), b.Lengths[c])
		}
	}
	return int(pos)
}

// landmarks are the structural features of one synthetic chromosome.
type landmarks struct {
	gaps      []span // N (assembly gap or hard mask)
	satellite []span // sequenced satellite: low mappability, blacklisted
	large     []span // gaps and satellite ≥ 1 Mb, from which mappability distance is measured
	pLow      []yRegion
	yPAR      []span // chrY PARs (hard-masked)
}

type yRegion struct {
	s    span
	pLow float64
}

// Rates of the small (50 kb) assembly gaps of gapped builds, measured on the
// hg38 10 kb table: 151 gap runs of ≤ 70 kb over ~2.9 Gb of sequence (one per
// ~19 Mb), and in the partly sequenced acrocentric short arms (chr21
// 5.0–10.8 Mb: 20 runs; chr22 10.5–12.9 Mb: 16 runs) about one per 200 kb.
const (
	smallGapLen        = 50_000
	smallGapPerBase    = 1.0 / 19e6
	smallGapPerBasePar = 1.0 / 200e3
	telomereGap        = 10_000 // GRC convention: 10 kb of N at each chromosome end
)

// acrocentric reports whether chromosome c has a short arm of rDNA and
// satellite (chr13, 14, 15, 21, 22).
func acrocentric(c int) bool { return c == 12 || c == 13 || c == 14 || c == 20 || c == 21 }

// placeLandmarks returns the landmarks of chromosome c of build b, drawing
// the small gaps from rng.
func placeLandmarks(b *genome.Build, c int, rng *rand.Rand) landmarks {
	var lm landmarks
	L := b.Lengths[c]
	cen := centromere(b, c)
	gappy := gapped(b)
	if gappy {
		lm.gaps = append(lm.gaps, span{0, telomereGap}, span{L - telomereGap, L})
	}
	switch b {
	case genome.GRCh37:
		// hg19 represents every centromere by a 3 Mb N placeholder.
		ph := span{cen.lo, min(cen.lo+3_000_000, cen.hi)}
		lm.gaps = append(lm.gaps, ph)
		lm.large = append(lm.large, ph)
		if ph.hi < cen.hi {
			lm.satellite = append(lm.satellite, span{ph.hi, cen.hi})
		}
	default:
		// GRCh38 centromere models and CHM13 arrays are sequenced satellite.
		lm.satellite = append(lm.satellite, cen)
	}
	lm.large = append(lm.large, cen)
	pArmEnd := 0
	for _, bl := range blocksGRCh38 {
		if bl.chrom != c {
			continue
		}
		s := span{liftGRCh38(b, c, bl.lo*1e6), liftGRCh38(b, c, bl.hi*1e6)}
		if s.hi <= s.lo {
			continue
		}
		if bl.lo == 0 {
			pArmEnd = s.hi
		}
		switch {
		case !gappy:
			lm.satellite = append(lm.satellite, s)
		case bl.kind == blockHet || b == genome.GRCh38:
			lm.gaps = append(lm.gaps, s)
		default:
			continue // GRCh38-only mask, replaced by the GRCh37 placeholder
		}
		lm.large = append(lm.large, s)
	}
	if gappy {
		lm.gaps = append(lm.gaps, smallGaps(rng, span{0, L}, smallGapPerBase)...)
		if acrocentric(c) && pArmEnd < cen.lo {
			lm.gaps = append(lm.gaps, smallGaps(rng, span{pArmEnd, cen.lo}, smallGapPerBasePar)...)
		}
	}
	if c == genome.ChrY {
		_, ypar := parRegions(b)
		lm.yPAR = ypar[:]
		for _, yc := range yClassesGRCh38 {
			s := span{liftGRCh38(b, c, yc.lo*1e6), liftGRCh38(b, c, yc.hi*1e6)}
			lm.pLow = append(lm.pLow, yRegion{s, yc.pLow})
		}
	}
	sortSpans(lm.gaps)
	sortSpans(lm.satellite)
	sortSpans(lm.large)
	return lm
}

// smallGaps draws gaps of smallGapLen starting as a Poisson process of the
// given rate per base inside s.
func smallGaps(rng *rand.Rand, s span, rate float64) []span {
	var out []span
	pos := float64(s.lo)
	for {
		pos += rng.ExpFloat64() / rate
		if int(pos)+smallGapLen > s.hi {
			return out
		}
		out = append(out, span{int(pos), int(pos) + smallGapLen})
	}
}

func sortSpans(s []span) {
	sort.Slice(s, func(i, j int) bool { return s[i].lo < s[j].lo || (s[i].lo == s[j].lo && s[i].hi < s[j].hi) })
}
