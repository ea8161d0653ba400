package refset

import (
	"fmt"
	"strings"

	"github.com/nipt/nipt/internal/counts"
)

// Read filters. A reference is a model of counts made one way: a sample
// counted with another mapping-quality threshold keeps other repeat
// reads, one deduplicated otherwise keeps other duplicates, and one with
// another short-fragment cut-off has other short shares — each shifts bins
// and fragment-size features the reference knows nothing of, a silent bias
// in z-scores and fetal fraction. Building from samples counted
// differently, or analysing a sample counted differently from its
// reference, is an error that names the options.

// filterDiff lists, as nipt count options, how b's filters differ from
// a's (reference): for paired-end data every filter, for single-end data
// those that apply to it.
func filterDiff(a, b counts.Filters, paired bool) []string {
	var d []string
	if a.MinMAPQ != b.MinMAPQ {
		d = append(d, fmt.Sprintf("--min-mapq %d (not %d)", a.MinMAPQ, b.MinMAPQ))
	}
	if a.Dedup != b.Dedup {
		d = append(d, fmt.Sprintf("--dedup %s (not %s)", a.Dedup, b.Dedup))
	}
	if paired {
		if a.ProperPairsOnly != b.ProperPairsOnly {
			d = append(d, fmt.Sprintf("--proper-pairs=%v (not %v)", a.ProperPairsOnly, b.ProperPairsOnly))
		}
		if a.ShortFragmentMax != b.ShortFragmentMax {
			d = append(d, fmt.Sprintf("--short-max %d (not %d)", a.ShortFragmentMax, b.ShortFragmentMax))
		}
		if a.MaxFragment != b.MaxFragment {
			d = append(d, fmt.Sprintf("--max-fragment %d (not %d)", a.MaxFragment, b.MaxFragment))
		}
	}
	return d
}

// commonFilters returns the read filters every sample was counted with
// (the first sample's, in ID order; paired-end filters from the first
// paired-end sample), or an error naming a sample counted otherwise.
func commonFilters(ps []*SampleProfile) (*counts.Filters, error) {
	var first, firstPaired *SampleProfile
	check := func(a, b *SampleProfile, paired bool) error {
		if d := filterDiff(*a.Filters, *b.Filters, paired); len(d) > 0 {
			return fmt.Errorf("reference samples %s and %s were counted with different read filters: count every reference sample with the same options (%s is counted with %s)", a.ID, b.ID, a.ID, strings.Join(d, ", "))
		}
		return nil
	}
	for _, p := range ps {
		if p.Filters == nil {
			return nil, fmt.Errorf("sample %s has no record of its read filters: recount it with nipt count", p.ID)
		}
		if first == nil {
			first = p
		}
		if err := check(first, p, false); err != nil {
			return nil, err
		}
		if p.Paired {
			if firstPaired == nil {
				firstPaired = p
			}
			if err := check(firstPaired, p, true); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case firstPaired != nil:
		f := *firstPaired.Filters
		return &f, nil
	case first != nil:
		f := *first.Filters
		return &f, nil
	}
	return nil, nil
}

// CheckFilters returns an error when sample c was counted with other read
// filters than the reference's samples (nil for a reference without the
// record).
func (r *Reference) CheckFilters(c *counts.Counts) error {
	if r.Filters == nil {
		return nil
	}
	if d := filterDiff(*r.Filters, c.Header.Filters, c.Header.Paired); len(d) > 0 {
		return fmt.Errorf("sample %s was counted with other read filters than the reference samples: recount it with %s", c.Header.Sample, strings.Join(d, ", "))
	}
	return nil
}
