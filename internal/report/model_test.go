package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
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
			{"T21", "Low risk", "No evidence of trisomy (PCA z = "}, {"T18", "Low risk", ""}, {"T13", "Low risk", ""}, {"SCA", "Not detected", ""}}},
		{"T21", def, disclosure.FixtureSpec{Sex: "female", Condition: "T21"}, OverallPositive, []want{
			{"T21", "High risk", "Increased dosage of chr21"}, {"T18", "Low risk", ""}}},
		{"low FF", def, disclosure.FixtureSpec{Sex: "female", Condition: "lowff"}, OverallFailure, []want{
			{"T21", "No call", "Fetal fraction too low"}, {"SCA", "No call", "Sex chromosome result inconclusive"}}},
		{"SCA presence only", def, disclosure.FixtureSpec{Sex: "female", Condition: "SCA"}, OverallPositive, []want{
			{"SCA", "Detected", "A sex chromosome aneuploidy is suspected. Maternal"}}},
		{"SCA typed", eu, disclosure.FixtureSpec{Sex: "female", Condition: "SCA"}, OverallPositive, []want{
			{"SCA", "Detected", "suspected: 47,XXX."}}},
		{"CNV", eu, disclosure.FixtureSpec{Sex: "male", Condition: "CNV"}, OverallPositive, []want{
			{"CNV", "High risk", "6.0 Mb loss (chr4:10.0 Mb–16.0 Mb, fetal"}, {"CNV", "High risk", "Maternal finding"}, {"RAT", "Low risk", ""}}},
		{"rare trisomy", eu, disclosure.FixtureSpec{Sex: "male", Condition: "T16"}, OverallPositive, []want{
			{"RAT", "High risk", "Suspected trisomy 16 (z = "}, {"T21", "Low risk", ""}}},
		// The demo profile has no figures for rare trisomies and CNVs.
		{"no performance figure", disclosure.DemoProfile(), disclosure.FixtureSpec{Sex: "female", Condition: "T16"}, OverallPositive, []want{
			{"RAT", "High risk", "Suspected trisomy 16 (z = "}, {"CNV", "Low risk", ""}, {"T21", "Low risk", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Sample, tc.spec.Seed, tc.spec.BinSize = "S1", 5, 5_000_000
			_, m := fixtureModel(t, tc.spec, tc.p, "")
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
				want := fmt.Sprintf("DR %.2f%%", 100*perf.DetectionRate)
				if !(perf.DetectionRate > 0) {
					// No figure in the profile: said so, never "0%".
					want = "Not established"
				}
				if !strings.Contains(l.Performance, want) || strings.Contains(l.Performance, "DR 0.00%") {
					t.Errorf("%s: performance %q, want it to contain %q", w.cond, l.Performance, want)
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

// narrowProfile is the default profile screening T21, T18, T13 and SCA
// only: no RAT, no CNV.
func narrowProfile() *disclosure.Profile {
	p := disclosure.DefaultProfile()
	p.Conditions = []string{disclosure.T21, disclosure.T18, disclosure.T13, disclosure.SCA}
	return p
}

// TestModelNotAnalysed: an analysis made under a narrower profile (no
// RAT, no CNV) reported under a wider one says "not analysed"
// for the missing conditions, never "low risk".
func TestModelNotAnalysed(t *testing.T) {
	eu := euProfile(t)
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "CNV", Seed: 5, BinSize: 5_000_000})
	analysed, err := disclosure.Apply(r, narrowProfile(), disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := disclosure.Apply(analysed, eu, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(v, eu, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{disclosure.RAT, disclosure.CNV} {
		if l := lineFor(m, c); l == nil || l.Result != "No call" || !strings.HasPrefix(l.Detail, "Not analysed") {
			t.Errorf("%s: %+v, want a not-analysed no call", c, l)
		}
	}
	if l := lineFor(m, disclosure.T21); l == nil || l.Result != "Low risk" {
		t.Errorf("T21: %+v", l)
	}
	if m.Overall != OverallInconclusive {
		t.Errorf("overall %s with conditions not analysed", m.Overall)
	}
}

// TestTrisomyDetails: the details name the z-score method, the detection
// probability of a low-risk call and the fetal fraction a high-risk call
// implies.
func TestTrisomyDetails(t *testing.T) {
	for _, tc := range []struct {
		f    result.Finding
		want []string
	}{
		{result.Finding{Chrom: "chr21", Call: result.LowRisk, Z: 0.4, LogLR: -8, PDetect: 0.9873, Method: "pca"},
			[]string{"PCA z = 0.40", "detected with probability 98.7%"}},
		{result.Finding{Chrom: "chr21", Call: result.LowRisk, Z: 0.4, PDetect: 0.99996, Method: "ncv"},
			[]string{"NCV z = 0.40", "probability > 99.9%"}},
		{result.Finding{Chrom: "chr18", Call: result.HighRisk, Z: 9.1, FFImplied: 0.112, Method: "reference_bins"},
			[]string{"reference-bin z = 9.10", "implied fetal fraction 11.2%"}},
		{result.Finding{Chrom: "chr13", Call: result.NoCall, PDetect: 0.5, NoCallReason: "fetal fraction or depth too low: a trisomy would be detected with probability 50% (< 95%)"},
			[]string{"Fetal fraction or depth too low: a trisomy would be detected with probability 50% (< 95%)"}},
		{result.Finding{Chrom: "chr13", Call: result.NoCall, PDetect: 0.321, NoCallReason: "fetal fraction too low: estimate 3.0% is below the floor 6.1%"},
			[]string{"Fetal fraction too low: estimate 3.0% is below the floor 6.1%; a full trisomy would be detected with probability 32.1%"}},
		// A reason starting with a multi-byte letter keeps it whole.
		{result.Finding{Chrom: "chr13", Call: result.NoCall, NoCallReason: "état incertain"},
			[]string{"État incertain"}},
	} {
		l := trisomyLine(Line{}, tc.f, true)
		if strings.Count(l.Detail, "probability") > 1 {
			t.Errorf("detection probability stated twice: %q", l.Detail)
		}
		for _, w := range tc.want {
			if !strings.Contains(l.Detail, w) {
				t.Errorf("%s %s: detail %q lacks %q", tc.f.Chrom, tc.f.Call, l.Detail, w)
			}
		}
	}
}

// TestNoPowerAfterFailedQC: a failed sample's no-calls state the failure
// only; a detection probability would suggest the data were usable.
func TestNoPowerAfterFailedQC(t *testing.T) {
	l := trisomyLine(Line{}, result.Finding{Chrom: "chr21", Call: result.NoCall, PDetect: 0.99, NoCallReason: "sample failed QC"}, false)
	if l.Detail != "Sample failed QC" {
		t.Errorf("detail %q", l.Detail)
	}
}

// TestQCReasons re-states the engine's reasons from their metrics, with
// the metric's printed name and format.
func TestQCReasons(t *testing.T) {
	w, f := 2e6, 5e5
	fw, ff := 0.04, 0.02
	q := result.QC{
		Reasons: []string{"reads warn: 845432 below threshold 2e+06", "fetal_fraction fail: could not be measured", "something else entirely"},
		Metrics: []result.Metric{
			{Name: "reads", Value: 845432, Warn: &w, Fail: &f, Status: result.QCWarn},
			{Name: "fetal_fraction", Value: 0, Warn: &fw, Fail: &ff, Status: result.QCFail},
		},
	}
	got := qcReasons(q)
	want := []string{"Reads 845,432, below the warning threshold 2,000,000", "Fetal fraction could not be measured", "something else entirely"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("reasons\n%q\nwant\n%q", got, want)
	}
}

// fixtureModel returns the redacted view of a fixture result under profile
// p (no disclosure request) and its report model dated date.
func fixtureModel(t testing.TB, spec disclosure.FixtureSpec, p *disclosure.Profile, date string) (*result.Result, *Model) {
	t.Helper()
	v, err := disclosure.Apply(disclosure.Fixture(spec), p, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(v, p, date)
	if err != nil {
		t.Fatal(err)
	}
	return v, m
}

// TestMethodBatchCorrection: the method section says when the chromosome
// dosages were batch-corrected, and only then.
func TestMethodBatchCorrection(t *testing.T) {
	v := &result.Result{Tool: result.Tool{Name: "nipt", Version: "test"}, Chromosomes: []result.Chromosome{{Chrom: "chr1"}, {Chrom: "chr2"}}}
	has := func() bool {
		for _, l := range methodText(v) {
			if strings.Contains(l, "Batch correction") {
				return true
			}
		}
		return false
	}
	if has() {
		t.Error("uncorrected result described as batch-corrected")
	}
	v.Chromosomes[1].BatchOffset = -0.004
	if !has() {
		t.Error("batch-corrected result without the method line")
	}
}

// TestModelAberrationNote: a sample with changes on three autosomes (a
// maternal tumour's pattern) gets the explanation first in the
// recommendation, naming the autosomes, and a QC warning; a sample with
// a fetal and a maternal CNV (two autosomes) gets neither; a view for a
// laboratory that does not screen CNVs does not mention them.
func TestModelAberrationNote(t *testing.T) {
	eu := euProfile(t)
	spec := disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "multiple", Seed: 5, BinSize: 5_000_000}
	v, m := fixtureModel(t, spec, eu, "")
	if v.QC.Status != result.QCWarn || !strings.HasPrefix(m.Recommendation, "Changes were found on 3 autosomes (chr1, chr8, chr16)") {
		t.Errorf("QC %s, recommendation %q", v.QC.Status, m.Recommendation)
	}
	if !strings.Contains(strings.Join(m.QCReasons, "; "), "Autosomes with a change 3, above the warning threshold 2") {
		t.Errorf("QC reasons %q", m.QCReasons)
	}
	spec.Condition = "CNV"
	_, m = fixtureModel(t, spec, eu, "")
	if strings.Contains(m.Recommendation, "Changes were found") {
		t.Errorf("two autosomes: %q", m.Recommendation)
	}
	spec.Condition = "multiple"
	_, m = fixtureModel(t, spec, narrowProfile(), "")
	if strings.Contains(m.Recommendation, "Changes were found") || strings.Contains(strings.Join(m.QCReasons, " "), "Autosomes") {
		t.Errorf("a profile without CNV screening: %q, %q", m.Recommendation, m.QCReasons)
	}
}

// TestModelTwinPregnancy: a twin pregnancy's report says that its results
// concern at least one fetus and which share of the fetal fraction the
// calls assumed, and does not assess the sex chromosomes — nor state a
// fetal sex where the policy would allow one.
func TestModelTwinPregnancy(t *testing.T) {
	eu := euProfile(t)
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 5, BinSize: 5_000_000, FF: 0.14})
	r.Pregnancy = "twin"
	v, err := disclosure.Apply(r, eu, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(v, eu, "")
	if err != nil {
		t.Fatal(err)
	}
	var sca Line
	for _, l := range m.Lines {
		if l.Condition == disclosure.SCA {
			sca = l
		}
	}
	if sca.Result != "No call" || sca.Detail != "Not assessed in a twin pregnancy" {
		t.Errorf("SCA line %+v", sca)
	}
	if !strings.Contains(strings.Join(m.Limitations, " "), "Twin pregnancy: the results concern at least one of the fetuses, which cannot be told apart. The calls assume that each fetus carries half the measured fetal fraction (7.0% of 14.0%)") {
		t.Errorf("limitations %q", m.Limitations)
	}
	// A profile that discloses fetal sex on request: not for twins.
	p, err := disclosure.LoadProfile(filepath.Join("..", "..", "examples", "lab-profile-eu.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p.FetalSex, p.Audit = disclosure.FetalSexOnRequest, &disclosure.MemoryAuditLog{}
	r.SexBlindAnalysis = false
	v, err = disclosure.Apply(r, p, disclosure.Request{SexRequested: true, Requester: "u"})
	if err != nil {
		t.Fatal(err)
	}
	if got := sexStatement(v, p); got != "Not assessed in a twin pregnancy." {
		t.Errorf("sex statement %q", got)
	}
	// Monochorionic twins share one karyotype: the sex chromosomes are
	// assessed, and the report says the results apply to both.
	r.Pregnancy, r.SexBlindAnalysis = "twin_monochorionic", true
	v, err = disclosure.Apply(r, eu, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err = NewModel(v, eu, ""); err != nil {
		t.Fatal(err)
	}
	lim := strings.Join(m.Limitations, " ")
	if !strings.Contains(lim, "Monochorionic twin pregnancy: the twins are taken to share one karyotype") || strings.Contains(lim, "half the measured") {
		t.Errorf("monochorionic limitations %q", m.Limitations)
	}
	for _, l := range m.Lines {
		if l.Condition == disclosure.SCA && l.Detail == "Not assessed in a twin pregnancy" {
			t.Error("monochorionic twins: SCA not assessed")
		}
	}
}
