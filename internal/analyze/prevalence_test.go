package analyze

import (
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
)

// A lab profile's prevalences replace the 10–14-week defaults; the
// built-in profiles' published prevalences (at birth) and performance
// entries without a prevalence do not.
func TestApplyProfilePrevalence(t *testing.T) {
	def := call.DefaultConfig()
	for _, p := range []*disclosure.Profile{disclosure.DefaultProfile(), disclosure.DemoProfile()} {
		if got := ApplyProfilePrevalence(def, p); got.Prevalence != def.Prevalence {
			t.Errorf("profile %s changed the prevalences to %+v", p.Name, got.Prevalence)
		}
	}
	lab := &disclosure.Profile{Name: "lab", Performance: []disclosure.Performance{
		{Condition: disclosure.T21, DetectionRate: 0.99, Specificity: 0.999, Prevalence: 0.01, Basis: "lab validation"},
		{Condition: disclosure.T18, DetectionRate: 0.97, Specificity: 0.999, PPV: 0.8, NPV: 0.9999, Basis: "lab validation"},
		{Condition: disclosure.RAT, DetectionRate: 0.9, Specificity: 0.999, Prevalence: 0.002, Basis: "lab validation"},
	}}
	got := ApplyProfilePrevalence(def, lab)
	want := def.Prevalence
	want.T21, want.RAT = 0.01, 0.002
	if got.Prevalence != want {
		t.Errorf("prevalences %+v, want %+v", got.Prevalence, want)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
}
