package disclosure

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/result"
)

// dump is a byte-exact rendering of everything a view carries: its JSON and
// its bins (which result.json does not hold).
func dump(t *testing.T, r *result.Result) string {
	t.Helper()
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(js)
	for _, x := range r.Bins {
		fmt.Fprintf(&b, "\n%s %d %d %s %s %t", x.Chrom, x.Start, x.End,
			strconv.FormatFloat(x.Ratio, 'g', -1, 64), strconv.FormatFloat(x.Z, 'g', -1, 64), x.Masked)
	}
	return b.String()
}

// forbidden are strings no sex-blind output may contain.
var forbidden = regexp.MustCompile(`(?i:male|chr[xy]\b|fetal_sex)|XY|XX`)

func testProfile(fs FetalSexPolicy, sca SCAPolicy, conds ...string) (*Profile, *MemoryAuditLog) {
	p := DefaultProfile()
	p.Name, p.FetalSex, p.SCA = "test", fs, sca
	switch {
	case len(conds) > 0:
		p.Conditions = conds
	case sca == SCAOff:
		p.Conditions = []string{T21, T18, T13}
	default:
		p.Conditions = []string{T21, T18, T13, SCA}
	}
	log := &MemoryAuditLog{}
	p.Audit = log
	return p, log
}

func TestApplyMatrix(t *testing.T) {
	duchenne := "Duchenne muscular dystrophy (X-linked)"
	requests := []struct {
		name  string
		fs    FetalSexPolicy
		req   Request
		blind bool
	}{
		{"never", FetalSexNever, Request{SexRequested: true, Indication: duchenne, Requester: "dr.a"}, true},
		{"indication/none", FetalSexMedicalIndication, Request{SexRequested: true, Requester: "dr.a"}, true},
		{"indication/given", FetalSexMedicalIndication, Request{Indication: duchenne, Requester: "dr.a"}, false},
		{"request/no", FetalSexOnRequest, Request{Requester: "dr.a"}, true},
		{"request/yes", FetalSexOnRequest, Request{SexRequested: true, Requester: "dr.a"}, false},
	}
	var logs strings.Builder
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)
	defer func() {
		// Log lines may say that a disclosure happened, never what it was.
		if loc := forbidden.FindStringIndex(logs.String()); loc != nil || !strings.Contains(logs.String(), "disclosure recorded") {
			t.Errorf("log lines reveal sex or miss the disclosure: %s", logs.String())
		}
	}()
	for _, rq := range requests {
		for _, sca := range []SCAPolicy{SCAOff, SCAReportPresence, SCAReportType} {
			for _, cond := range []string{"euploid", "T21", "SCA", "lowff"} {
				name := fmt.Sprintf("%s/%s/%s", rq.name, sca, cond)
				t.Run(name, func(t *testing.T) {
					p, log := testProfile(rq.fs, sca)
					views := map[string]*result.Result{}
					for _, sex := range []string{"male", "female"} {
						r := Fixture(FixtureSpec{Sample: "S1", Sex: sex, Condition: cond, Seed: 7, SexAware: !rq.blind, BinSize: 5_000_000})
						before := dump(t, r)
						v, err := Apply(r, p, rq.req)
						if err != nil {
							t.Fatal(err)
						}
						if dump(t, r) != before {
							t.Fatal("Apply modified its input")
						}
						views[sex] = v
						checkView(t, v, r, p, rq.blind)
					}
					m, f := dump(t, views["male"]), dump(t, views["female"])
					if rq.blind {
						if sca == SCAReportType && cond == "SCA" {
							// The named types differ (47,XXY vs 47,XXX), as the
							// policy allows; everything else must not.
							views["male"].SCA.Type, views["female"].SCA.Type = "", ""
							m, f = dump(t, views["male"]), dump(t, views["female"])
						}
						if m != f {
							t.Errorf("sex-blind views of a male and a female fetus differ:\n%s", firstDiff(m, f))
						}
						if loc := forbidden.FindStringIndex(m); loc != nil {
							t.Errorf("sex-blind view contains %q", m[loc[0]:loc[1]])
						}
						if len(log.Entries) != 0 {
							t.Errorf("audit entries for a sex-blind view: %v", log.Entries)
						}
					} else {
						if m == f {
							t.Error("disclosed views of a male and a female fetus are identical")
						}
						if len(log.Entries) != 2 {
							t.Fatalf("%d audit entries, want one per disclosure (2)", len(log.Entries))
						}
						e := log.Entries[0]
						if e.Requester != "dr.a" || e.Sample != "S1" || e.Policy != string(rq.fs) || e.Indication != strings.TrimSpace(rq.req.Indication) || e.Event != "fetal_sex_disclosed" {
							t.Errorf("audit entry %+v", e)
						}
					}
				})
			}
		}
	}
}

