package evaluate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CNV is a copy-number change: a true one from truth.tsv or a called one
// from summary.tsv. Coordinates are read as written and treated as the
// half-open interval [Start, End); a one-base convention difference between
// the files cannot change a 50% reciprocal-overlap decision for CNVs of
// more than a few bases.
type CNV struct {
	Chrom string `json:"chrom"` // canonical: "1".."22", "X", "Y"
	Start int    `json:"start"`
	End   int    `json:"end"`
	Type  string `json:"type"` // "gain" or "loss"
	// Origin: truth "fetal", "maternal", "maternal_inherited" or "tumour"
	// (a maternal tumour's somatic change); calls "fetal", "maternal" or
	// "uncertain".
	Origin string `json:"origin"`
}

// Len is the CNV length in bases.
func (c CNV) Len() int { return c.End - c.Start }

func (c CNV) String() string {
	return fmt.Sprintf("chr%s:%d-%d:%s:%s", c.Chrom, c.Start, c.End, c.Type, c.Origin)
}

// ReciprocalOverlap is the overlap of a and b divided by the longer of the
// two lengths, so it is ≥ t exactly when the overlap covers at least a
// fraction t of each. It is 0 for different chromosomes.
func ReciprocalOverlap(a, b CNV) float64 {
	if a.Chrom != b.Chrom || a.Len() <= 0 || b.Len() <= 0 {
		return 0
	}
	ov := min(a.End, b.End) - max(a.Start, b.Start)
	if ov <= 0 {
		return 0
	}
	return float64(ov) / float64(max(a.Len(), b.Len()))
}

// CNVMatch pairs a true CNV with the call that detected it.
type CNVMatch struct {
	Truth, Call int     // indices into the truth and call slices
	Overlap     float64 // reciprocal overlap
}

// MatchCNVs pairs true and called CNVs of one sample one-to-one: a pair is
// allowed when chromosome and type agree and the reciprocal overlap is at
// least minOverlap; pairs are taken greedily by decreasing overlap (ties by
// truth then call order), so each CNV is used at most once. A true CNV split
// into two calls that each cover less than minOverlap of it is therefore
// missed and both pieces are false calls: the strict, conventional reading.
func MatchCNVs(truth, calls []CNV, minOverlap float64) []CNVMatch {
	var cand []CNVMatch
	for i, t := range truth {
		for j, c := range calls {
			if t.Type != c.Type {
				continue
			}
			if ro := ReciprocalOverlap(t, c); ro > 0 && ro >= minOverlap {
				cand = append(cand, CNVMatch{Truth: i, Call: j, Overlap: ro})
			}
		}
	}
	sort.SliceStable(cand, func(a, b int) bool { return cand[a].Overlap > cand[b].Overlap })
	usedT := make([]bool, len(truth))
	usedC := make([]bool, len(calls))
	var out []CNVMatch
	for _, m := range cand {
		if usedT[m.Truth] || usedC[m.Call] {
			continue
		}
		usedT[m.Truth], usedC[m.Call] = true, true
		out = append(out, m)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Truth < out[b].Truth })
	return out
}

// parseCNVList parses a ';'-joined list of chrom:start-end:type[:origin].
// truth selects the origin vocabulary: truth origins are required and are
// fetal, maternal or maternal_inherited; call origins are optional (missing
// → "uncertain") and are fetal, maternal or uncertain.
func parseCNVList(r row, col string, truth bool) ([]CNV, error) {
	s := r.get(col)
	if isNA(s) {
		return nil, nil
	}
	var out []CNV
	for _, item := range strings.Split(s, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		c, err := parseCNV(item, truth)
		if err != nil {
			return nil, r.errf(col, "CNV %q: %v", clip(item), err)
		}
		out = append(out, c)
	}
	return out, nil
}

func parseCNV(s string, truth bool) (CNV, error) {
	const form = "expected chrom:start-end:gain|loss:origin, e.g. chr5:10000000-20000000:loss:fetal"
	parts := strings.Split(s, ":")
	tumour := truth && len(parts) == 5 && lowerTrim(parts[3]) == "tumour"
	if len(parts) < 3 || len(parts) > 4 && !tumour {
		return CNV{}, fmt.Errorf("%s", form)
	}
	var c CNV
	if c.Chrom = canonicalChrom(parts[0]); c.Chrom == "" {
		return CNV{}, fmt.Errorf("chromosome %q is not chr1–22, X or Y", parts[0])
	}
	se := strings.Split(parts[1], "-")
	if len(se) != 2 {
		return CNV{}, fmt.Errorf("coordinates %q: %s", parts[1], form)
	}
	var err error
	if c.Start, err = parseCoord(se[0]); err != nil {
		return CNV{}, err
	}
	if c.End, err = parseCoord(se[1]); err != nil {
		return CNV{}, err
	}
	if c.End <= c.Start {
		return CNV{}, fmt.Errorf("end %d is not after start %d", c.End, c.Start)
	}
	switch lowerTrim(parts[2]) {
	case "gain", "dup", "duplication", "amplification":
		c.Type = "gain"
	case "loss", "del", "deletion":
		c.Type = "loss"
	default:
		return CNV{}, fmt.Errorf("type %q is neither gain nor loss", parts[2])
	}
	origin := ""
	if len(parts) >= 4 {
		origin = lowerTrim(parts[3])
	}
	if tumour {
		fr := strings.TrimSuffix(strings.TrimSpace(parts[4]), "%")
		if v, err := strconv.ParseFloat(fr, 64); err != nil || !(v > 0) {
			return CNV{}, fmt.Errorf("tumour fraction %q is not a positive number", parts[4])
		}
	}
	if truth {
		switch origin {
		case "fetal", "maternal", "maternal_inherited":
			c.Origin = origin
		case "tumour":
			// A maternal tumour's somatic change (chrom:start-end:type:tumour:
			// FRACTION, as nipt simulate writes it): not a CNV to find.
			c.Origin = origin
		case "":
			return CNV{}, fmt.Errorf("origin missing: truth CNVs need fetal, maternal, maternal_inherited or tumour")
		default:
			return CNV{}, fmt.Errorf("origin %q is not fetal, maternal, maternal_inherited or tumour", origin)
		}
		return c, nil
	}
	switch origin {
	case "fetal", "maternal", "uncertain":
		c.Origin = origin
	case "", "unknown", "na":
		c.Origin = "uncertain"
	case "maternal_inherited":
		c.Origin = "maternal"
	default:
		return CNV{}, fmt.Errorf("origin %q is not fetal, maternal or uncertain", origin)
	}
	return c, nil
}

func parseCoord(s string) (int, error) {
	v, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), ",", ""))
	if err != nil || v < 0 {
		return 0, fmt.Errorf("coordinate %q is not a non-negative integer", s)
	}
	return v, nil
}
