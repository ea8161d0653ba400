package analyze

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schema compiles docs/result.schema.json.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "docs", "result.schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("result.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("result.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// allProfile screens everything and discloses the SCA type but never the
// fetal sex.
func allProfile() *disclosure.Profile {
	p := disclosure.DefaultProfile()
	p.Conditions = append([]string(nil), disclosure.AllConditions...)
	p.SCA = disclosure.SCAReportType
	return p
}

// TestOutputs analyses a few samples through the disclosure layer, writes
// every output and checks them: result.json against the schema, the
// summary columns, the bins and VCF files, and that the writes are
// deterministic.
func TestOutputs(t *testing.T) {
	f := fixture(t)
	sch := schema(t)
	samples := []synth.Sample{
		{ID: "s-eu", FF: 0.1, Seed: 51},
		{ID: "s-t21", Male: true, FF: 0.12, Trisomy: 20, Seed: 52},
		{ID: "s-cnv", FF: 0.15, Seed: 53, CNVs: []synth.CNV{{Chrom: 4, Start: 40_000_000, End: 60_000_000}}},
		{ID: "s-low", FF: 0.01, Seed: 54},
	}
	opt := Options{Config: call.DefaultConfig(), SexBlind: true}
	write := func(dir string) []*result.Result {
		var views []*result.Result
		for _, s := range samples {
			c := sample(f, s)
			if s.ID == "s-t21" {
				c.Header.Runs = []string{"HK3TWDSX3", "HK7ZZDSX3"} // topped up
			}
			v, err := AnalyzeView(f.Ref, c, opt, allProfile(), disclosure.Request{})
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteSample(filepath.Join(dir, v.Sample), v, genome.GRCh38); err != nil {
				t.Fatal(err)
			}
			views = append(views, v)
		}
		if err := WriteSummary(filepath.Join(dir, SummaryFile), views); err != nil {
			t.Fatal(err)
		}
		return views
	}
	d1, d2 := t.TempDir(), t.TempDir()
	views := write(d1)
	write(d2)
	for _, v := range views {
		for _, name := range []string{ResultFile, BinsTSVFile, BedGraphFile, SegmentsFile, VCFFile} {
			a, err := os.ReadFile(filepath.Join(d1, v.Sample, name))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(d2, v.Sample, name))
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs between identical runs", v.Sample, name)
			}
			if disclosure.SexPattern(string(a)) {
				t.Errorf("%s/%s names a fetal sex in a sex-blind view", v.Sample, name)
			}
		}
		js, _ := os.ReadFile(filepath.Join(d1, v.Sample, ResultFile))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s result.json does not match the schema: %v", v.Sample, err)
		}
		var back result.Result
		if err := json.Unmarshal(js, &back); err != nil || back.Sample != v.Sample {
			t.Errorf("result.json does not decode: %v", err)
		}
		if want := map[bool]string{true: "HK3TWDSX3,HK7ZZDSX3"}[v.Sample == "s-t21"]; strings.Join(back.Runs, ",") != want {
			t.Errorf("%s result.json: runs %q, want %q (from the counts header)", v.Sample, back.Runs, want)
		}
		bins, _ := os.ReadFile(filepath.Join(d1, v.Sample, BinsTSVFile))
		lines := strings.Split(strings.TrimSpace(string(bins)), "\n")
		if lines[0] != "chrom\tstart\tend\tratio\tz\tmasked" || len(lines)-1 != len(v.Bins) {
			t.Errorf("bins.tsv: header %q, %d rows for %d bins", lines[0], len(lines)-1, len(v.Bins))
		}
		if strings.Contains(string(bins), "chrX") || strings.Contains(string(bins), "chrY") {
			t.Error("sex-blind bins.tsv holds sex-chromosome bins")
		}
		vcf, _ := os.ReadFile(filepath.Join(d1, v.Sample, VCFFile))
		vs := string(vcf)
		if !strings.HasPrefix(vs, "##fileformat=VCFv4.4\n") || !strings.Contains(vs, "##contig=<ID=chr21,length=46709983>") {
			t.Errorf("VCF header wrong:\n%s", vs[:200])
		}
		if n := strings.Count(vs, "\tPASS\t"); n != len(v.CNVs) {
			t.Errorf("VCF has %d records for %d CNVs", n, len(v.CNVs))
		}
	}
	if !strings.Contains(string(must(os.ReadFile(filepath.Join(d1, "s-cnv", VCFFile)))), "SVTYPE=DEL;END=") {
		t.Error("the deletion is not in the VCF")
	}
	sum := string(must(os.ReadFile(filepath.Join(d1, SummaryFile))))
	rows := strings.Split(strings.TrimSpace(sum), "\n")
	if rows[0] != strings.Join(SummaryColumns, "\t") || len(rows) != len(samples)+1 {
		t.Fatalf("summary header/rows wrong:\n%s", sum)
	}
	col := map[string]int{}
	for i, c := range SummaryColumns {
		col[c] = i
	}
	for _, r := range rows[1:] {
		cells := strings.Split(r, "\t")
		if len(cells) != len(SummaryColumns) {
			t.Fatalf("row %q has %d cells", r, len(cells))
		}
		switch cells[0] {
		case "s-t21":
			if cells[col["call21"]] != "high_risk" {
				t.Errorf("T21 row: %s", r)
			}
		case "s-low":
			if cells[col["call21"]] != "no_call" || cells[col["no_call_reason"]] == "" {
				t.Errorf("low-FF row: %s", r)
			}
		case "s-cnv":
			if !strings.Contains(cells[col["cnvs"]], "chr5:") || !strings.Contains(cells[col["cnvs"]], ":loss:fetal") {
				t.Errorf("CNV row: %s", r)
			}
		}
		if cells[col["zX"]] != "NA" {
			t.Errorf("sex-blind summary has zX %s", cells[col["zX"]])
		}
		if want := map[bool]string{true: "HK3TWDSX3+HK7ZZDSX3", false: "NA"}[cells[0] == "s-t21"]; cells[col["run"]] != want {
			t.Errorf("%s: run %q, want %q", cells[0], cells[col["run"]], want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestSampleDir(t *testing.T) {
	for _, bad := range []string{"", "..", "a/b", `a\b`} {
		if _, err := SampleDir("out", bad); err == nil {
			t.Errorf("sample ID %q accepted as a directory", bad)
		}
	}
}
