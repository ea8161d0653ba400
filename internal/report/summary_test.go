package report

import (
	"slices"
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
		// A failed sample's no-calls are all explained by the QC failure.
		if tc.name == "no call" && col(row, "no_call_reason") != "qc_fail" {
			t.Errorf("no-call reason %q, want qc_fail", col(row, "no_call_reason"))
		}
	}
}

// TestReasonLegend explains each code that occurs, once, in order.
func TestReasonLegend(t *testing.T) {
	col := slices.Index(SummaryColumns, "no_call_reason")
	row := func(reasons string) []string {
		r := make([]string, len(SummaryColumns))
		r[col] = reasons
		return r
	}
	got := reasonLegend([][]string{row("qc_fail"), row(""), row("low_ff;sca_inconclusive"), row("qc_fail;new_code")})
	var codes []string
	for _, r := range got {
		codes = append(codes, r.Code)
		if r.Meaning == "" {
			t.Errorf("%s unexplained", r.Code)
		}
	}
	if strings.Join(codes, ",") != "qc_fail,low_ff,sca_inconclusive,new_code" || got[3].Meaning != "see the sample report" {
		t.Errorf("legend %+v", got)
	}
}
