package analyze

import (
	"strings"
	"testing"
)

// FuzzParseSampleSheet: any text gives a sheet or an error naming a line,
// never a panic; every sample of a sheet has an ID and a known pregnancy.
func FuzzParseSampleSheet(f *testing.F) {
	f.Add("sample\tpregnancy\tsex_requested\tindication\nS1\ttwin\tyes\tDMD\nS2\tsingleton\tno\t\n")
	f.Add("\ufeffsample,pregnancy\nS1,twin\n")
	f.Add("# comment\nSAMPLE\tPregnancy\nS1\ttwin_monochorionic\n\nS2\n")
	f.Add("sample\tpregnancy\nS1\ttriplet\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ParseSampleSheet(strings.NewReader(text))
		if err != nil {
			if !strings.Contains(err.Error(), "line ") && !strings.Contains(err.Error(), "sample") {
				t.Errorf("error without a line or column: %v", err)
			}
			return
		}
		for id, info := range m {
			if id == "" {
				t.Error("empty sample ID accepted")
			}
			switch info.Pregnancy {
			case "", "singleton", "twin", "twin_monochorionic":
			default:
				t.Errorf("sample %q: pregnancy %q", id, info.Pregnancy)
			}
		}
	})
}
