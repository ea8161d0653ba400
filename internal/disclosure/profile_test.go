package disclosure

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const validProfile = `
[lab]
name = "Test Lab"
[screening]
conditions = ["T21", "T18", "T13", "SCA"]
[disclosure]
fetal_sex = "on_request"
sex_chromosome_aneuploidy = "report_type"
audit_log = "audit.jsonl"
[performance.T21]
detection_rate = 0.99
specificity = 0.999
prevalence = 0.01
basis = "validation"
[performance.T18]
detection_rate = 0.98
specificity = 0.999
ppv = 0.5
npv = 0.9999
basis = "validation"
[performance.T13]
detection_rate = 0.98
specificity = 0.999
prevalence = 0.001
ppv = 0.4
basis = "validation"
[performance.SCA]
detection_rate = 0.95
specificity = 0.998
prevalence = 0.002
basis = "validation"
`

func TestParseProfileValid(t *testing.T) {
	p, err := ParseProfile(strings.NewReader(validProfile), "test.toml", "test")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "test" || p.Lab.Name != "Test Lab" || p.FetalSex != FetalSexOnRequest || p.SCA != SCAReportType {
		t.Errorf("parsed %+v", p)
	}
	if got := strings.Join(p.Conditions, ","); got != "T21,T18,T13,SCA" {
		t.Errorf("conditions %s", got)
	}
	// T21: PPV/NPV by Bayes, computed here by hand:
	// PPV = .99*.01/(.99*.01+.001*.99) = .0099/.01089; NPV = .999*.99/(.999*.99+.01*.01).
	t21, _ := p.PerformanceFor(T21)
	if !t21.PPVDerived || !t21.NPVDerived || math.Abs(t21.PPV-0.0099/0.01089) > 1e-12 || math.Abs(t21.NPV-0.98901/(0.98901+0.0001)) > 1e-12 {
		t.Errorf("T21 performance %+v", t21)
	}
	// T18: given values are kept.
	t18, _ := p.PerformanceFor(T18)
	if t18.PPVDerived || t18.NPVDerived || t18.PPV != 0.5 || t18.NPV != 0.9999 {
		t.Errorf("T18 performance %+v", t18)
	}
	// T13: PPV given, NPV derived.
	t13, _ := p.PerformanceFor(T13)
	if t13.PPVDerived || !t13.NPVDerived || t13.PPV != 0.4 || math.Abs(t13.NPV-0.998001/(0.998001+0.00002)) > 1e-12 {
		t.Errorf("T13 performance %+v", t13)
	}
	if !p.Screens("T21") || !p.Screens(SCA) || p.Screens("T16") || p.Screens(CNV) {
		t.Error("Screens wrong")
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name, edit, want string
	}{
		{"unknown key", `fetal_sex = "on_request"` + "\nfetal_gender = \"x\"", "unknown key disclosure.fetal_gender"},
		{"unknown table", "[labs]\nname = \"x\"\n", "unknown key labs"},
		{"bad fetal_sex", `fetal_sex = "sometimes"`, `disclosure.fetal_sex = "sometimes" is not allowed (allowed: never, medical_indication, on_request)`},
		{"bad sca", `sex_chromosome_aneuploidy = "yes"`, `disclosure.sex_chromosome_aneuploidy = "yes" is not allowed (allowed: off, report_presence, report_type)`},
		{"sca off but screened", `sex_chromosome_aneuploidy = "off"`, `screening.conditions lists "SCA"`},
		{"bad condition", `conditions = ["T21", "T18", "T13", "SCA", "T99"]`, `"T99" is not allowed`},
		{"duplicate condition", `conditions = ["T21", "T21", "T18", "T13", "SCA"]`, `"T21" listed twice`},
		{"missing performance", `conditions = ["T21", "T18", "T13", "SCA", "CNV"]`, "[performance.CNV] is missing"},
		{"rate out of range", "detection_rate = 0.99\n", ""},
		{"percent not fraction", "[performance.T21]\ndetection_rate = 99.5", "performance.T21.detection_rate = 99.5 must be a fraction"},
		{"no prevalence", "[performance.SCA]\ndetection_rate = 0.95\nspecificity = 0.998\nprevalence = 0.002", ""},
		{"audit required", `audit_log = "audit.jsonl"` + "\n", ""},
		{"unknown qc metric", "[qc.coverage]\nwarn = 1.0\n", "[qc.coverage]: unknown QC metric (allowed: reads, duplicate_rate, mapd, gc_bias, fetal_fraction, chrom_dosage, depth_ratio, aberrant_autosomes)"},
		{"aberration fail", "[qc.aberrant_autosomes]\nfail = 4\n", "[qc.aberrant_autosomes] takes warn only"},
		{"qc unknown key", "[qc.reads]\nminimum = 1.0\n", "unknown key qc.reads.minimum (allowed here: warn, fail)"},
		{"toml syntax", "[lab\n", "lab profile test.toml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := validProfile
			switch tc.name {
			case "rate out of range":
				src = strings.Replace(src, "detection_rate = 0.99\n", "detection_rate = 1.5\n", 1)
				tc.want = "performance.T21.detection_rate = 1.5 must be a fraction"
			case "percent not fraction":
				src = strings.Replace(src, "detection_rate = 0.99\n", "detection_rate = 99.5\n", 1)
			case "no prevalence":
				src = strings.Replace(src, "prevalence = 0.002\n", "", 1)
				tc.want = "performance.SCA: give prevalence"
			case "audit required":
				src = strings.Replace(src, tc.edit, "", 1)
				tc.want = `disclosure.audit_log is required when disclosure.fetal_sex = "on_request"`
			case "unknown table", "unknown qc metric", "qc unknown key", "toml syntax":
				src += tc.edit
			case "unknown key":
				src = strings.Replace(src, `fetal_sex = "on_request"`, tc.edit, 1)
			case "bad fetal_sex", "sca off but screened":
				key := strings.SplitN(tc.edit, " ", 2)[0]
				src = replaceLine(src, key, tc.edit)
			case "bad sca":
				src = replaceLine(src, "sex_chromosome_aneuploidy", tc.edit)
			default:
				src = replaceLine(src, "conditions", tc.edit)
			}
			_, err := ParseProfile(strings.NewReader(src), "test.toml", "test")
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "test.toml") {
				t.Errorf("error %q\nwant it to contain %q and the file name", err, tc.want)
			}
		})
	}
}

