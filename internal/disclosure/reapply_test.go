package disclosure

import (
	"slices"
	"strings"
	"testing"
)

// TestApplyBlindOnDisclosedViewRefusedForBothSexes: a view made with fetal
// sex available, re-applied under a sex-blind policy, is refused for a
// female fetus exactly as for a male one, with the same message, so the
// outcome of nipt report reveals nothing.
func TestApplyBlindOnDisclosedViewRefusedForBothSexes(t *testing.T) {
	open, _ := testProfile(FetalSexOnRequest, SCAReportPresence)
	never, _ := testProfile(FetalSexNever, SCAReportPresence)
	never.Name = "strict"
	msgs := map[string]string{}
	for _, sex := range []string{"male", "female"} {
		r := Fixture(FixtureSpec{Sample: "S7", Sex: sex, Seed: 5, SexAware: true})
		v, err := Apply(r, open, Request{SexRequested: true, Requester: "dr.d"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Disclosure.SexBlind {
			t.Fatalf("%s: disclosed view marked sex-blind", sex)
		}
		_, err = Apply(v, never, Request{})
		if err == nil {
			t.Fatalf("%s: a disclosed view was re-applied under a sex-blind policy", sex)
		}
		msgs[sex] = err.Error()
	}
	if msgs["male"] != msgs["female"] || !strings.Contains(msgs["male"], "rerun nipt analyze") {
		t.Errorf("refusals differ or give no fix:\nmale:   %s\nfemale: %s", msgs["male"], msgs["female"])
	}
}

// TestApplyRecordsConditions: a view records the conditions it carries, and
// a later view never claims a condition an earlier one dropped.
func TestApplyRecordsConditions(t *testing.T) {
	r := Fixture(FixtureSpec{Sample: "S8", Sex: "female", Condition: "CNV", Seed: 6})
	narrow, _ := testProfile(FetalSexNever, SCAReportPresence) // T21, T18, T13, SCA
	wide, _ := testProfile(FetalSexNever, SCAReportPresence, AllConditions...)
	for _, tc := range []struct {
		name  string
		steps []*Profile
		want  []string
	}{
		{"full result, narrow profile", []*Profile{narrow}, []string{T21, T18, T13, SCA}},
		{"full result, wide profile", []*Profile{wide}, AllConditions},
		{"narrow then wide", []*Profile{narrow, wide}, []string{T21, T18, T13, SCA}},
		{"wide then narrow", []*Profile{wide, narrow}, []string{T21, T18, T13, SCA}},
	} {
		v := r
		for _, p := range tc.steps {
			var err error
			if v, err = Apply(v, p, Request{}); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(v.Disclosure.Conditions, tc.want) {
			t.Errorf("%s: conditions %v, want %v", tc.name, v.Disclosure.Conditions, tc.want)
		}
	}
	// A view without a record (written before views had one) is taken to
	// carry every condition.
	old, err := Apply(r, wide, Request{})
	if err != nil {
		t.Fatal(err)
	}
	old.Disclosure.Conditions = nil
	v, err := Apply(old, wide, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Disclosure.Conditions, AllConditions) {
		t.Errorf("view without a record: %v", v.Disclosure.Conditions)
	}
}

// TestVerifyErrorNamesFieldNotText: the refusal names the offending field
// but does not repeat the text it withholds.
func TestVerifyErrorNamesFieldNotText(t *testing.T) {
	never, _ := testProfile(FetalSexNever, SCAReportPresence)
	r := Fixture(FixtureSpec{Sample: "S9", Sex: "male", Seed: 1})
	r.Aneuploidies[0].NoCallReason = "male fetus: low FF"
	_, err := Apply(r, never, Request{})
	if err == nil || forbidden.MatchString(err.Error()) || !strings.Contains(err.Error(), "Aneuploidies[0].NoCallReason") {
		t.Errorf("error %v: want the field named and no sex word", err)
	}
}
