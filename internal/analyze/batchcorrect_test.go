package analyze

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
	gstat "gonum.org/v1/gonum/stat"
)

// TestHuberLocation checks the estimate, its standard error and the
// leave-one-out influence on draws with a known offset.
func TestHuberLocation(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const reps, n, mu0 = 2000, 40, 0.3
	var ts []float64
	for range reps {
		v, sd := make([]float64, n), make([]float64, n)
		for i := range v {
			// Null SDs 0.8–1.2 (depth), values scattering at 0.7 of them
			// (a run scatters less than the reference's nulls).
			sd[i] = 0.8 + 0.4*r.Float64()
			v[i] = mu0 + 0.7*sd[i]*r.NormFloat64()
		}
		mu, se, _ := huberLocation(v, sd)
		ts = append(ts, (mu-mu0)/se)
	}
	// The sandwich SE measures the scatter the values show: the
	// standardised errors have mean 0 and SD 1 (±0.05 for 2,000 draws, a
	// 3-SE band of the SD's sampling error plus the small-n bias of a
	// sandwich estimate).
	m, s := gstat.MeanStdDev(ts, nil)
	if math.Abs(m) > 0.07 || math.Abs(s-1) > 0.06 {
		t.Errorf("standardised errors: mean %.3f, SD %.3f; want 0, 1", m, s)
	}

	// Robust: 10% of the values 6 SD high move the estimate by at most
	// Huber's bias bound, ε·k/((1−ε)·P(|Z| < k)) ≈ 0.18 SD, plus its noise
	// (the mean would move by 0.6 SD).
	v, sd := make([]float64, 100), make([]float64, 100)
	for i := range v {
		sd[i] = 1
		v[i] = r.NormFloat64()
		if i%10 == 0 {
			v[i] += 6
		}
	}
	mu, se, infl := huberLocation(v, sd)
	if math.Abs(mu) > 0.18+3*0.11 || se > 0.15 {
		t.Errorf("with 10%% outliers: estimate %.3f (SE %.3f), want |estimate| < 0.51", mu, se)
	}
	// The first-order influence matches refitting without the value.
	for _, i := range []int{0, 1, 7} {
		w, wsd := append(append([]float64(nil), v[:i]...), v[i+1:]...), append(append([]float64(nil), sd[:i]...), sd[i+1:]...)
		exact, _, _ := huberLocation(w, wsd)
		if d := mu - infl[i] - exact; math.Abs(d) > 0.1*math.Abs(infl[i])+1e-4 {
			t.Errorf("value %d: leave-one-out estimate %.5f from the influence, %.5f refitted", i, mu-infl[i], exact)
		}
	}
}

