package disclosure

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
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

// TestApplyBlindOnSexAwareResultRefusedForBothSexes: a raw result that was
// not analysed sex-blind is refused under every sex-blind policy for a male
// and a female fetus alike, with the identical message; the sex-blind
// analyses of both pass. A raw result that lost the engine's record (read
// back from JSON, where it is not written) is refused the same way. Before
// the record existed, Apply refused only results whose fetal fraction used
// chrY, i.e. only male fetuses, so the refusal itself told the sex.
func TestApplyBlindOnSexAwareResultRefusedForBothSexes(t *testing.T) {
	never, _ := testProfile(FetalSexNever, SCAReportPresence)
	indication, _ := testProfile(FetalSexMedicalIndication, SCAOff)
	request, _ := testProfile(FetalSexOnRequest, SCAReportType)
	for _, p := range []*Profile{never, indication, request} {
		for _, cond := range []string{"euploid", "T21", "lowff"} {
			msgs := map[string]string{}
			for _, sex := range []string{"male", "female"} {
				aware := Fixture(FixtureSpec{Sample: "S4", Sex: sex, Condition: cond, Seed: 9, SexAware: true})
				v, err := Apply(aware, p, Request{Requester: "dr.e"})
				if err == nil || v != nil {
					t.Fatalf("%s/%s/%s: sex-aware result accepted under a sex-blind request", p.FetalSex, cond, sex)
				}
				msgs[sex] = err.Error()
				data, jerr := json.Marshal(Fixture(FixtureSpec{Sample: "S4", Sex: sex, Condition: cond, Seed: 9}))
				var read result.Result
				if jerr == nil {
					jerr = json.Unmarshal(data, &read)
				}
				if jerr != nil {
					t.Fatal(jerr)
				}
				if _, err := Apply(&read, p, Request{}); err == nil || err.Error() != msgs[sex] {
					t.Errorf("%s/%s/%s: raw result read from JSON: error %v, want %q", p.FetalSex, cond, sex, err, msgs[sex])
				}
				blind := Fixture(FixtureSpec{Sample: "S4", Sex: sex, Condition: cond, Seed: 9})
				if _, err := Apply(blind, p, Request{Requester: "dr.e"}); err != nil {
					t.Errorf("%s/%s/%s: sex-blind result refused: %v", p.FetalSex, cond, sex, err)
				}
			}
			if msgs["male"] != msgs["female"] || !strings.Contains(msgs["male"], "rerun the analysis sex-blind") || forbidden.MatchString(msgs["male"]) {
				t.Errorf("%s/%s: refusals differ, give no fix or name a sex:\nmale:   %s\nfemale: %s", p.FetalSex, cond, msgs["male"], msgs["female"])
			}
		}
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
