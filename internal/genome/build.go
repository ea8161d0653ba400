package genome

import (
	"fmt"
	"sort"
	"strings"
)

// NumChroms is the number of primary chromosomes nipt bins: chr1–chr22, chrX, chrY.
const NumChroms = 24

// Indices of the sex chromosomes in the canonical order.
const (
	ChrX = 22
	ChrY = 23
)

// Contig is a named sequence with its length in bases.
type Contig struct {
	Name   string `json:"name"`
	Length int    `json:"length"`
}

// Build is a human reference genome build. Lengths holds the lengths of the
// canonical chromosomes in canonical order (chr1..chr22, chrX, chrY).
type Build struct {
	Name    string   // canonical name, e.g. "GRCh38"
	Aliases []string // other names accepted on the command line, e.g. "hg38"
	Lengths [NumChroms]int
}

// GRCh37 is GRCh37/hg19 (primary assembly lengths).
var GRCh37 = &Build{
	Name:    "GRCh37",
	Aliases: []string{"hg19", "b37", "grch37"},
	Lengths: [NumChroms]int{
		249250621, 243199373, 198022430, 191154276, 180915260, 171115067,
		159138663, 146364022, 141213431, 135534747, 135006516, 133851895,
		115169878, 107349540, 102531392, 90354753, 81195210, 78077248,
		59128983, 63025520, 48129895, 51304566, 155270560, 59373566,
	},
}

// GRCh38 is GRCh38/hg38 (primary assembly lengths).
var GRCh38 = &Build{
	Name:    "GRCh38",
	Aliases: []string{"hg38", "grch38"},
	Lengths: [NumChroms]int{
		248956422, 242193529, 198295559, 190214555, 181538259, 170805979,
		159345973, 145138636, 138394717, 133797422, 135086622, 133275309,
		114364328, 107043718, 101991189, 90338345, 83257441, 80373285,
		58617616, 64444167, 46709983, 50818468, 156040895, 57227415,
	},
}

// CHM13 is T2T-CHM13 v2.0 (hs1).
var CHM13 = &Build{
	Name:    "T2T-CHM13",
	Aliases: []string{"chm13", "hs1", "t2t", "chm13v2"},
	Lengths: [NumChroms]int{
		248387328, 242696752, 201105948, 193574945, 182045439, 172126628,
		160567428, 146259331, 150617247, 134758134, 135127769, 133324548,
		113566686, 101161492, 99753195, 96330374, 84276897, 80542538,
		61707364, 66210255, 45090682, 51324926, 154259566, 62460029,
	},
}

// Interval is a 0-based half-open interval [Start, End) on one chromosome.
type Interval struct{ Start, End int }

// PARs returns the pseudoautosomal regions PAR1 and PAR2 of chrX and of chrY
// of b, 0-based half-open: the GRC's published coordinates for GRCh37 and
// GRCh38, the T2T consortium's for CHM13 v2.0; zero intervals for any other
// build.
func (b *Build) PARs() (x, y [2]Interval) {
	switch b {
	case GRCh37:
		return [2]Interval{{60000, 2699520}, {154931043, 155260560}}, [2]Interval{{10000, 2649520}, {59034049, 59363566}}
	case GRCh38:
		return [2]Interval{{10000, 2781479}, {155701382, 156030895}}, [2]Interval{{10000, 2781479}, {56887902, 57217415}}
	case CHM13:
		return [2]Interval{{0, 2394410}, {153925834, 154259566}}, [2]Interval{{0, 2458320}, {62122809, 62460029}}
	}
	return x, y
}

// Builds lists the supported builds.
var Builds = []*Build{GRCh37, GRCh38, CHM13}

// LookupBuild finds a build by its name or an alias (case-insensitive).
func LookupBuild(name string) (*Build, error) {
	for _, b := range Builds {
		if strings.EqualFold(b.Name, name) {
			return b, nil
		}
		for _, a := range b.Aliases {
			if strings.EqualFold(a, name) {
				return b, nil
			}
		}
	}
	var names []string
	for _, b := range Builds {
		names = append(names, b.Name)
		names = append(names, b.Aliases...)
	}
	return nil, fmt.Errorf("unknown genome build %q (known: %s)", name, strings.Join(names, ", "))
}

