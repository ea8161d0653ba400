package simulate

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCNV(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // canonical form, or "" for an error
	}{
		{"chr5:10000000-20000000:loss:fetal", "chr5:10000000-20000000:loss:fetal"},
		{"5:10,000,000-20,000,000:DEL:fetal", "chr5:10000000-20000000:loss:fetal"},
		{"chrX:1-2:gain:maternal_inherited", "chrX:1-2:gain:maternal_inherited"},
		{"chr21:100-200:dup:Maternal", "chr21:100-200:gain:maternal"},
		{"chr5:20-10:loss:fetal", ""},
		{"chr5:10-20:loss", ""},
		{"chrM:10-20:loss:fetal", ""},
		{"chr5:10-20:flip:fetal", ""},
		{"chr5:10-20:loss:paternal", ""},
		{"chr8:46000000-145000000:gain:tumour:0.05", "chr8:46000000-145000000:gain:tumour:0.05"},
		{"chr8:1-2:loss:Tumour:5%", "chr8:1-2:loss:tumour:0.05"},
		{"chr8:1-2:loss:tumour", ""},     // no fraction
		{"chr8:1-2:loss:tumour:1.5", ""}, // not a fraction
		{"chr8:1-2:loss:tumour:0", ""},   // no tumour
		{"chr8:1-2:loss:fetal:0.05", ""}, // a fraction on a fetal change
		{"chr5:a-20:loss:fetal", ""},
	} {
		c, err := ParseCNV(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%q accepted as %v", tc.in, c)
		case tc.want != "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.want != "" && c.String() != tc.want:
			t.Errorf("%q → %q, want %q", tc.in, c.String(), tc.want)
		}
	}
}

