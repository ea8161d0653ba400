package disclosure

import (
	"maps"
	"slices"

	"github.com/nipt/nipt/internal/result"
)

// clone returns a deep copy of r: no slice, map or pointer is shared, so
// redacting the copy never touches r.
func clone(r *result.Result) *result.Result {
	v := *r
	v.Runs = slices.Clone(r.Runs)
	v.QC.Reasons = slices.Clone(r.QC.Reasons)
	v.QC.Metrics = slices.Clone(r.QC.Metrics)
	for i, m := range v.QC.Metrics {
		v.QC.Metrics[i].Warn = clonePtr(m.Warn)
		v.QC.Metrics[i].Fail = clonePtr(m.Fail)
	}
	v.FetalFraction.Methods = slices.Clone(r.FetalFraction.Methods)
	v.Chromosomes = slices.Clone(r.Chromosomes)
	for i, c := range v.Chromosomes {
		v.Chromosomes[i].ZMethods = maps.Clone(c.ZMethods)
	}
	v.Aneuploidies = slices.Clone(r.Aneuploidies)
	v.CNVs = slices.Clone(r.CNVs)
	v.Segments = slices.Clone(r.Segments)
	v.AberrantAutosomes = slices.Clone(r.AberrantAutosomes)
	v.Bins = slices.Clone(r.Bins)
	if r.Disclosure != nil {
		d := *r.Disclosure
		d.Conditions = slices.Clone(d.Conditions)
		v.Disclosure = &d
	}
	return &v
}

func clonePtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	x := *p
	return &x
}
