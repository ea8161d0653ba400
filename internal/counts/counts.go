package counts

import (
	"fmt"

	"github.com/nipt/nipt/internal/genome"
)

// Counts is one sample's per-bin counts.
type Counts struct {
	Header Header
	Layout *genome.Layout
	// Reads[i] is the number of reads (single-end) or fragments (paired-end)
	// whose position falls in global bin i (see genome.Layout).
	Reads []uint32
	// Short[i] counts the fragments of Reads[i] shorter than
	// Header.Filters.ShortFragmentMax; nil for single-end data.
	Short []uint32
}

// New returns empty counts for a layout with the header's build and bin size
// filled in.
func New(l *genome.Layout, paired bool) *Counts {
	c := &Counts{
		Header: Header{
			Format:        FormatName,
			FormatVersion: FormatVersion,
			Build:         l.Build.Name,
			Contigs:       l.Build.Contigs(),
			BinSize:       l.BinSize,
			Paired:        paired,
			QC: QC{
				Dropped:      map[string]int64{},
				ChromReads:   map[string]int64{},
				OtherContigs: map[string]int64{},
			},
		},
		Layout: l,
		Reads:  make([]uint32, l.NumBins()),
	}
	if paired {
		c.Short = make([]uint32, l.NumBins())
	}
	return c
}

// Validate checks the internal consistency of c.
func (c *Counts) Validate() error {
	if c.Layout == nil {
		return fmt.Errorf("counts: no layout")
	}
	n := c.Layout.NumBins()
	if len(c.Reads) != n {
		return fmt.Errorf("counts: %d bins, layout has %d", len(c.Reads), n)
	}
	for _, r := range c.Header.Runs {
		if err := ValidRun(r); err != nil {
			return fmt.Errorf("counts: %w", err)
		}
	}
	if c.Header.Paired != (c.Short != nil) {
		return fmt.Errorf("counts: paired=%v but short counts present=%v", c.Header.Paired, c.Short != nil)
	}
	if c.Short != nil {
		if len(c.Short) != n {
			return fmt.Errorf("counts: %d short bins, layout has %d", len(c.Short), n)
		}
		for i, s := range c.Short {
			if s > c.Reads[i] {
				return fmt.Errorf("counts: bin %d has %d short of %d fragments", i, s, c.Reads[i])
			}
		}
	}
	return nil
}

// ChromTotals returns the summed reads per canonical chromosome.
func (c *Counts) ChromTotals() [genome.NumChroms]int64 {
	var t [genome.NumChroms]int64
	for ch := 0; ch < genome.NumChroms; ch++ {
		for i := c.Layout.Offset[ch]; i < c.Layout.Offset[ch+1]; i++ {
			t[ch] += int64(c.Reads[i])
		}
	}
	return t
}

// FillChromReads sets Header.QC.ChromReads and Kept from the bin counts.
func (c *Counts) FillChromReads() {
	t := c.ChromTotals()
	c.Header.QC.ChromReads = map[string]int64{}
	var kept int64
	for ch, v := range t {
		c.Header.QC.ChromReads[genome.ChromName(ch)] = v
		kept += v
	}
	c.Header.QC.Kept = kept
}