// checkView asserts the per-view invariants of the policy.
func checkView(t *testing.T, v, r *result.Result, p *Profile, blind bool) {
	t.Helper()
	d := v.Disclosure
	if d == nil || d.Profile != "test" || d.FetalSex != string(p.FetalSex) || d.SexChromosomeAneuploidy != string(p.SCA) || d.SexBlind != blind {
		t.Fatalf("disclosure record %+v", d)
	}
	if err := Verify(v); err != nil {
		t.Errorf("Verify: %v", err)
	}
	sexBins := 0
	for _, b := range v.Bins {
		if IsSexChrom(b.Chrom) {
			sexBins++
		}
	}
	if blind {
		if v.FetalSex != "" || d.FetalSexDisclosed || sexBins != 0 || len(v.Chromosomes) != 22 {
			t.Errorf("blind view: sex %q disclosed %v, %d sex bins, %d chromosomes", v.FetalSex, d.FetalSexDisclosed, sexBins, len(v.Chromosomes))
		}
		for _, m := range v.FetalFraction.Methods {
			if m.Method == "chrY" || m.Method == "chrX" {
				t.Errorf("blind view lists FF method %s", m.Method)
			}
		}
		if v.FetalFraction.Value != r.FetalFraction.Value {
			t.Error("blind view changed the fetal fraction")
		}
	} else if v.FetalSex != r.FetalSex || !d.FetalSexDisclosed || sexBins == 0 || len(v.Chromosomes) != 24 {
		t.Errorf("disclosed view: sex %q, %d sex bins, %d chromosomes", v.FetalSex, sexBins, len(v.Chromosomes))
	}
	switch p.SCA {
	case SCAOff:
		if v.SCA != (result.SCA{}) {
			t.Errorf("SCA off but view has %+v", v.SCA)
		}
	case SCAReportPresence:
		if v.SCA.Call != r.SCA.Call || v.SCA.Type != "" || v.SCA.ZX != 0 || v.SCA.ZY != 0 || !d.SCAZRemoved {
			t.Errorf("presence-only SCA %+v", v.SCA)
		}
	case SCAReportType:
		if v.SCA.Call != r.SCA.Call || v.SCA.Type != r.SCA.Type || (v.SCA.ZX != 0) == blind || d.SCAZRemoved != blind {
			t.Errorf("typed SCA %+v (blind %v)", v.SCA, blind)
		}
	}
	if v.SCA.NoCallReason != "" && (blind || p.SCA == SCAReportPresence) && v.SCA.NoCallReason != GenericSCANoCall {
		t.Errorf("SCA no-call reason %q not generic", v.SCA.NoCallReason)
	}
	// Common trisomies always survive; RAT and CNV only when screened.
	if len(v.Aneuploidies) != 3 || v.Aneuploidies[0].Condition != "T21" || len(v.CNVs) != 0 {
		t.Errorf("findings %d, CNVs %d (profile screens %v)", len(v.Aneuploidies), len(v.CNVs), p.Conditions)
	}
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-80, 0)
	return fmt.Sprintf("male:   …%s\nfemale: …%s", a[lo:min(i+80, len(a))], b[lo:min(i+80, len(b))])
}

func TestApplyConditionsFilter(t *testing.T) {
	r := Fixture(FixtureSpec{Sample: "S2", Sex: "female", Condition: "CNV", Seed: 3})
	all, _ := testProfile(FetalSexNever, SCAReportPresence, AllConditions...)
	v, err := Apply(r, all, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Aneuploidies) != 22 || len(v.CNVs) != 2 {
		t.Errorf("all conditions: %d findings, %d CNVs", len(v.Aneuploidies), len(v.CNVs))
	}
	cn, _ := testProfile(FetalSexNever, SCAOff)
	v, err = Apply(r, cn, Request{})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(v)
	if len(v.Aneuploidies) != 3 || len(v.CNVs) != 0 || !strings.Contains(string(js), `"sex_chromosomes":{}`) || !strings.Contains(string(js), `"cnvs":[]`) {
		t.Errorf("T21/T18/T13 profile: %d findings, %d CNVs, %s", len(v.Aneuploidies), len(v.CNVs), js)
	}
}

