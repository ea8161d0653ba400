package genome

import "fmt"

// Layout cuts the canonical chromosomes of a build into fixed-size bins. Bin
// i of a chromosome covers the half-open interval [i*BinSize, (i+1)*BinSize),
// the last one clipped at the chromosome end. Bins of all chromosomes are
// numbered consecutively in canonical order (chr1 first, chrY last), so a
// per-bin vector of a sample is a plain slice indexed by global bin number.
type Layout struct {
	Build   *Build
	BinSize int
	// Offset[c] is the global index of the first bin of chromosome c;
	// Offset[NumChroms] is the total number of bins.
	Offset [NumChroms + 1]int
}

// NewLayout returns the bin layout of build b at the given bin size.
func NewLayout(b *Build, binSize int) (*Layout, error) {
	if b == nil {
		return nil, fmt.Errorf("genome: nil build")
	}
	if binSize < 100 || binSize > 100_000_000 {
		return nil, fmt.Errorf("bin size %d out of range (100 b to 100 Mb)", binSize)
	}
	l := &Layout{Build: b, BinSize: binSize}
	for c := 0; c < NumChroms; c++ {
		l.Offset[c+1] = l.Offset[c] + (b.Lengths[c]+binSize-1)/binSize
	}
	return l, nil
}

// NumBins is the total number of bins over all chromosomes.
func (l *Layout) NumBins() int { return l.Offset[NumChroms] }

// ChromBins is the number of bins of chromosome c.
func (l *Layout) ChromBins(c int) int { return l.Offset[c+1] - l.Offset[c] }

// Bin returns the global bin index of position pos (0-based) on chromosome c,
// or -1 when c is not a chromosome index (0..NumChroms-1) or pos lies outside
// the chromosome.
func (l *Layout) Bin(c, pos int) int {
	if c < 0 || c >= NumChroms || pos < 0 || pos >= l.Build.Lengths[c] {
		return -1
	}
	return l.Offset[c] + pos/l.BinSize
}

// Locate returns the chromosome and 0-based half-open interval of global bin
// i, which must lie in [0, NumBins()).
func (l *Layout) Locate(i int) (chrom, start, end int) {
	// Binary search over 25 offsets.
	lo, hi := 0, NumChroms
	for lo < hi {
		m := (lo + hi) / 2
		if l.Offset[m+1] <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	chrom = lo
	start = (i - l.Offset[chrom]) * l.BinSize
	end = min(start+l.BinSize, l.Build.Lengths[chrom])
	return chrom, start, end
}

// Coarsen returns the layout at a bin size that is a multiple k of l's, and
// the factor k. Bin j of the coarse layout merges fine bins k*j..k*j+k-1 of the
// same chromosome.
func (l *Layout) Coarsen(binSize int) (*Layout, int, error) {
	if binSize%l.BinSize != 0 || binSize < l.BinSize {
		return nil, 0, fmt.Errorf("bin size %d is not a multiple of the counted bin size %d: recount with --bin-size %d or choose a multiple", binSize, l.BinSize, binSize)
	}
	c, err := NewLayout(l.Build, binSize)
	if err != nil {
		return nil, 0, err
	}
	return c, binSize / l.BinSize, nil
}

// LayoutFor returns the layout of a file header that names its build, lists
// the canonical contigs (chr1..chr22, chrX, chrY with their lengths) and its
// bin size, checking the contigs against the build. The counts and
// annotation file headers both take this form.
func LayoutFor(build string, contigs []Contig, binSize int) (*Layout, error) {
	b, err := LookupBuild(build)
	if err != nil {
		return nil, err
	}
	if len(contigs) != NumChroms {
		return nil, fmt.Errorf("header lists %d contigs, want %d", len(contigs), NumChroms)
	}
	for i, c := range contigs {
		if c.Name != ChromName(i) || c.Length != b.Lengths[i] {
			return nil, fmt.Errorf("header contig %d is %s:%d, want %s:%d for %s", i, c.Name, c.Length, ChromName(i), b.Lengths[i], b.Name)
		}
	}
	return NewLayout(b, binSize)
}

// Merge sums a per-bin vector of layout l into the coarser layout c (from
// Coarsen with factor k). v must hold l.NumBins() values.
func Merge[T int | int32 | int64 | uint32 | float64](l, c *Layout, k int, v []T) []T {
	out := make([]T, c.NumBins())
	for ch := 0; ch < NumChroms; ch++ {
		for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
			out[c.Offset[ch]+(i-l.Offset[ch])/k] += v[i]
		}
	}
	return out
}
