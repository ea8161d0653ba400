package refset

// Format identification of reference files (docs/format-reference.md).
//
// Version 2: the stored relative coverages of chr1–22 and chrX count half
// a read more in every bin (normalize.ZeroReads: unbiased log ratios at any
// depth), chrY's count no floor, samples are levelled on a clipped mean
// (level), and sample profiles gain the autosomal fragment-size profile.
// Version-1 profiles would bias samples of another depth, so version-1
// files are refused (rebuild the reference).
//
// Version 3: every autosomal fetal-fraction model carries its calibrated
// measurement model (fetalfraction.Calibration: f̂ = a + b·f + ε from its
// cross-validated predictions), which the analysis needs for the
// fetal-fraction likelihood; version-2 files have none and are refused
// with a message to rebuild (their sample profiles are unchanged, so
// rebuilding from the same counts files gives the same normalisation).
//
// Version 4: paired-end sample profiles keep their per-bin read and
// short-fragment counts, from which the short-fragment model of the
// fetal-CNV scan (ShortModel: expected short share per bin, its noise and
// the short share's rise with the fetal fraction) is fitted; version-3
// files have neither and are refused with a message to rebuild.
//
// Version 5: the same sections in two parts, each its own gzip member with
// its own SHA-256 and sizes in the header: the model, which the analysis
// reads, then the reference samples' stored profiles and per-bin counts
// (samplesSections), which only growing a reference needs. The analysis
// skips the second part (ReadModelFile). Version-4 files are still read
// (whole).
const (
	FormatName    = "nipt-reference"
	FormatVersion = 5
)
