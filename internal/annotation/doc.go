// Package annotation holds per-bin properties of the reference genome that
// normalisation needs: GC fraction, gap (N) fraction, mappability and a
// blacklist flag, for every bin of a genome.Layout; and the .bins file that
// stores them (docs/format-annotation.md).
//
// Annotations come from three sources:
//
//   - a reference FASTA with its .fai index (FromFASTA): GC and N fractions
//     counted from the memory-mapped sequence;
//   - per-bin tracks in UCSC wiggle (fixedStep, variableStep) or bedGraph
//     format (ReadTrack), e.g. the HMMcopy/ichorCNA GC and mappability
//     tables, and a BED blacklist such as the ENCODE blacklist (Amemiya,
//     Kundaje & Boyle, Sci Rep 2019; ReadBED);
//   - the built-in synthetic genome (Synthetic), so that the simulator and
//     the demo need no external file.
//
// The synthetic genome uses the real chromosome lengths and places assembly
// gaps, centromeres, heterochromatin, acrocentric short arms and the
// pseudoautosomal regions of each build. Its GC landscape is a
// log-normal transform of a sum of Ornstein–Uhlenbeck processes (the
// isochore structure of Bernardi, Gene 2000, and the long-range GC
// correlations of Li, Comput Chem 1997, reduced to three scales), and its
// mappability a two-state repeat/unique Markov chain. Every parameter was
// measured on the real hg38 10 kb tables; the numbers and how they were
// obtained are documented beside the constants in synthetic.go and in
// docs/format-annotation.md.
package annotation