func TestReadSpecDefaultsAndRoundTrip(t *testing.T) {
	in := "# comment\nsample\tff\ttrisomy\tsca\tcnvs\ttwins\tpaired\treads\tmosaic\textra\n" +
		"A\t0.08\t21\t\t\t0\t1\t3e6\t\tx\n" +
		"B\t5%\t\t47,xxy\tchr1:1000000-7000000:gain:fetal;chr21:1-2:loss:maternal\t\tno\t4M\t\ty\n" +
		"C\t\tT18\t\t\t1\t\t\t0.5\tz\n"
	ss, err := ReadSpec(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	p := Default()
	if err := ResolveCohort(ss, &p, 7); err != nil {
		t.Fatal(err)
	}
	a, b, c := ss[0], ss[1], ss[2]
	if a.FF != 0.08 || a.Trisomy != 21 || !a.Paired || a.Reads != 3_000_000 || a.Mosaic != 1 || a.Role != RoleTest || a.FetalSex != Female || a.Batch != DefaultBatch {
		t.Errorf("A resolved to %+v", a)
	}
	if b.FF != 0.05 || b.SCA != "47,XXY" || b.FetalSex != Male || len(b.CNVs) != 2 || b.Reads != 4_000_000 || b.Paired {
		t.Errorf("B resolved to %+v", b)
	}
	if c.FF != DefaultFF || c.Trisomy != 18 || c.Mosaic != 0.5 || !c.Twins || c.Twin2Share != p.Twin2Share || c.Twin2Sex != Female {
		t.Errorf("C resolved to %+v", c)
	}
	if a.Seed == b.Seed || a.Seed != SampleSeed(7, 0) {
		t.Errorf("seeds %d %d not derived from the cohort seed", a.Seed, b.Seed)
	}
	// Round trip: the encoded spec reads back to the same samples, and
	// resolving again changes nothing (seeds are kept).
	enc := EncodeSpec(ss, nil)
	back, err := ReadSpec(strings.NewReader(string(enc)))
	if err != nil {
		t.Fatal(err)
	}
	if err := ResolveCohort(back, &p, 99); err != nil {
		t.Fatal(err)
	}
	if got := EncodeSpec(back, nil); string(got) != string(enc) {
		t.Errorf("round trip differs:\n%s\nvs\n%s", got, enc)
	}
	truth := EncodeSpec(ss, []Realised{{File: "A.counts", Fragments: 1, Kept: 1}, {}, {}})
	if _, err := ReadSpec(strings.NewReader(string(truth))); err != nil {
		t.Errorf("truth.tsv does not read back as a spec: %v", err)
	}
	if !strings.HasPrefix(string(truth), strings.Join(SpecColumns, "\t")+"\t"+strings.Join(RealisedColumns, "\t")+"\n") {
		t.Errorf("truth header %q", strings.SplitN(string(truth), "\n", 2)[0])
	}
}

func TestReadSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", "no header"},
		{"ff\treads\n0.1\t5\n", "no \"sample\" column"},
		{"sample\tff\nA\t8\n", "line 2: column ff"},
		{"sample\tff\nA\t0.1\nA\t0.2\n", "already defined on line 2"},
		{"sample\treads\nA\tmany\n", "column reads"},
		{"sample\ttrisomy\nA\t23\n", "column trisomy"},
		{"sample\tcnvs\nA\tchr1:5-2:gain:fetal\n", "column cnvs"},
		{"sample\tpaired\nA\tmaybe\n", "column paired"},
		{"sample\tff\nA\t0.1\t9\n", "line 2: 3 fields"},
		{"sample\nA\n", ""}, // valid
		{"sample\tsample\nA\tB\n", "appears twice"},
		{"sample\tff\n\t0.1\n", "empty sample ID"},
	} {
		_, err := ReadSpec(strings.NewReader(tc.in))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	p := Default()
	for _, tc := range []struct {
		s    Sample
		want string
	}{
		{Sample{ID: "a", SCA: "47,XXY", FetalSex: Female, Reads: 1e6}, "implies a male"},
		{Sample{ID: "a", SCA: "48,XXXY", Reads: 1e6}, "unknown sca"},
		{Sample{ID: "a b", Reads: 1e6}, "without spaces"},
		{Sample{ID: "a", Reads: 10}, "reads 10"},
		{Sample{ID: "a", Reads: 1e6, FF: 0.9}, "ff 0.9"},
		{Sample{ID: "a", Reads: 1e6, Role: "control"}, "role"},
		{Sample{ID: "a", Reads: 1e6, FetalSex: "boy"}, "fetal sex"},
		{Sample{ID: "a", Reads: 1e6, Mosaic: 1.5}, "mosaic"},
		{Sample{ID: "a", Reads: 1e6, Format: "cram"}, "format"},
		{Sample{ID: "../x", Reads: 1e6}, "slashes"},
	} {
		err := tc.s.Resolve(&p, 1, 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.s, err, tc.want)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	if err := func() error { p := Default(); return p.Validate() }(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	for name, mod := range map[string]func(*Params){
		"dup":        func(p *Params) { p.DupRate = 1 },
		"read":       func(p *Params) { p.ReadLength = 5 },
		"mapq":       func(p *Params) { p.UniqueMapQ = 0 },
		"nonunique":  func(p *Params) { p.NonUniqueMapQ = nil },
		"fragments":  func(p *Params) { p.Fetal.ChromatosomeWeight = 2 },
		"short":      func(p *Params) { p.Count.ShortFragmentMax = 10 },
		"rates":      func(p *Params) { p.UnmappedRate, p.ChrMRate, p.UnplacedRate = 0.5, 0.2, 0.2001 },
		"profile":    func(p *Params) { p.Library.SmoothSD, p.Library.Length = 0.1, 0 },
		"batch rank": func(p *Params) { p.Batch.Rank = -1 },
		"size mode":  func(p *Params) { p.SizeVariation.ModeShift.SampleSD = -1 },
		"size fetal": func(p *Params) { p.SizeVariation.FetalLogSD = 1 },
		"size long":  func(p *Params) { p.SizeVariation.LogLongRecov.BatchSD = math.NaN() },
	} {
		p := Default()
		mod(&p)
		if p.Validate() == nil {
			t.Errorf("%s: invalid parameters accepted", name)
		}
	}
}

func TestLoadParams(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := LoadParams(write("ok.json", `{"fetal_profile": {"smooth_sd": 0.08, "length_bp": 1e6}, "dup_rate": 0.1, "size_variation": {"mode_shift_bp": {"batch_sd": 2}}}`))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if p.FetalProfile.SmoothSD != 0.08 || p.FetalProfile.Length != 1e6 || p.DupRate != 0.1 || p.ReadLength != d.ReadLength || p.Overdispersion != d.Overdispersion {
		t.Errorf("overrides not applied or defaults lost: %+v", p)
	}
	if v := p.SizeVariation; v.ModeShift.BatchSD != 2 || v.ModeShift.SampleSD != d.SizeVariation.ModeShift.SampleSD || v.FetalLogSD != d.SizeVariation.FetalLogSD {
		t.Errorf("size variation override not applied or defaults lost: %+v", v)
	}
	for name, body := range map[string]string{
		"unknown.json": `{"dupe_rate": 0.1}`,
		"invalid.json": `{"dup_rate": 2}`,
		"syntax.json":  `{"dup_rate": }`,
	} {
		if _, err := LoadParams(write(name, body)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := LoadParams(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

// A spreadsheet's export starts with a byte-order mark: the header is read
// as if it were not there.
func TestReadSpecByteOrderMark(t *testing.T) {
	ss, err := ReadSpec(strings.NewReader("\ufeffsample\tff\r\nA\t0.08\r\n"))
	if err != nil || len(ss) != 1 || ss[0].ID != "A" || ss[0].FF != 0.08 {
		t.Fatalf("%+v, %v", ss, err)
	}
}
