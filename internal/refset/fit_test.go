package refset

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset/synth"
)

func fixtureT(t *testing.T) *Fixture {
	t.Helper()
	f, err := TestFixture()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// prepare processes synthetic samples.
func prepare(t *testing.T, st *Static, co *synth.Cohort) []*SampleProfile {
	t.Helper()
	var ps []*SampleProfile
	for _, c := range co.Counts {
		p, _, err := st.Prepare(c, FixtureOptions().GC)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestFitFixture(t *testing.T) {
	f := fixtureT(t)
	ref := f.Ref
	// Every sample is euploid and QC-passing: at most one is excluded by
	// chance (with 40 × 22 chromosome z-scores, a |z| > 4 excursion is
	// rare but the synthetic batch effects have heavier tails than normal);
	// sexes are all right.
	excluded := 0
	for i, st := range ref.Status {
		if !st.Used {
			excluded++
			t.Logf("%s excluded: %s", ref.Samples[i].ID, st.Reason)
		}
		want := SexFemale
		if f.Samples[i].Male {
			want = SexMale
		}
		if st.Sex != want {
			t.Errorf("%s: sex code %d, want %d", ref.Samples[i].ID, st.Sex, want)
		}
	}
	if excluded > 1 {
		t.Errorf("%d euploid samples excluded", excluded)
	}
	if len(ref.YBins) == 0 || !ref.FF.Y.Calibrated {
		t.Errorf("chrY model: %d bins, calibrated %v", len(ref.YBins), ref.FF.Y.Calibrated)
	}
	// The chrY scale must agree with perfect normalisation (2 per bin, f/2
	// per bin at one copy) within 20%: the synthetic fetal coverage
	// preference and the female background move it a little.
	if want := 2 / float64(len(ref.YBins)); math.Abs(ref.FF.Y.Scale/want-1) > 0.2 {
		t.Errorf("chrY scale %.4f, want about %.4f", ref.FF.Y.Scale, want)
	}
	// Chromosome-level noise: each null SD within [0.8, 2] × its Poisson
	// part (0.8: the SD of an SD from 40 samples is ~11%, three SEs).
	for _, cm := range ref.Chroms[:genome.ChrX] {
		nl := cm.Nulls[MethodPCA]
		if !(nl.SD > 0.8*nl.Poisson && nl.SD < 2*nl.Poisson) {
			t.Errorf("%s: null SD %.5f vs Poisson %.5f", cm.Chrom, nl.SD, nl.Poisson)
		}
		if math.Abs(nl.Retention-1) > 0.05 {
			t.Errorf("%s: retention %.3f", cm.Chrom, nl.Retention)
		}
		if cm.Primary == "" {
			t.Errorf("%s has no primary method", cm.Chrom)
		}
	}
	if _, ok := ref.Chroms[genome.ChrX].Nulls[MethodPCA]; !ok {
		t.Error("no chrX null")
	}
	// The fragment-size FF model learns the synthetic short-fragment
	// signal: nested-CV r above 0.5 with 20 male samples.
	if ref.FF.Fragment == nil || ref.FF.Fragment.CV.R < 0.5 {
		t.Errorf("fragment model %+v", ref.FF.Fragment)
	}
	// The synthetic size histograms mix a maternal mode (shifted per
	// sample by SD 2 bp) with a fetal one 17 bp shorter: the whole profile
	// separates the fetal fraction from the shift, which the short share
	// alone cannot, so cross-validation picks it (at 10- or 20-bp
	// resolution) and beats the line.
	if sz := ref.FF.Size; sz == nil || sz.Source == "short_fraction" || sz.Ridge.CV.R < 0.9 || sz.Ridge.CV.RMSE >= ref.FF.Fragment.CV.RMSE || len(sz.Coef) != len(sz.features(0, make([]float64, fetalfraction.NumSizeClasses))) {
		t.Errorf("size-profile model %+v", sz)
	}
	// Each model carries its measurement model, fitted on the same male
	// references: a strong predictor (r > 0.9) rises with the fetal
	// fraction by a demonstrated slope no steeper than the truth (a
	// regularised fit is shrunk, never inflated, up to its SE).
	if sz := ref.FF.Size; sz != nil {
		c := sz.Ridge.Cal
		if !c.Informative() || c.N != sz.Ridge.CV.N || c.B > 1+2*math.Sqrt(c.VarB) {
			t.Errorf("size-profile calibration %+v", c)
		}
	}
	if fr := ref.FF.Fragment; fr != nil && !fr.Cal.Valid() {
		t.Errorf("fragment-line calibration %+v", fr.Cal)
	}
	for i := 1; i < len(ref.KappaValues); i++ {
		if ref.KappaValues[i] < ref.KappaValues[i-1] {
			t.Error("kappa not monotone")
		}
	}
}

// A reference sample with a trisomy 21 is excluded, with a reason naming
// chr21, and the rest of the cohort is used.
func TestFitExcludesAneuploid(t *testing.T) {
	f := fixtureT(t)
	samples := synth.EuploidSamples("x", 30, 2_000_000, true, 99)
	samples[3].Trisomy = 20
	samples[3].FF = 0.15
	ps := prepare(t, f.Static, f.Model.Draw(samples))
	ref, err := Fit(f.Static, ps, FixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	others := 0
	for i, st := range ref.Status {
		if ref.Samples[i].ID == samples[3].ID {
			if st.Used || !strings.Contains(st.Reason, "chr21") {
				t.Errorf("trisomic reference sample: used %v, reason %q", st.Used, st.Reason)
			}
		} else if !st.Used {
			others++
		}
	}
	if others > 1 {
		t.Errorf("%d euploid samples excluded besides the trisomy", others)
	}
}

func TestFitTooFewSamples(t *testing.T) {
	f := fixtureT(t)
	ps := prepare(t, f.Static, f.Model.Draw(synth.EuploidSamples("s", 10, 1_000_000, false, 5)))
	if _, err := Fit(f.Static, ps, FixtureOptions()); !errors.Is(err, ErrTooFewSamples) {
		t.Errorf("10 samples: %v, want ErrTooFewSamples", err)
	}
	dup := append([]*SampleProfile{}, ps...)
	dup = append(dup, ps[0])
	if _, err := Fit(f.Static, dup, FixtureOptions()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate sample: %v", err)
	}
}

// One fetal sex only: the sex model must not crash, and the chrX model
// must be reported missing (all male) without failing the build.
func TestFitOneSex(t *testing.T) {
	f := fixtureT(t)
	samples := synth.EuploidSamples("m", 24, 2_000_000, false, 7)
	for i := range samples {
		samples[i].Male = true
	}
	ref, err := Fit(f.Static, prepare(t, f.Static, f.Model.Draw(samples)), FixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range ref.Status {
		if st.Sex != SexMale {
			t.Errorf("%s: sex code %d, want male", ref.Samples[i].ID, st.Sex)
		}
	}
	if len(ref.XBins) != 0 {
		t.Error("chrX model without female-fetus references")
	}
	found := false
	for _, w := range ref.Warnings {
		found = found || strings.Contains(w, "female-fetus")
	}
	if !found {
		t.Errorf("no warning about the missing chrX model: %v", ref.Warnings)
	}
}

// Same inputs in any order give byte-identical files; the file round trip
// preserves every byte; growing a reference equals building it at once.
func TestDeterministicRoundTripAndAdd(t *testing.T) {
	f := fixtureT(t)
	ps := prepare(t, f.Static, &synth.Cohort{Counts: f.Counts[:24]})
	opt := FixtureOptions()
	opt.MinSamples = 10
	shuffled := append([]*SampleProfile(nil), ps...)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	a, err := Fit(f.Static, ps, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(f.Static, shuffled, opt)
	if err != nil {
		t.Fatal(err)
	}
	var ba, bb bytes.Buffer
	if err := Write(&ba, a); err != nil {
		t.Fatal(err)
	}
	if err := Write(&bb, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ba.Bytes(), bb.Bytes()) {
		t.Fatal("input order changed the reference")
	}
	r, err := Read(bytes.NewReader(ba.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var bc bytes.Buffer
	if err := Write(&bc, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ba.Bytes(), bc.Bytes()) || r.ID != a.ID {
		t.Fatal("write → read → write changed the file")
	}
	// Grow a 20-sample reference by 4 samples from their profiles.
	small, err := Fit(f.Static, ps[:20], opt)
	if err != nil {
		t.Fatal(err)
	}
	var bs bytes.Buffer
	if err := Write(&bs, small); err != nil {
		t.Fatal(err)
	}
	rs, err := Read(bytes.NewReader(bs.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	all := make([]*SampleProfile, 0, 24)
	for i := range rs.Samples {
		all = append(all, &rs.Samples[i])
	}
	grown, err := Fit(rs.Static, append(all, ps[20:]...), rs.Options)
	if err != nil {
		t.Fatal(err)
	}
	if eq, err := Equal(grown, a); err != nil || !eq {
		t.Errorf("grown reference differs from one built at once (err %v)", err)
	}
}

func TestReadErrors(t *testing.T) {
	f := fixtureT(t)
	var buf bytes.Buffer
	if err := Write(&buf, f.Ref); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a nipt reference"},
		{"counts file", []byte("#nipt-counts\t1\n"), "not a nipt reference"},
		{"future version", bytes.Replace(good, []byte(fmt.Sprintf("#nipt-reference\t%d", FormatVersion)), []byte("#nipt-reference\t9"), 1), "version 9"},
		{"version 1", bytes.Replace(good, []byte(fmt.Sprintf("#nipt-reference\t%d", FormatVersion)), []byte("#nipt-reference\t1"), 1), "rebuild"},
		{"version 2", bytes.Replace(good, []byte(fmt.Sprintf("#nipt-reference\t%d", FormatVersion)), []byte("#nipt-reference\t2"), 1), "no calibrated fetal-fraction"},
		{"version 3", bytes.Replace(good, []byte(fmt.Sprintf("#nipt-reference\t%d", FormatVersion)), []byte("#nipt-reference\t3"), 1), "no per-bin fragment counts"},
		{"truncated", good[:len(good)/2], "corrupt"},
		{"flipped byte", flip(good, len(good)-100), ""},
		{"bad checksum", bytes.Replace(good, []byte("#sha256:"+f.Ref.ID[:4]), []byte("#sha256:0000"), 1), "checksum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x5a
	return c
}

func TestNormalizeAndChromStats(t *testing.T) {
	f := fixtureT(t)
	s1 := synth.Sample{ID: "t21", FF: 0.15, Reads: 2_000_000, Paired: true, Trisomy: 20, Seed: 4242}
	s2 := s1
	s2.ID, s2.Trisomy = "eu", -1
	co := f.Model.Draw([]synth.Sample{s1, s2})
	for i, c := range co.Counts {
		s, err := f.Ref.Normalize(c)
		if err != nil {
			t.Fatal(err)
		}
		cs := f.Ref.ChromStats(s, nil)
		z := cs[20].PrimaryZ()
		if i == 0 && !(z > 5) || i == 1 && math.Abs(z) > 4 {
			t.Errorf("%s: chr21 z %.2f", co.Counts[i].Header.Sample, z)
		}
		for _, x := range s.X {
			if math.IsInf(x, 0) {
				t.Fatal("infinite log ratio")
			}
		}
	}
	// Counts from another build are refused.
	c := co.Counts[0]
	h := c.Header
	h.Build = "GRCh37"
	bad := *c
	bad.Header = h
	if err := f.Ref.CheckCounts(&bad); err == nil {
		t.Error("GRCh37 counts accepted by a GRCh38 reference")
	}
	if _, err := f.Ref.Normalize(&bad); err == nil {
		t.Error("Normalize accepted GRCh37 counts")
	}
}

func TestSummary(t *testing.T) {
	f := fixtureT(t)
	s := f.Ref.Summarize()
	if s.Used < 39 || s.Female+s.Male != s.Used {
		t.Errorf("summary counts %+v", s)
	}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	txt := b.String()
	for _, want := range []string{"chr21", "PCA components", "bin_profile", "masked", "sequencing runs of the used samples: not recorded", "short-fragment track (fetal-CNV scan)\n  40 paired-end samples", "counted with: --min-mapq 1 --dedup flag --proper-pairs=false --short-max 150 --max-fragment 1000"} {
		if !strings.Contains(txt, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Never a per-sample fetal sex.
	for _, p := range f.Ref.Samples {
		for _, line := range strings.Split(txt, "\n") {
			if strings.Contains(line, p.ID) && (strings.Contains(line, "male") || strings.Contains(line, "female")) {
				t.Errorf("summary line names a sample's sex: %q", line)
			}
		}
	}
	_ = normalize.MaskNone
}

// TestReferenceRuns: the summary counts the used samples per sequencing
// run, and a reference whose samples all name one run is warned about;
// samples without a run leave it open.
func TestReferenceRuns(t *testing.T) {
	f := fixtureT(t)
	// A private copy of the fixture's reference, through its file.
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "copy.niptref"), f.Ref); err != nil {
		t.Fatal(err)
	}
	r, err := ReadFile(filepath.Join(dir, "copy.niptref"))
	if err != nil {
		t.Fatal(err)
	}
	var used []int
	for i, st := range r.Status {
		if st.Used {
			used = append(used, i)
		}
	}
	for k, i := range used {
		r.Samples[i].Runs = []string{[]string{"FC1", "FC2"}[k%2]}
	}
	r.Samples[used[0]].Runs = []string{"FC1", "FC2"} // topped up
	s := r.Summarize()
	n := len(used)
	if s.Runs["FC1"] != (n+1)/2-1 || s.Runs["FC2"] != n/2 || s.Runs["FC1+FC2"] != 1 || s.NoRun != 0 {
		t.Errorf("runs %v, %d without, for %d used samples", s.Runs, s.NoRun, n)
	}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("sequencing runs of the used samples: 3 (FC1 %d, FC1+FC2 1, FC2 %d)", (n+1)/2-1, n/2); !strings.Contains(b.String(), want) {
		t.Errorf("summary lacks %q", want)
	}

	// The runs travel in the reference file.
	path := filepath.Join(dir, "runs.niptref")
	if err := WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Summarize().Runs; !maps.Equal(got, s.Runs) {
		t.Errorf("runs after a file round trip %v, want %v", got, s.Runs)
	}

	ps := make([]*SampleProfile, len(r.Samples))
	for i := range r.Samples {
		ps[i] = &r.Samples[i]
		ps[i].Runs = []string{"FC1"}
	}
	if w := singleRunWarning(ps, used); !strings.Contains(w, fmt.Sprintf("all %d reference samples come from one sequencing run (FC1)", n)) {
		t.Errorf("one run: warning %q", w)
	}
	ps[used[3]].Runs = nil
	if w := singleRunWarning(ps, used); w != "" {
		t.Errorf("a sample without a run: warning %q", w)
	}
	ps[used[3]].Runs = []string{"FC2"}
	if w := singleRunWarning(ps, used); w != "" {
		t.Errorf("two runs: warning %q", w)
	}
}
