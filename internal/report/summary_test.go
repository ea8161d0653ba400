package report

import (
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
)

func TestSummaryRow(t *testing.T) {
	eu := euProfile(t)
	col := func(row []string, name string) string {
		for i, c := range SummaryColumns {
			if c == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	tests := []struct {
		name string
		p    *disclosure.Profile
		spec disclosure.FixtureSpec
		req  disclosure.Request
		want map[string]string
	}{
		{"blind SCA presence", disclosure.DefaultProfile(), disclosure.FixtureSpec{Sex: "male", Condition: "SCA"}, disclosure.Request{},
			map[string]string{"zX": "NA", "sca": "high_risk", "call21": "low_risk", "cnvs": "", "no_call_reason": ""}},
		{"typed, disclosed", eu, disclosure.FixtureSpec{Sex: "male", Condition: "SCA", SexAware: true}, disclosure.Request{SexRequested: true, Requester: "u"},
			map[string]string{"sca": "47,XXY", "qc_status": "pass", "reads": "8000000"}},
		{"CNV", eu, disclosure.FixtureSpec{Sex: "female", Condition: "CNV"}, disclosure.Request{},
			map[string]string{"cnvs": "chr4:10000000-16000000:loss:fetal;chr7:40000000-43000000:gain:maternal", "ff": "0.1000"}},
		{"no call", disclosure.DefaultProfile(), disclosure.FixtureSpec{Sex: "female", Condition: "lowff"}, disclosure.Request{},
			map[string]string{"call13": "no_call", "qc_status": "fail", "sca": "no_call"}},
	}
	for _, tc := range tests {
		tc.spec.Sample, tc.spec.Seed, tc.spec.BinSize = "S1", 3, 5_000_000
		v, err := disclosure.Apply(disclosure.Fixture(tc.spec), tc.p, tc.req)
		if err != nil {
			t.Fatal(err)
		}
		row, err := SummaryRow(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(row) != len(SummaryColumns) {
			t.Fatalf("%s: %d fields", tc.name, len(row))
		}
		for k, w := range tc.want {
			if got := col(row, k); got != w {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, w)
			}
		}
		if tc.name == "typed, disclosed" && col(row, "zX") == "NA" {
			t.Error("zX removed although the sex is disclosed under report_type")
		}
		if tc.name == "no call" && !strings.Contains(col(row, "no_call_reason"), "fetal fraction too low") {
			t.Errorf("no-call reason %q", col(row, "no_call_reason"))
		}
	}
}
