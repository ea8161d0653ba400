package simulate

import (
	"github.com/nipt/nipt/internal/genome"
)

// extraContig is a contig of the BAM header outside chr1–22, X, Y.
type extraContig struct {
	Name string
	Len  int
	// Map is the probability that a read there is placed uniquely: high for
	// chrM (NUMTs make a few reads ambiguous), low for unplaced/random
	// contigs, which are mostly satellite and rDNA copies of sequence
	// elsewhere.
	Map float64
}

// extraContigs lists chrM and a few unplaced/random contigs of each build
// (UCSC names, lengths from the UCSC chromInfo tables), so that "other
// contigs" exist in simulated BAMs as in real ones.
func extraContigs(b *genome.Build) []extraContig {
	switch b {
	case genome.GRCh38:
		return []extraContig{
			{"chrM", 16569, 0.95},
			{"chr1_KI270706v1_random", 175055, 0.5},
			{"chr22_KI270733v1_random", 179772, 0.5},
			{"chrUn_GL000220v1", 161802, 0.5},
		}
	case genome.GRCh37:
		return []extraContig{
			{"chrM", 16571, 0.95},
			{"chr1_gl000191_random", 106433, 0.5},
			{"chrUn_gl000220", 161802, 0.5},
		}
	}
	return []extraContig{{"chrM", 16569, 0.95}}
}
