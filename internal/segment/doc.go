// Package segment implements circular binary segmentation (CBS) of a
// one-dimensional signal, such as the normalized log-ratios of a chromosome's
// bins, into runs of constant mean.
//
// The method is Olshen, Venkatraman, Lucito & Wigler (2004, Biostatistics
// 5:557). A segment of m points is bent into a circle; for every arc (i, j]
// the statistic Zᵢⱼ compares the mean inside the arc with the mean outside,
// in units of its standard error. If max |Zᵢⱼ| is significant at level Alpha
// the segment is cut at i and j (one cut when the arc touches an end) and
// each piece is segmented again, until no piece splits.
//
// Finding the maximal arc is exact but fast, with the block bounds of
// Venkatraman & Olshen (2007, Bioinformatics 23:657): most of the m²/2 arcs
// are never visited.
//
// p-values. By default the p-value of max |Z| is Siegmund's (1988, Ann.
// Probab. 16:487) tail approximation for the maximum of a Gaussian random
// field, as Venkatraman & Olshen (2007) propose for CBS to replace the
// permutations of Olshen et al. (2004), which are too slow for genome-wide
// use (10,000 permutations of each of the ~50 segments of a genome would cost
// minutes). The approximation assumes Gaussian noise of known SD σ. nipt
// estimates σ once per call from the first differences of the data with the
// biweight scale (stats.BiweightScale), which is insensitive to change points
// and outliers and, pooled over a whole chromosome, precise enough (a few
// percent) for the approximation. Options.Permutations switches to seeded
// permutation p-values with Besag–Clifford early stopping.
//
// Edge effects. When the maximal arc has two interior cuts, one of them may
// only ride along with a real change point (a few points near the far end
// that resemble the distant outer piece). As in DNAcopy, each cut is
// re-examined as the single change point between its neighbouring pieces;
// nipt keeps it only if that two-sample statistic would also be significant
// as the maximal arc of the stretch it divides, so that a cut gains nothing
// from its partner (see keepCuts). This holds the rate of spurious segments
// next to real ones at about Alpha per test.
//
// Polishing. Recursive splitting never moves a cut once made, so a cut placed
// while a segment still held several changes (driven, say, by a weak
// long-range level difference) can sit bins away from the sharp CNV edge it
// ends up separating, or leave a sliver behind. After the recursion every
// boundary moves to the best single cut of the union of its two neighbouring
// segments, and boundaries whose union shows no significant single change
// point (scanPValue, James, James & Siegmund 1987) are removed, least
// significant first (see polish). On 40 simulated 28,800-bin genomes (24
// chromosome pieces at 0/0.2/0.4 SD, each followed by a 50-bin CNV at
// 1.5 SD, 48 true segments) CBS alone gave 50–54 segments; with polishing 25
// of 40 came out exactly right, with 0.7 extra segments per genome on
// average, as expected from about 50 boundary tests at α = 0.01.
//
// After segmentation, Options.UndoSD optionally merges adjacent segments
// whose means differ by less than UndoSD·σ (DNAcopy's "sdundo").
//
// Weights: with per-point inverse-variance weights the means become weighted
// means and Z uses the weighted standard error; the p-value approximation
// keeps the unweighted arc lengths, which is accurate when weights vary
// little along a chromosome.
//
// Masked points (NaN, ±Inf, zero weight) are removed before segmenting; the
// returned segments still refer to the original indices and tile them.
package segment
