package analyze

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestParseSampleSheet(t *testing.T) {
	m, err := ParseSampleSheet(strings.NewReader("# LIMS export\nbarcode\tSample\tpregnancy\tweeks\tsex_requested\tindication\n" +
		"BC1\tS1\ttwin\t12\tyes\t\nBC2\tS2\t\t11\tNo\tDuchenne muscular dystrophy (X-linked)\nBC3\tS3\tSingleton\t13\r\n\nBC4\tS4\tTwins\nBC5\tS5\ttwin_monochorionic\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"S1": result.PregnancyTwin, "S2": "", "S3": "", "S4": result.PregnancyTwin, "S5": result.PregnancyMonochorionic}
	if len(m) != len(want) {
		t.Errorf("parsed %+v", m)
	}
	for id, p := range want {
		if m[id].Pregnancy != p {
			t.Errorf("%s: pregnancy %q, want %q", id, m[id].Pregnancy, p)
		}
	}
	if s := m["S1"].SexRequested; s == nil || !*s {
		t.Errorf("S1 sex_requested %v", s)
	}
	if s := m["S2"].SexRequested; s == nil || *s || m["S2"].Indication != "Duchenne muscular dystrophy (X-linked)" {
		t.Errorf("S2 %+v", m["S2"])
	}
	if m["S3"].SexRequested != nil || m["S3"].Indication != "" {
		t.Errorf("S3 %+v", m["S3"])
	}
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"id\tpregnancy\nS1\ttwin\n", "no sample column"},
		{"sample\tpregnancy\nS1\ttriplet\n", `line 2: sample S1: pregnancy "triplet"`},
		{"sample\tpregnancy\nS1\ttwin\nS1\tsingleton\n", `line 3: sample "S1" listed twice`},
		{"sample\tpregnancy\n\ttwin\n", "line 2: empty sample ID"},
		{"sample\tsex_requested\nS1\tperhaps\n", `line 2: sample S1: sex_requested "perhaps"`},
		{"sample,pregnancy\nS1,twin\n", "export it as tab-separated text"},
	} {
		if _, err := ParseSampleSheet(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
	if m, err := ParseSampleSheet(strings.NewReader("\ufeffsample\tpregnancy\r\nS1\ttwin\r\n")); err != nil || m["S1"].Pregnancy != result.PregnancyTwin {
		t.Errorf("a spreadsheet export with a byte-order mark: %v, %+v", err, m)
	}
	if _, err := ReadSampleSheet(filepath.Join(t.TempDir(), "missing.tsv")); err == nil || !strings.Contains(err.Error(), "missing.tsv") {
		t.Errorf("missing file: %v", err)
	}
}

// TestRunSampleSheet: the sheet reaches the analysis (a listed twin
// pregnancy's result says so, an unlisted sample is a singleton), and a
// sheet that lists none of the samples is refused before any output.
func TestRunSampleSheet(t *testing.T) {
	f := fixture(t)
	dir := t.TempDir()
	paths := writeSamples(t, f, dir, synth.Sample{ID: "tw", FF: 0.12, Seed: 71}, synth.Sample{ID: "sg", FF: 0.12, Seed: 72})
	views, err := Run(context.Background(), f.Ref, paths, filepath.Join(dir, "out"), RunOptions{Config: call.DefaultConfig(),
		Samples: map[string]SampleInfo{"tw": {Pregnancy: result.PregnancyTwin}, "other": {}}})
	if err != nil {
		t.Fatal(err)
	}
	if views[0].Pregnancy != result.PregnancyTwin || views[1].Pregnancy != result.PregnancySingleton {
		t.Errorf("pregnancies %q, %q", views[0].Pregnancy, views[1].Pregnancy)
	}
	sch := schema(t)
	for _, id := range []string{"tw", "sg"} {
		js, err := os.ReadFile(filepath.Join(dir, "out", id, ResultFile))
		want := map[string]string{"tw": `"pregnancy": "twin"`, "sg": `"pregnancy": "singleton"`}[id]
		if err != nil || !strings.Contains(string(js), want) {
			t.Errorf("%s result.json: %v, want %s\n%.300s", id, err, want, js)
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s result.json does not match the schema: %v", id, err)
		}
	}
	out := filepath.Join(dir, "none")
	if _, err := Run(context.Background(), f.Ref, paths, out, RunOptions{Config: call.DefaultConfig(),
		Samples: map[string]SampleInfo{"x": {Pregnancy: result.PregnancyTwin}}}); err == nil || !strings.Contains(err.Error(), "lists none") {
		t.Errorf("a sheet of other samples: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("output written for a refused batch")
	}
}

// TestRunPerSampleRequests: under a profile that discloses fetal sex on
// request, the sample sheet's sex_requested decides per sample — the
// sample whose request asks for it gets a sex-aware analysis and a
// disclosed (and audited) view, the other a sex-blind one — whatever the
// batch's default.
func TestRunPerSampleRequests(t *testing.T) {
	f := fixture(t)
	dir := t.TempDir()
	paths := writeSamples(t, f, dir, synth.Sample{ID: "ask", Male: true, FF: 0.12, Seed: 81}, synth.Sample{ID: "noask", Male: true, FF: 0.12, Seed: 82})
	prof := disclosure.DefaultProfile()
	prof.FetalSex = disclosure.FetalSexOnRequest
	audit := &disclosure.MemoryAuditLog{}
	prof.Audit = audit
	yes, no := true, false
	views, err := Run(context.Background(), f.Ref, paths, filepath.Join(dir, "out"), RunOptions{Config: call.DefaultConfig(), Profile: prof,
		Request: disclosure.Request{SexRequested: true, Requester: "tester"},
		Samples: map[string]SampleInfo{"ask": {SexRequested: &yes}, "noask": {SexRequested: &no}}})
	if err != nil {
		t.Fatal(err)
	}
	if v := views[0]; !v.Disclosure.FetalSexDisclosed || v.FetalSex != "male" || v.Disclosure.SexBlind {
		t.Errorf("requested: %+v, sex %q", v.Disclosure, v.FetalSex)
	}
	if v := views[1]; v.Disclosure.FetalSexDisclosed || v.FetalSex != "" || !v.Disclosure.SexBlind {
		t.Errorf("not requested: %+v, sex %q", v.Disclosure, v.FetalSex)
	}
	if len(audit.Entries) != 1 || audit.Entries[0].Sample != "ask" {
		t.Errorf("audit %+v", audit.Entries)
	}
}