// ChromName returns the canonical name (with "chr" prefix) of chromosome index i.
func ChromName(i int) string {
	switch {
	case i >= 0 && i < 22:
		return fmt.Sprintf("chr%d", i+1)
	case i == ChrX:
		return "chrX"
	case i == ChrY:
		return "chrY"
	}
	return ""
}

// ChromIndex maps a contig name to its canonical index 0..23, accepting names
// with or without the "chr" prefix ("chr7", "7", "X", "chrY"). It reports false
// for every other contig (chrM, alternates, decoys, unplaced scaffolds).
func ChromIndex(name string) (int, bool) {
	n := strings.TrimPrefix(name, "chr")
	switch n {
	case "X":
		return ChrX, true
	case "Y":
		return ChrY, true
	}
	if len(n) == 0 || len(n) > 2 || n[0] == '0' {
		return 0, false
	}
	v := 0
	for _, c := range n {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if v < 1 || v > 22 {
		return 0, false
	}
	return v - 1, true
}

// Contigs returns the canonical chromosomes of b with "chr" names.
func (b *Build) Contigs() []Contig {
	c := make([]Contig, NumChroms)
	for i := range c {
		c[i] = Contig{Name: ChromName(i), Length: b.Lengths[i]}
	}
	return c
}

// Match is the result of recognising a set of contigs.
type Match struct {
	Build *Build
	// Index maps each input contig (by position) to its canonical chromosome
	// index, or -1 for contigs outside chr1–22, X, Y.
	Index []int
	// HasY reports whether the input contains chrY.
	HasY bool
}

// Detect recognises the build of a list of contigs (e.g. @SQ lines) from the
// lengths of its primary chromosomes. Names may carry the "chr" prefix or not.
// chrY may be absent (some analysis sets omit it); every other primary
// chromosome must be present with the build's exact length.
func Detect(contigs []Contig) (*Match, error) {
	idx := make([]int, len(contigs))
	var seen [NumChroms]int
	found := 0
	for i, c := range contigs {
		ci, ok := ChromIndex(c.Name)
		if !ok {
			idx[i] = -1
			continue
		}
		if seen[ci] != 0 {
			return nil, fmt.Errorf("contig %s appears twice (as %q)", ChromName(ci), c.Name)
		}
		seen[ci] = c.Length
		idx[i] = ci
		found++
	}
	if found == 0 {
		return nil, fmt.Errorf("no human primary chromosomes (chr1..chr22, chrX, chrY or 1..22, X, Y) among %d contigs: is this a human alignment?", len(contigs))
	}
	best, bestScore := (*Build)(nil), -1
	for _, b := range Builds {
		score := 0
		for ci := 0; ci < NumChroms; ci++ {
			if seen[ci] == b.Lengths[ci] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = b, score
		}
	}
	var bad []string
	for ci := 0; ci < NumChroms; ci++ {
		switch {
		case seen[ci] == 0 && ci == ChrY:
		case seen[ci] == 0:
			bad = append(bad, fmt.Sprintf("%s missing", ChromName(ci)))
		case seen[ci] != best.Lengths[ci]:
			bad = append(bad, fmt.Sprintf("%s has length %d (%s: %d)", ChromName(ci), seen[ci], best.Name, best.Lengths[ci]))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		if len(bad) > 4 {
			bad = append(bad[:4], fmt.Sprintf("and %d more", len(bad)-4))
		}
		return nil, fmt.Errorf("contigs match no supported build (closest %s: %s); supported builds are GRCh37/hg19, GRCh38/hg38 and T2T-CHM13 v2.0", best.Name, strings.Join(bad, "; "))
	}
	return &Match{Build: best, Index: idx, HasY: seen[ChrY] != 0}, nil
}
