package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
)

func euProfile(t testing.TB) *disclosure.Profile {
	t.Helper()
	p, err := disclosure.LoadProfile(filepath.Join("..", "..", "examples", "lab-profile-eu.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p.Audit = &disclosure.MemoryAuditLog{}
	return p
}

func TestModelLines(t *testing.T) {
	def := disclosure.DefaultProfile()
	eu := euProfile(t)
	type want struct{ cond, result, detail string }
	tests := []struct {
		name    string
		p       *disclosure.Profile
		spec    disclosure.FixtureSpec
		overall string
		lines   []want
	}{
		{"euploid", def, disclosure.FixtureSpec{Sex: "male"}, OverallNegative, []want{
			{"T21", "Low risk", "No evidence of trisomy (z = "}, {"T18", "Low risk", ""}, {"T13", "Low risk", ""}, {"SCA", "Not detected", ""}}},
		{"T21", def, disclosure.FixtureSpec{Sex: "female", Condition: "T21"}, OverallPositive, []want{
			{"T21", "High risk", "Increased dosage of chr21"}, {"T18", "Low risk", ""}}},
		{"low FF", def, disclosure.FixtureSpec{Sex: "female", Condition: "lowff"}, OverallFailure, []want{
			{"T21", "No call", "fetal fraction too low"}, {"SCA", "No call", disclosure.GenericSCANoCall}}},
		{"SCA presence only", def, disclosure.FixtureSpec{Sex: "female", Condition: "SCA"}, OverallPositive, []want{
			{"SCA", "Detected", "A sex chromosome aneuploidy is suspected. Maternal"}}},
		{"SCA typed", eu, disclosure.FixtureSpec{Sex: "female", Condition: "SCA"}, OverallPositive, []want{
			{"SCA", "Detected", "suspected: 47,XXX."}}},
		{"CNV", eu, disclosure.FixtureSpec{Sex: "male", Condition: "CNV"}, OverallPositive, []want{
			{"CNV", "High risk", "6.0 Mb loss (chr4:10.0 Mb–16.0 Mb, fetal"}, {"CNV", "High risk", "Maternal finding"}, {"RAT", "Low risk", ""}}},
		{"rare trisomy", eu, disclosure.FixtureSpec{Sex: "male", Condition: "T16"}, OverallPositive, []want{
			{"RAT", "High risk", "Suspected trisomy 16 (z = "}, {"T21", "Low risk", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Sample, tc.spec.Seed, tc.spec.BinSize = "S1", 5, 5_000_000
			v, err := disclosure.Apply(disclosure.Fixture(tc.spec), tc.p, disclosure.Request{})
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewModel(v, tc.p, "")
			if err != nil {
				t.Fatal(err)
			}
			if m.Overall != tc.overall {
				t.Errorf("overall %s (%s), want %s", m.Overall, m.OverallText, tc.overall)
			}
			if len(m.Lines) != len(tc.p.Conditions) {
				t.Errorf("%d lines for %d screened conditions", len(m.Lines), len(tc.p.Conditions))
			}
			for _, w := range tc.lines {
				l := lineFor(m, w.cond)
				if l == nil || l.Result != w.result || !strings.Contains(l.Detail, w.detail) {
					t.Errorf("%s: got %+v, want result %q with detail containing %q", w.cond, l, w.result, w.detail)
					continue
				}
				perf, _ := tc.p.PerformanceFor(w.cond)
				if !strings.Contains(l.Performance, fmt.Sprintf("DR %.2f%%", 100*perf.DetectionRate)) {
					t.Errorf("%s: performance %q lacks the profile's detection rate", w.cond, l.Performance)
				}
			}
			if !strings.Contains(m.Recommendation, "amniocentesis") || len(m.Limitations) < 3 {
				t.Error("recommendation or limitations missing")
			}
		})
	}
}

func lineFor(m *Model, cond string) *Line {
	for i := range m.Lines {
		if m.Lines[i].Condition == cond {
			return &m.Lines[i]
		}
	}
	return nil
}

func TestModelRejectsUnredacted(t *testing.T) {
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "male", BinSize: 5_000_000})
	if _, err := NewModel(r, disclosure.DefaultProfile(), ""); err == nil {
		t.Error("a result that did not pass disclosure.Apply was accepted")
	}
}

func TestSexStatement(t *testing.T) {
	eu := euProfile(t)
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", BinSize: 5_000_000, SexAware: true})
	v, err := disclosure.Apply(r, eu, disclosure.Request{SexRequested: true, Requester: "dr.x"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(v, eu, "2025-01-02")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.SexStatement, "Female (reported on request") {
		t.Errorf("disclosed sex statement %q", m.SexStatement)
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{pct1(0.0912), "9.1%"},
		{pct2(0.714), "71.40%"},
		{pct2(0.99995), "> 99.99%"},
		{pct2(1), "100.00%"},
		{thousands(8000000), "8,000,000"},
		{thousands(999), "999"},
		{thousands(-1234), "-1,234"},
		{binSize(100_000), "100 kb"},
		{binSize(1_000_000), "1 Mb"},
		{binSize(1500), "1500 bp"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
