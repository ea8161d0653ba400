package analyze

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// batchViews returns n results whose autosomal z-scores are standard
// normal draws plus shift[chrom], against a reference of refs samples.
func batchViews(r *rand.Rand, n, refs int, shift map[string]float64) []*result.Result {
	views := make([]*result.Result, n)
	for i := range views {
		v := &result.Result{Reference: result.Reference{Samples: refs}, QC: result.QC{Status: result.QCPass}}
		for c := range genome.ChrX {
			name := genome.ChromName(c)
			v.Chromosomes = append(v.Chromosomes, result.Chromosome{Chrom: name, Z: r.NormFloat64() + shift[name]})
		}
		views[i] = v
	}
	return views
}

func TestBatchQCFindsAnOffset(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	cfg := call.DefaultConfig()
	views := batchViews(r, 60, 80, map[string]float64{"chr7": 1.0})
	// Samples the check must leave out: a failed one (z 9 everywhere), a
	// high-risk T21 and a CNV call on chr3.
	bad := batchViews(r, 3, 80, map[string]float64{"chr21": 9, "chr3": -9, "chr1": 9})
	bad[0].QC.Status = result.QCFail
	bad[1].Aneuploidies = []result.Finding{{Condition: "T21", Chrom: "chr21", Call: result.HighRisk}}
	bad[2].CNVs = []result.CNV{{Chrom: "chr3"}}
	bad[1].Chromosomes[0].Z, bad[2].Chromosomes[0].Z = 0, 0 // chr1 only in the failed one
	views = append(views, bad...)
	rows := BatchQC(views, cfg)
	if len(rows) != genome.ChrX {
		t.Fatalf("%d rows, want %d", len(rows), genome.ChrX)
	}
	for _, b := range rows {
		want := BatchPass
		if b.Chrom == "chr7" {
			want = BatchWarn
		}
		if b.Status != want {
			t.Errorf("%s: %s (median %.2f, t %.2f), want %s", b.Chrom, b.Status, b.Median, b.T, want)
		}
	}
	n := func(chrom string) int {
		for _, b := range rows {
			if b.Chrom == chrom {
				return b.Samples
			}
		}
		return -1
	}
	if n("chr21") != 61 || n("chr3") != 61 || n("chr1") != 62 || n("chr2") != 62 {
		t.Errorf("samples entering: chr21 %d, chr3 %d, chr1 %d, chr2 %d; want 61, 61, 62, 62", n("chr21"), n("chr3"), n("chr1"), n("chr2"))
	}
	if msg := BatchWarning(rows[6]); !strings.Contains(msg, "chr7 reads higher") {
		t.Errorf("warning: %s", msg)
	}
	// Too few samples: not tested; the check off: no rows.
	few := BatchQC(batchViews(r, 5, 80, nil), cfg)
	if few[0].Status != BatchNotTested || !math.IsNaN(few[0].T) {
		t.Errorf("5 samples: %+v", few[0])
	}
	cfg.BatchFalseAlarms = 0
	if rows := BatchQC(views, cfg); rows != nil {
		t.Errorf("check off: %d rows", len(rows))
	}
}

// Without offsets a batch warns with probability at most
// batch_false_alarms (1%): over 2,000 null batches of 30 samples against
// a reference of 80 (whose null mean is exact here, so the reference term
// makes the test conservative), the share with any warning must stay
// below 1% plus three binomial SDs (0.67%).
func TestBatchQCFalseAlarmRate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	cfg := call.DefaultConfig()
	const batches = 2000
	alarms := 0
	for range batches {
		for _, b := range BatchQC(batchViews(r, 30, 80, nil), cfg) {
			if b.Status == BatchWarn {
				alarms++
				break
			}
		}
	}
	t.Logf("false-alarm rate %.4f", float64(alarms)/batches)
	if rate := float64(alarms) / batches; rate > 0.0167 {
		t.Errorf("false-alarm rate %.4f over %d null batches, want ≤ 0.01 (+3 SD)", rate, batches)
	}
	// It is not vacuous: a 1.2 SD offset on one chromosome in batches of 30
	// (SE ≈ 0.27, threshold 3.51 SE) is found in most of them.
	found := 0
	for range 200 {
		for _, b := range BatchQC(batchViews(r, 30, 80, map[string]float64{"chr18": 1.2}), cfg) {
			if b.Chrom == "chr18" && b.Status == BatchWarn {
				found++
			}
		}
	}
	if found < 150 {
		t.Errorf("1.2 SD offset found in %d of 200 batches of 30", found)
	}
}

func TestWriteBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	rows := BatchQC(batchViews(r, 20, 80, nil), call.DefaultConfig())
	rows[21].Status, rows[21].Median, rows[21].SE, rows[21].T = BatchNotTested, math.NaN(), math.NaN(), math.NaN()
	rows[20].Batch = "HK3TWDSX3+HK7ZZDSX3"
	path := filepath.Join(t.TempDir(), BatchFile)
	if err := WriteBatch(path, rows); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 23 || lines[0] != "batch\tchrom\tsamples\tmedian_z\tse\tt\tt_threshold\tstatus\tcorrection\toffset_z\toffset_se" {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	if !strings.HasPrefix(lines[1], "all\tchr1\t20\t") || !strings.HasPrefix(lines[21], "HK3TWDSX3+HK7ZZDSX3\tchr21\t") ||
		!strings.HasSuffix(lines[22], "\tNA\tNA\tNA\t3.506\tnot_tested\toff\tNA\tNA") {
		t.Errorf("rows:\n%s\n%s\n%s", lines[1], lines[21], lines[22])
	}
	// Read back: the values as written (3 decimals), NA as NaN.
	back, err := ReadBatch(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 22 || back[0].Batch != BatchAll || back[20].Batch != "HK3TWDSX3+HK7ZZDSX3" || back[0].Chrom != "chr1" || back[0].Samples != 20 || math.Abs(back[0].Median-rows[0].Median) > 5e-4 || !math.IsNaN(back[21].T) || back[21].Status != BatchNotTested {
		t.Errorf("read back: %+v ... %+v", back[0], back[21])
	}
	// A table written before batch correction (7 columns) still reads.
	old := filepath.Join(t.TempDir(), BatchFile)
	if err := os.WriteFile(old, []byte(batchHeaderV1+"\nchr4\t40\t-0.900\t0.200\t-4.500\t3.506\twarn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v1, err := ReadBatch(old); err != nil || len(v1) != 1 || v1[0].Batch != BatchAll || v1[0].Status != BatchWarn || v1[0].Correction != CorrectionOff || !math.IsNaN(v1[0].OffsetZ) {
		t.Errorf("7-column table: %+v, %v", v1, err)
	}
	// So does one written before batches were grouped by run (10 columns).
	if err := os.WriteFile(old, []byte(batchHeaderV2+"\nchr4\t40\t-0.900\t0.200\t-4.500\t3.506\twarn\tapplied\t-0.850\t0.160\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v2, err := ReadBatch(old); err != nil || len(v2) != 1 || v2[0].Batch != BatchAll || v2[0].Correction != CorrectionApplied || v2[0].OffsetZ != -0.85 {
		t.Errorf("10-column table: %+v, %v", v2, err)
	}
	// A damaged table is refused with the file named.
	head := string(b[:len(lines[0])+1])
	for name, body := range map[string]string{
		"header":     "chrom\tz\n",
		"fields":     head + "all\tchr1\t20\n",
		"status":     head + "all\tchr1\t20\t0.1\t0.2\t0.5\t3.5\tmaybe\toff\tNA\tNA\n",
		"chrX":       head + "all\tchrX\t20\t0.1\t0.2\t0.5\t3.5\tpass\toff\tNA\tNA\n",
		"number":     head + "all\tchr1\tmany\t0.1\t0.2\t0.5\t3.5\tpass\toff\tNA\tNA\n",
		"correction": head + "all\tchr1\t20\t0.1\t0.2\t0.5\t3.5\tpass\tsometimes\tNA\tNA\n",
		"offset":     head + "all\tchr1\t20\t0.1\t0.2\t0.5\t3.5\tpass\tapplied\tbig\t0.1\n",
		"batch":      head + "run 7\tchr1\t20\t0.1\t0.2\t0.5\t3.5\tpass\toff\tNA\tNA\n",
		"v1 fields":  batchHeaderV1 + "\nchr1\t20\t0.1\t0.2\t0.5\t3.5\tpass\toff\tNA\tNA\n",
		"v2 fields":  batchHeaderV2 + "\nall\tchr1\t20\t0.1\t0.2\t0.5\t3.5\tpass\toff\tNA\tNA\n",
	} {
		bad := filepath.Join(t.TempDir(), BatchFile)
		if err := os.WriteFile(bad, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadBatch(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
