package disclosure

import (
	"strings"
	"testing"
)

// FuzzParseProfile: any TOML text gives a valid profile or an error, never
// a panic, and a profile it accepts passes its own validation: a known
// fetal-sex policy and SCA policy, conditions it knows.
func FuzzParseProfile(f *testing.F) {
	f.Add(validProfile)
	f.Add("[disclosure]\nfetal_sex = \"on_request\"\n")
	f.Add("conditions = [\"T21\", \"RAT\"]\n[disclosure]\nfetal_sex = \"never\"\nsex_chromosome_aneuploidy = \"off\"\n")
	f.Add("[qc.reads]\nwarn = 1e9\nfail = -1\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParseProfile(strings.NewReader(src), "f.toml", "f")
		if err != nil {
			return
		}
		switch p.FetalSex {
		case FetalSexNever, FetalSexMedicalIndication, FetalSexOnRequest:
		default:
			t.Errorf("fetal_sex %q accepted", p.FetalSex)
		}
		switch p.SCA {
		case SCAOff, SCAReportPresence, SCAReportType:
		default:
			t.Errorf("SCA policy %q accepted", p.SCA)
		}
		for _, c := range p.Conditions {
			if !p.Screens(c) {
				t.Errorf("condition %q listed but not screened", c)
			}
		}
	})
}
