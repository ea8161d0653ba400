package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/sharedtest"
)

// TestChain runs a small cohort of this simulator through nipt as a
// laboratory would — SAM with Ensembl contig names on nipt count's stdin,
// nipt annotate from the hg38 GC and mappability tables, reference build,
// sex-blind analyze — and checks the calls that must hold even this small
// (24 references at 1.2 M pairs): the T21 at FF 15% is high risk, the
// euploid samples have no false trisomy, and the maternal duplication on
// chr21 is found as maternal and does not become a trisomy call. The
// accuracy figures come from bench/othersim.sh; this guards the chain.
func TestChain(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end chain skipped in -short mode")
	}
	shared := sharedtest.HG38Dir(t)
	gc, mp := filepath.Join(shared, "gc_hg38_10kb.wig"), filepath.Join(shared, "map_hg38_10kb.wig")
	dir := t.TempDir()
	nipt := filepath.Join(dir, "nipt")
	if out, err := exec.Command("go", "build", "-o", nipt, "../../cmd/nipt").CombinedOutput(); err != nil {
		t.Fatalf("building nipt: %v\n%s", err, out)
	}
	tracks, err := loadTracks(gc, mp)
	if err != nil {
		t.Fatal(err)
	}
	type spec struct {
		id, sex, tri, cnv string
		ff                float64
	}
	var refs []string
	var all []spec
	for i := range 24 {
		sex := "female"
		if (i/2)%2 == 1 {
			sex = "male"
		}
		id := fmt.Sprintf("R%02d", i+1)
		refs = append(refs, filepath.Join(dir, id+".counts"))
		all = append(all, spec{id: id, sex: sex, ff: 0.08 + 0.005*float64(i%10)})
	}
	tests := []spec{
		{id: "T21", sex: "male", tri: "21", ff: 0.15},
		{id: "EU1", sex: "female", ff: 0.10},
		{id: "EU2", sex: "male", ff: 0.12},
		{id: "MAT", sex: "female", ff: 0.10, cnv: "chr21:30000000-33000000:gain:maternal"},
	}
	all = append(all, tests...)
	for i, sp := range all {
		s := &sample{id: sp.id, seed: uint64(100 + i), run: fmt.Sprintf("run%d", i%2), pairs: 1_200_000, ff: sp.ff,
			trisomy: sp.tri, readLen: 75, dupRate: 0.04, unmapRate: 0.01, overdisp: 0.02, waveAmp: 0.01, runWaveAmp: 0.02, sizeVar: 1}
		if err := setSex(s, sp.sex, ""); err != nil {
			t.Fatal(err)
		}
		if sp.cnv != "" {
			if err := parseCNVs(s, sp.cnv); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(nipt, "count", "-q", "-t", "1", "-", "-o", filepath.Join(dir, sp.id+".counts"))
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(in, 1<<20)
		if err := simulate(w, s, tracks); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("nipt count of %s: %v\n%s", sp.id, err, stderr.String())
		}
	}
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(nipt, args...).CombinedOutput(); err != nil {
			t.Fatalf("nipt %s: %v\n%s", args[0], err, out)
		}
	}
	bins := filepath.Join(dir, "hg38.bins")
	run("annotate", "-q", "--build", "hg38", "--bin-size", "10000", "--gc-wig", gc, "--map-wig", mp, "-o", bins)
	ref := filepath.Join(dir, "ref.niptref")
	run(append([]string{"reference", "build", "-q", "--annotation", bins, "-o", ref}, refs...)...)
	profile := filepath.Join(dir, "blind.toml")
	toml := `profile = "chain-test"
[lab]
name = "othersim chain test"
[screening]
conditions = ["T21", "T18", "T13", "SCA", "RAT", "CNV"]
[disclosure]
fetal_sex = "never"
sex_chromosome_aneuploidy = "report_type"
`
	for _, c := range []string{"T21", "T18", "T13", "SCA", "RAT", "CNV"} {
		toml += fmt.Sprintf("[performance.%s]\ndetection_rate = 0.99\nspecificity = 0.999\nprevalence = 0.001\nbasis = \"test placeholder\"\n", c)
	}
	if err := os.WriteFile(profile, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"analyze", "-q", "--profile", profile, "--reference", ref, "-o", filepath.Join(dir, "an")}
	for _, sp := range tests {
		args = append(args, filepath.Join(dir, sp.id+".counts"))
	}
	run(args...)
	f, err := os.Open(filepath.Join(dir, "an", "summary.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comma, cr.FieldsPerRecord = '\t', -1
	head, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	got := map[string][]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[rec[col["sample"]]] = rec
	}
	field := func(id, c string) string { return got[id][col[c]] }
	t.Logf("T21 z21 %s; EU1 %s; EU2 %s; MAT cnvs %q", field("T21", "z21"), field("EU1", "call21"), field("EU2", "call21"), field("MAT", "cnvs"))
	if c := field("T21", "call21"); c != "high_risk" {
		t.Errorf("T21 at FF 15%%: call21 %s (z %s)", c, field("T21", "z21"))
	}
	for _, id := range []string{"EU1", "EU2", "MAT"} {
		for _, c := range []string{"call13", "call18", "call21"} {
			if field(id, c) == "high_risk" {
				t.Errorf("%s: false %s high risk", id, c)
			}
		}
	}
	if cn := field("MAT", "cnvs"); !strings.Contains(cn, "chr21:") || !strings.Contains(cn, ":gain:maternal") {
		t.Errorf("maternal chr21 duplication not found as maternal: cnvs %q", cn)
	}
}
