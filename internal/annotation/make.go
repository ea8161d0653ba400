package annotation

import (
	"fmt"
	"path/filepath"

	"github.com/nipt/nipt/internal/genome"
)

// Options say where the tracks of an annotation come from (nipt annotate).
type Options struct {
	// Exactly one base for GC and N: FASTA (counted), GCTrack (a wig or
	// bedGraph of GC fractions; bins not covered by known values count as
	// gap), or Synthetic (the built-in genome, with Seed).
	FASTA     string
	GCTrack   string
	Synthetic bool
	Seed      uint64
	// Build is required without FASTA and checked against it otherwise.
	Build   *genome.Build
	BinSize int
	// MapTrack is a wig or bedGraph of mappability (replaces the synthetic
	// track; unknown otherwise).
	MapTrack string
	// Blacklist is a BED file of regions; a bin is blacklisted when they
	// cover more than BlacklistMinFrac of it (0: any overlap).
	Blacklist        string
	BlacklistMinFrac float64
	Threads          int
}

// Make builds an annotation from the sources in o.
func Make(o Options) (*Annotation, error) {
	bases := 0
	for _, set := range []bool{o.FASTA != "", o.GCTrack != "", o.Synthetic} {
		if set {
			bases++
		}
	}
	if bases != 1 {
		return nil, fmt.Errorf("give exactly one source of GC content: --fasta, --gc-wig/--gc-bedgraph or --synthetic")
	}
	var a *Annotation
	var err error
	switch {
	case o.FASTA != "":
		if a, err = FromFASTA(o.FASTA, o.BinSize, o.Threads); err != nil {
			return nil, err
		}
		if o.Build != nil && o.Build != a.Layout.Build {
			return nil, fmt.Errorf("%s is %s, not %s as --build says: drop --build or give the right FASTA", o.FASTA, a.Layout.Build.Name, o.Build.Name)
		}
	case o.Build == nil:
		return nil, fmt.Errorf("without --fasta the genome build must be given with --build (GRCh37/hg19, GRCh38/hg38, T2T-CHM13/chm13)")
	case o.Synthetic:
		if a, err = Synthetic(o.Build, o.BinSize, o.Seed); err != nil {
			return nil, err
		}
	default:
		l, err := genome.NewLayout(o.Build, o.BinSize)
		if err != nil {
			return nil, err
		}
		t, err := ReadTrackFile(o.GCTrack, l)
		if err != nil {
			return nil, err
		}
		a = New(l)
		a.GC = t.Value
		for i, k := range t.Known {
			a.N[i] = 1 - k
		}
		a.Source.GC = filepath.Base(o.GCTrack)
		a.Source.N = a.Source.GC + " (bins without GC value)"
	}
	if o.MapTrack != "" {
		t, err := ReadTrackFile(o.MapTrack, a.Layout)
		if err != nil {
			return nil, err
		}
		a.Map = t.Value
		a.Source.Map = filepath.Base(o.MapTrack)
	}
	if o.Blacklist != "" {
		bl, err := ReadBEDFile(o.Blacklist, a.Layout, o.BlacklistMinFrac)
		if err != nil {
			return nil, err
		}
		a.Blacklist = bl
		a.Source.Blacklist = filepath.Base(o.Blacklist)
	}
	return a, a.Validate()
}