// TestBatchOffsetsGuards: the guards against correcting from samples that
// cannot be taken as euploid, and each sample's own leave-one-out offset.
func TestBatchOffsetsGuards(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	cfg := call.DefaultConfig()
	var primary [genome.ChrX]string
	for c := range primary {
		primary[c] = "pca"
	}
	mk := func(n, high int) []*batchInput {
		in := make([]*batchInput, n)
		for i := range in {
			b := &batchInput{}
			for c := range genome.ChrX {
				b.dosages[c] = map[string]call.Dosage{"pca": {Value: 0.01 + 0.004*r.NormFloat64(), SD: 0.005}}
				b.threshold[c] = 3.3
			}
			if i < high {
				// A trisomy at 8%: 0.056 above euploid, z ≈ 13.
				b.dosages[20]["pca"] = call.Dosage{Value: 0.01 + 0.056, SD: 0.005}
			}
			in[i] = b
		}
		return in
	}
	// 30 samples, one high risk for chr21 (3.3%): every autosome corrected
	// by about +0.01 (2 SD).
	in := mk(30, 1)
	off, corr := batchOffsets(in, primary, cfg)
	for c := range genome.ChrX {
		if corr[c].status != CorrectionApplied || math.Abs(corr[c].offsetZ-2) > 0.6 {
			t.Errorf("chr%d: %+v, want applied ≈ 2", c+1, corr[c])
		}
	}
	// The high-risk sample is not in the estimate: it gets the batch's
	// offset; the others each their own leave-one-out one.
	if o := off[0][20]["pca"]; o.Value == off[1][20]["pca"].Value || o.SE <= 0 {
		t.Errorf("chr21 offsets: high-risk %+v, others %+v", o, off[1][20]["pca"])
	}
	// Two of 30 high risk (6.7% > 5%): chr21 is left alone, the rest
	// corrected.
	_, corr = batchOffsets(mk(30, 2), primary, cfg)
	if corr[20].status != CorrectionHighRisk || corr[0].status != CorrectionApplied {
		t.Errorf("two high-risk chr21 samples: chr21 %s, chr1 %s", corr[20].status, corr[0].status)
	}
	// Too few usable samples.
	_, corr = batchOffsets(mk(cfg.BatchCorrectMinSamples-1, 0), primary, cfg)
	if corr[0].status != CorrectionTooFew {
		t.Errorf("%d samples: %s", cfg.BatchCorrectMinSamples-1, corr[0].status)
	}
	// QC failures neither enter the estimate nor count against the share.
	in = mk(30, 0)
	for i := range 5 {
		in[i].qcFail = true
		for c := range genome.ChrX {
			in[i].dosages[c]["pca"] = call.Dosage{Value: 1, SD: 0.005}
		}
	}
	if _, corr = batchOffsets(in, primary, cfg); math.Abs(corr[0].offsetZ-2) > 0.6 {
		t.Errorf("QC failures entered the estimate: %+v", corr[0])
	}
}

