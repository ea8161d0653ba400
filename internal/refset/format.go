package refset

// Format identification of reference files (docs/format-reference.md).
//
// Version 2: the stored relative coverages of chr1–22 and chrX count half
// a read more in every bin (normalize.ZeroReads: unbiased log ratios at any
// depth), chrY's count no floor, samples are levelled on a clipped mean
// (level), and sample profiles gain the autosomal fragment-size profile.
// Version-1 profiles would bias samples of another depth, so version-1
// files are refused (rebuild the reference).
const (
	FormatName    = "nipt-reference"
	FormatVersion = 2
)