func TestApplyFailsClosed(t *testing.T) {
	never, _ := testProfile(FetalSexNever, SCAReportPresence)
	onReq, _ := testProfile(FetalSexOnRequest, SCAReportPresence)
	broken, _ := testProfile(FetalSexOnRequest, SCAReportPresence)
	broken.Audit = failingLog{}
	noLog, _ := testProfile(FetalSexOnRequest, SCAReportPresence)
	noLog.Audit = nil
	male := func(edit func(*result.Result)) *result.Result {
		r := Fixture(FixtureSpec{Sample: "S3", Sex: "male", Seed: 1})
		edit(r)
		return r
	}
	asked := Request{SexRequested: true, Requester: "dr.b"}
	tests := []struct {
		name string
		r    *result.Result
		p    *Profile
		req  Request
		want string
	}{
		{"FF used chrY", male(func(r *result.Result) { r.FetalFraction.Methods[2].Used = true }), never, Request{}, "used a sex-chromosome estimate"},
		{"sex in QC reason", male(func(r *result.Result) { r.QC.Reasons = []string{"chrY fraction inconsistent"} }), never, Request{}, "sex-revealing text"},
		{"sex in no-call reason", male(func(r *result.Result) { r.Aneuploidies[0].NoCallReason = "male fetus: low FF" }), never, Request{}, "sex-revealing text"},
		{"sex-specific z method", male(func(r *result.Result) { r.Chromosomes[0].ZMethods["XY_reference"] = 1 }), never, Request{}, "sex-revealing text"},
		{"no requester", male(func(*result.Result) {}), onReq, Request{SexRequested: true}, "must name the requester"},
		{"audit fails", male(func(*result.Result) {}), broken, asked, "fetal sex withheld"},
		{"no audit log", male(func(*result.Result) {}), noLog, asked, "has no audit log"},
	}
	for _, tc := range tests {
		v, err := Apply(tc.r, tc.p, tc.req)
		if err == nil || v != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: view %v, error %v; want %q", tc.name, v != nil, err, tc.want)
		}
		// Where the policy forbids disclosure, an error shown for one sample
		// must not itself name what it withholds.
		if msg := strings.ToLower(fmt.Sprint(err)); tc.p.SexBlind(tc.req) && (strings.Contains(msg, "male") || strings.Contains(msg, "chry") || strings.Contains(msg, "chrx")) {
			t.Errorf("%s: error %q names a sex", tc.name, err)
		}
	}
	if _, err := Apply(nil, never, Request{}); err == nil {
		t.Error("nil result accepted")
	}
	if _, err := Apply(male(func(*result.Result) {}), nil, Request{}); err == nil {
		t.Error("nil profile accepted")
	}
}

type failingLog struct{}

func (failingLog) Record(AuditEntry) error { return errors.New("disk full") }

func TestApplyTwiceNeverRestores(t *testing.T) {
	r := Fixture(FixtureSpec{Sample: "S4", Sex: "male", Condition: "SCA", Seed: 2})
	typed, _ := testProfile(FetalSexNever, SCAReportPresence)
	v1, err := Apply(r, typed, Request{})
	if err != nil {
		t.Fatal(err)
	}
	open, log := testProfile(FetalSexOnRequest, SCAReportType)
	v2, err := Apply(v1, open, Request{SexRequested: true, Requester: "dr.c"})
	if err != nil {
		t.Fatal(err)
	}
	if v2.FetalSex != "" || v2.SCA.Type != "" || !v2.Disclosure.SexBlind || !v2.Disclosure.SCAZRemoved || v2.Disclosure.FetalSexDisclosed || len(log.Entries) != 0 {
		t.Errorf("second view restored data: %+v %+v, %d audit entries", v2.SCA, v2.Disclosure, len(log.Entries))
	}
}