func replaceLine(src, key, line string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, key+" ") {
			lines[i] = line
			return strings.Join(lines, "\n")
		}
	}
	panic("no line " + key)
}

func TestExampleProfilesLoad(t *testing.T) {
	for _, tc := range []struct {
		file   string
		sex    FetalSexPolicy
		sca    SCAPolicy
		nConds int
	}{
		{"lab-profile-cn.toml", FetalSexMedicalIndication, SCAOff, 3},
		{"lab-profile-eu.toml", FetalSexOnRequest, SCAReportType, 6},
	} {
		path := filepath.Join("..", "..", "examples", tc.file)
		p, err := LoadProfile(path)
		if err != nil && strings.Contains(err.Error(), "report.font") {
			if _, serr := os.Stat("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"); serr != nil {
				t.Logf("%s: its [report] font (Debian package fonts-droid-fallback) is absent: not loaded", tc.file)
				continue
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if p.FetalSex != tc.sex || p.SCA != tc.sca || len(p.Conditions) != tc.nConds || len(p.Performance) != tc.nConds {
			t.Errorf("%s: %+v", tc.file, p)
		}
		if tc.file == "lab-profile-cn.toml" && (p.Report.Font == nil || !p.Report.Font.Has('某') || !strings.HasPrefix(p.Lab.Name, "某某医院")) {
			t.Errorf("%s: Chinese laboratory name %q without a font for it: %+v", tc.file, p.Lab.Name, p.Report)
		}
		if fl, ok := p.Audit.(*FileAuditLog); !ok || fl.Path() != filepath.Join("..", "..", "examples", "fetal-sex-audit.jsonl") {
			t.Errorf("%s: audit log %#v", tc.file, p.Audit)
		}
	}
}

func TestLoadProfileMissing(t *testing.T) {
	_, err := LoadProfile(filepath.Join(t.TempDir(), "none.toml"))
	if err == nil || !strings.Contains(err.Error(), "none.toml") {
		t.Fatalf("error %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "p.toml")
	src := strings.Replace(validProfile, `audit_log = "audit.jsonl"`, `audit_log = "no/such/dir/audit.jsonl"`, 1)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadProfile(path); err == nil || !strings.Contains(err.Error(), "disclosure.audit_log") {
		t.Fatalf("error %v", err)
	}
}

func TestDefaultProfile(t *testing.T) {
	p := DefaultProfile()
	if p.FetalSex != FetalSexNever || p.SCA != SCAReportPresence {
		t.Errorf("default policy %s/%s", p.FetalSex, p.SCA)
	}
	// Everything the engine measures, so that an unconfigured run shows it
	// all; a laboratory narrows the panel in its profile.
	if !slices.Equal(p.Conditions, AllConditions) {
		t.Errorf("default conditions %v, want %v", p.Conditions, AllConditions)
	}
	for _, c := range p.Conditions {
		perf, ok := p.PerformanceFor(c)
		switch c {
		case RAT, CNV: // no published figure: nothing to derive PPV/NPV from
			if !ok || perf.PPV != 0 || perf.NPV != 0 || perf.Basis != "no published figure" {
				t.Errorf("%s: %+v", c, perf)
			}
		default:
			if !ok || !(perf.PPV > 0 && perf.PPV < 1 && perf.NPV > 0.99 && perf.NPV <= 1) || !strings.Contains(perf.Basis, "not this laboratory") {
				t.Errorf("%s: %+v", c, perf)
			}
		}
	}
	if !p.SexBlind(Request{SexRequested: true, Indication: "Haemophilia A (X-linked)", Requester: "u"}) {
		t.Error("default profile must be sex-blind for every request")
	}
}

func TestPredictive(t *testing.T) {
	tests := []struct {
		sens, spec, prev, ppv, npv float64
		err                        bool
	}{
		{1, 1, 0.5, 1, 1, false},
		{0.5, 0.5, 0.5, 0.5, 0.5, false},         // a coin flip predicts nothing
		{0.9, 0.9, 0.1, 0.5, 0.81 / 0.82, false}, // .09/(.09+.09); .81/(.81+.01)
		{0.9, 1.2, 0.1, 0, 0, true},
		{0, 1, 0.1, 0, 0, true}, // PPV undefined: no positives at all
	}
	for _, tc := range tests {
		ppv, npv, err := Predictive(tc.sens, tc.spec, tc.prev)
		if (err != nil) != tc.err {
			t.Errorf("%v: err %v", tc, err)
			continue
		}
		if !tc.err && (math.Abs(ppv-tc.ppv) > 1e-12 || math.Abs(npv-tc.npv) > 1e-12) {
			t.Errorf("%v: got %v %v", tc, ppv, npv)
		}
	}
}

func TestSexBlind(t *testing.T) {
	base, err := ParseProfile(strings.NewReader(validProfile), "t.toml", "t")
	if err != nil {
		t.Fatal(err)
	}
	mk := func(pol FetalSexPolicy, allowed ...string) *Profile {
		p := *base
		p.FetalSex, p.AllowedIndications = pol, allowed
		return &p
	}
	duchenne := "Duchenne muscular dystrophy (X-linked)"
	tests := []struct {
		name string
		p    *Profile
		req  Request
		want bool
	}{
		{"never, requested", mk(FetalSexNever), Request{SexRequested: true, Indication: duchenne}, true},
		{"indication policy, none given", mk(FetalSexMedicalIndication), Request{SexRequested: true}, true},
		{"indication policy, blank", mk(FetalSexMedicalIndication), Request{Indication: "  "}, true},
		{"indication policy, given", mk(FetalSexMedicalIndication), Request{Indication: duchenne}, false},
		{"indication list, listed", mk(FetalSexMedicalIndication, duchenne), Request{Indication: " duchenne muscular dystrophy (x-linked) "}, false},
		{"indication list, not listed", mk(FetalSexMedicalIndication, duchenne), Request{Indication: "parental wish"}, true},
		{"on request, not asked", mk(FetalSexOnRequest), Request{Indication: duchenne}, true},
		{"on request, asked", mk(FetalSexOnRequest), Request{SexRequested: true}, false},
		{"unknown policy fails closed", mk("sometimes"), Request{SexRequested: true, Indication: duchenne}, true},
	}
	for _, tc := range tests {
		if got := tc.p.SexBlind(tc.req); got != tc.want {
			t.Errorf("%s: SexBlind = %v, want %v", tc.name, got, tc.want)
		}
	}
}
