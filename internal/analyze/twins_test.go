package analyze

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

// TestTwinPregnancy: a twin pregnancy is called per fetus, each carrying
// half the fetal fraction. A T21 in one of two equal dizygotic twins at a
// total fraction of 14% (synth: half the fetal DNA trisomic, Mosaic 0.5)
// is high risk and, tested at the 7% its fetus carries, not flagged as
// mosaic or maternal; a euploid twin pregnancy at a total of 6% (3% per
// fetus) gets no low-risk trisomy call (min_ff 4%), where the same data
// as a singleton do; the sex chromosomes are not assessed and the fetal
// fraction comes from the autosomes even where fetal sex may be used.
func TestTwinPregnancy(t *testing.T) {
	f := fixture(t)
	cfg := call.DefaultConfig()
	t21 := sample(f, synth.Sample{ID: "tw21", Male: true, FF: 0.14, Trisomy: 20, Mosaic: 0.5, Seed: 51})
	low := sample(f, synth.Sample{ID: "twlow", FF: 0.06, Seed: 52})
	twins := Options{Config: cfg, Pregnancy: result.PregnancyTwin}
	single := Options{Config: cfg}

	r, err := Analyze(f.Ref, t21, twins)
	if err != nil {
		t.Fatal(err)
	}
	fd := finding(r, "T21")
	if fd.Call != result.HighRisk || fd.Mosaic || fd.PossibleMaternal {
		t.Errorf("twin T21: %+v", fd)
	}
	if r.Pregnancy != result.PregnancyTwin || r.SCA.Call != result.NoCall || !strings.Contains(r.SCA.NoCallReason, "twin") || r.FetalSex != "unknown" {
		t.Errorf("twin: pregnancy %q, SCA %+v, fetal sex %q", r.Pregnancy, r.SCA, r.FetalSex)
	}
	for _, m := range r.FetalFraction.Methods {
		if m.Used && (m.Method == "chrY" || m.Method == "chrX") {
			t.Errorf("a twin pregnancy's fetal fraction used %s", m.Method)
		}
	}
	// The same male-twin sample as a singleton uses chrY (fetal sex may be
	// used here): the twin rule is what removed it.
	rs, err := Analyze(f.Ref, t21, single)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Pregnancy != result.PregnancySingleton || rs.FetalSex != "male" {
		t.Errorf("singleton: pregnancy %q, fetal sex %q", rs.Pregnancy, rs.FetalSex)
	}

	rt, err := Analyze(f.Ref, low, twins)
	if err != nil {
		t.Fatal(err)
	}
	rl, err := Analyze(f.Ref, low, single)
	if err != nil {
		t.Fatal(err)
	}
	if got := finding(rl, "T21").Call; got != result.LowRisk {
		t.Fatalf("singleton at FF 6%%: T21 %s, want low risk (the test's premise)", got)
	}
	if fd := finding(rt, "T21"); fd.Call != result.NoCall || !strings.Contains(fd.NoCallReason, "(one fetus's: 50% of the measured fetal fraction)") {
		t.Errorf("twins at a total FF of 6%%: T21 %+v, want a no-call (3%% per fetus) that says the estimate is one fetus's", fd)
	}
	// QC and the reported fetal fraction are the measured total's.
	tm, _ := metric(rt, "fetal_fraction")
	sm, _ := metric(rl, "fetal_fraction")
	if rt.QC.Status != rl.QC.Status || tm.Value != sm.Value || tm.Status != sm.Status || rt.FetalFraction.Value != rl.FetalFraction.Value {
		t.Errorf("QC and the fetal fraction judge the measured total: twin %s %+v %.4f, singleton %s %+v %.4f",
			rt.QC.Status, tm, rt.FetalFraction.Value, rl.QC.Status, sm, rl.FetalFraction.Value)
	}
}

// TestMonochorionicTwins: monochorionic twins share one karyotype, so the
// sample is called as a singleton — the same calls, fetal fraction and
// sex-chromosome result as without the sheet — and only its pregnancy
// says twins.
func TestMonochorionicTwins(t *testing.T) {
	f := fixture(t)
	cfg := call.DefaultConfig()
	c := sample(f, synth.Sample{ID: "mc", Male: true, FF: 0.14, Trisomy: 20, Seed: 53})
	mono, err := Analyze(f.Ref, c, Options{Config: cfg, Pregnancy: result.PregnancyMonochorionic})
	if err != nil {
		t.Fatal(err)
	}
	single, err := Analyze(f.Ref, c, Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if mono.Pregnancy != result.PregnancyMonochorionic {
		t.Errorf("pregnancy %q", mono.Pregnancy)
	}
	mono.Pregnancy = single.Pregnancy
	a, _ := json.Marshal(mono)
	b, _ := json.Marshal(single)
	if string(a) != string(b) {
		t.Error("a monochorionic twin pregnancy is not analysed as a singleton")
	}
	if finding(mono, "T21").Call != result.HighRisk || mono.FetalSex != "male" {
		t.Errorf("T21 %+v, fetal sex %q", finding(mono, "T21"), mono.FetalSex)
	}
}