func TestVerifyRejects(t *testing.T) {
	p, _ := testProfile(FetalSexNever, SCAReportPresence)
	v, err := Apply(Fixture(FixtureSpec{Sample: "S5", Sex: "female", Seed: 4}), p, Request{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*result.Result)
	}{
		{"no record", func(v *result.Result) { v.Disclosure = nil }},
		{"sex", func(v *result.Result) { v.FetalSex = "female" }},
		{"chrX bin", func(v *result.Result) { v.Bins = append(v.Bins, result.Bin{Chrom: "X"}) }},
		{"chrY row", func(v *result.Result) { v.Chromosomes = append(v.Chromosomes, result.Chromosome{Chrom: "chrY"}) }},
		{"zX", func(v *result.Result) { v.SCA.ZX = -3 }},
		{"type", func(v *result.Result) { v.SCA.Type = "45,X" }},
		{"karyotype text", func(v *result.Result) { v.QC.Reasons = append(v.QC.Reasons, "consistent with 45,X") }},
		{"segment", func(v *result.Result) { v.Segments = append(v.Segments, result.Segment{Chrom: "chrX"}) }},
		{"cnv", func(v *result.Result) { v.CNVs = append(v.CNVs, result.CNV{Chrom: "chrY"}) }},
		{"ff method", func(v *result.Result) {
			v.FetalFraction.Methods = append(v.FetalFraction.Methods, result.FFEstimate{Method: "y_fraction"})
		}},
	}
	for _, tc := range tests {
		w := clone(v)
		tc.edit(w)
		if err := Verify(w); err == nil {
			t.Errorf("%s: Verify accepted a leaking view", tc.name)
		}
	}
	if err := Verify(v); err != nil {
		t.Errorf("clean view rejected: %v", err)
	}
}

func TestFileAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l := NewFileAuditLog(path)
	l.Now = func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("CST", 8*3600)) }
	for _, s := range []string{"A", "B"} {
		if err := l.Record(AuditEntry{Event: "fetal_sex_disclosed", Requester: "u1", Sample: s, Policy: "on_request", Profile: "p"}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2025-03-01T04:00:00Z","event":"fetal_sex_disclosed","requester":"u1","sample":"A","policy":"on_request","profile":"p"}` + "\n" +
		`{"time":"2025-03-01T04:00:00Z","event":"fetal_sex_disclosed","requester":"u1","sample":"B","policy":"on_request","profile":"p"}` + "\n"
	if string(data) != want {
		t.Errorf("audit log:\n%s\nwant\n%s", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v, want 0600", st.Mode().Perm())
	}
	if err := NewFileAuditLog(filepath.Join(t.TempDir(), "no", "dir", "a.jsonl")).Record(AuditEntry{}); err == nil {
		t.Error("unwritable audit log accepted")
	}
}

func TestApplyWritesAuditFile(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(validProfile, `audit_log = "audit.jsonl"`, `audit_log = "audit.jsonl"`, 1)
	path := filepath.Join(dir, "lab.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := Fixture(FixtureSpec{Sample: "S6", Sex: "female", Seed: 5, SexAware: true})
	if _, err := Apply(r, p, Request{SexRequested: true, Requester: "dr.d"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
	if err != nil || !strings.Contains(string(data), `"sample":"S6"`) || strings.Contains(string(data), "female") {
		t.Errorf("audit file %q (%v): must name the sample and not the sex", data, err)
	}
}

// BenchmarkApply redacts a sample at 100 kb bins (~31,000 bins, the default
// analysis bin size).
func BenchmarkApply(b *testing.B) {
	r := Fixture(FixtureSpec{Sample: "S1", Sex: "male", Seed: 1, BinSize: 100_000})
	p := DefaultProfile()
	for b.Loop() {
		if _, err := Apply(r, p, Request{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSCAPossibleMaternalWithheldWithType: the maternal-mosaicism flag is
// set only for X-only types (45,X, 47,XXX), so a view that withholds the
// type withholds the flag too, while a typed view keeps it.
func TestSCAPossibleMaternalWithheldWithType(t *testing.T) {
	r := Fixture(FixtureSpec{Sample: "S1", Sex: "female", Condition: "SCA", Seed: 7, BinSize: 5_000_000})
	r.SCA.PossibleMaternal = true
	for _, tc := range []struct {
		sca  SCAPolicy
		want bool
	}{{SCAReportPresence, false}, {SCAReportType, true}, {SCAOff, false}} {
		p, _ := testProfile(FetalSexNever, tc.sca)
		v, err := Apply(r, p, Request{})
		if err != nil {
			t.Fatal(err)
		}
		if v.SCA.PossibleMaternal != tc.want {
			t.Errorf("%s: possible_maternal %v, want %v", tc.sca, v.SCA.PossibleMaternal, tc.want)
		}
	}
}