// TestRunBatchCorrection analyses a batch whose chr13 reads 0.6% high in
// every sample — a run offset the reference never saw — with and without
// batch correction: without it the batch's chr13 z-scores sit about 2 SD
// high and the batch QC warns; with it they are centred again, result.json
// shows the shift removed, the batch QC still reports the run as it was,
// and a trisomy 13 in the batch is still called.
func TestRunBatchCorrection(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 25 samples twice")
	}
	f := fixture(t)
	dir := t.TempDir()
	l := f.Ref.Layout
	var paths []string
	for i := range 25 {
		s := synth.Sample{ID: fmt.Sprintf("b%02d", i), Male: i%2 == 1, FF: 0.08 + 0.004*float64(i), Seed: uint64(300 + i)}
		if i == 0 {
			s.Trisomy, s.FF = 12, 0.12
		}
		c := sample(f, s)
		for j := l.Offset[12]; j < l.Offset[13]; j++ {
			c.Reads[j] = uint32(math.Round(float64(c.Reads[j]) * 1.006))
		}
		p := filepath.Join(dir, s.ID+".counts")
		if err := counts.WriteFile(p, c, 1); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	z13 := func(views []*result.Result) (med float64, t13 result.Finding, offsets []float64) {
		var zs []float64
		for _, v := range views {
			for _, c := range v.Chromosomes {
				if c.Chrom == "chr13" && v.Sample != "b00" {
					zs = append(zs, c.Z)
					offsets = append(offsets, c.BatchOffset)
				}
			}
		}
		return stats.Median(zs), finding(views[0], "T13"), offsets
	}
	warn := call.DefaultConfig()
	warn.BatchOffsets = call.BatchOffsetsWarn
	plain, err := Run(context.Background(), f.Ref, paths, filepath.Join(dir, "plain"), RunOptions{Config: warn, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	cfg := call.DefaultConfig() // batch_offsets = "correct"
	out := filepath.Join(dir, "corrected")
	corrected, err := Run(context.Background(), f.Ref, paths, out, RunOptions{Config: cfg, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	mp, tp, op := z13(plain)
	mc, tc, oc := z13(corrected)
	t.Logf("chr13 median z: %.2f uncorrected, %.2f corrected; T13 sample z %.2f → %.2f", mp, mc, tp.Z, tc.Z)
	if mp < 1.2 {
		t.Fatalf("the injected offset reads only %.2f SD uncorrected", mp)
	}
	if math.Abs(mc) > 0.5 {
		t.Errorf("corrected chr13 median z %.2f, want ≈ 0", mc)
	}
	for i := range op {
		if op[i] != 0 || !(oc[i] > 0.003 && oc[i] < 0.0125) {
			t.Errorf("batch_offset %g uncorrected, %g corrected; want 0 and ≈ log2(1.006) = 0.0086", op[i], oc[i])
			break
		}
	}
	if tp.Call != result.HighRisk || tc.Call != result.HighRisk {
		t.Errorf("trisomy 13 at 12%%: %s uncorrected, %s corrected", tp.Call, tc.Call)
	}
	bq, err := ReadBatch(filepath.Join(out, BatchFile))
	if err != nil {
		t.Fatal(err)
	}
	if b := bq[12]; b.Correction != CorrectionApplied || b.Median < 0.9 || math.Abs(b.OffsetZ-mp) > 0.7 {
		t.Errorf("batch QC of chr13: %+v; want the uncorrected median and the offset applied", b)
	}
	// The bins and segments do not depend on the correction: the second
	// pass reuses the first's analysis.
	for _, name := range []string{BinsTSVFile, SegmentsFile} {
		a, _ := os.ReadFile(filepath.Join(dir, "plain", "b05", name))
		b, _ := os.ReadFile(filepath.Join(out, "b05", name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s of b05 differs with the batch correction", name)
		}
	}
	// Deterministic: one thread gives the same bytes.
	out1 := filepath.Join(dir, "corrected1")
	if _, err := Run(context.Background(), f.Ref, paths, out1, RunOptions{Config: cfg, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SummaryFile, BatchFile, filepath.Join("b07", ResultFile)} {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join(out1, name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs between 2 threads and 1", name)
		}
	}
	// result.json carries the shift only where it was applied.
	js, err := os.ReadFile(filepath.Join(out, "b03", ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"batch_offset"`) {
		t.Error("result.json of a corrected sample has no batch_offset")
	}
	js, err = os.ReadFile(filepath.Join(dir, "plain", "b03", ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), `"batch_offset"`) {
		t.Error("result.json of an uncorrected sample has a batch_offset")
	}
}

// TestBatchCorrectionAuditsOnce: the first, uncorrected pass shows nothing
// to anyone, so a profile that discloses fetal sex records each
// disclosure in its audit log once, for the results written.
func TestBatchCorrectionAuditsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 20 samples twice")
	}
	f := fixture(t)
	dir := t.TempDir()
	var samples []synth.Sample
	for i := range 20 {
		samples = append(samples, synth.Sample{ID: fmt.Sprintf("a%02d", i), Male: i%2 == 1, FF: 0.1, Seed: uint64(400 + i)})
	}
	paths := writeSamples(t, f, dir, samples...)
	prof := disclosure.DefaultProfile()
	prof.FetalSex = disclosure.FetalSexOnRequest
	audit := &disclosure.MemoryAuditLog{}
	prof.Audit = audit
	req := disclosure.Request{SexRequested: true, Requester: "tester"}
	views, err := Run(context.Background(), f.Ref, paths, filepath.Join(dir, "out"), RunOptions{Config: call.DefaultConfig(), Profile: prof, Request: req, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	disclosed := 0
	for _, v := range views {
		if v.Disclosure.FetalSexDisclosed {
			disclosed++
		}
	}
	if disclosed == 0 || len(audit.Entries) != disclosed {
		t.Errorf("%d audit entries for %d disclosures", len(audit.Entries), disclosed)
	}
	bq, err := ReadBatch(filepath.Join(dir, "out", BatchFile))
	if err != nil {
		t.Fatal(err)
	}
	if bq[0].Correction != CorrectionApplied {
		t.Errorf("20 samples: chr1 correction %s", bq[0].Correction)
	}
}
