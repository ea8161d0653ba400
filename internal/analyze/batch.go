package analyze

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// BatchFile is the batch QC table nipt analyze writes next to summary.tsv.
const BatchFile = "batch_qc.tsv"

const batchHeader = "batch\tchrom\tsamples\tmedian_z\tse\tt\tt_threshold\tstatus\tcorrection\toffset_z\toffset_se"

// batchHeaderV1 is the table before batch correction (7 columns) and
// batchHeaderV2 the one before batches were grouped by run (10 columns);
// both are still read, as one batch named BatchAll.
const (
	batchHeaderV1 = "chrom\tsamples\tmedian_z\tse\tt\tt_threshold\tstatus"
	batchHeaderV2 = batchHeaderV1 + "\tcorrection\toffset_z\toffset_se"
)

// BatchAll names the batch of every file given to nipt analyze when
// samples are not grouped by run.
const BatchAll = "all"

// Batch QC statuses of a chromosome.
const (
	BatchPass      = "pass"
	BatchWarn      = "warn"
	BatchNotTested = "not_tested"
)

// BatchOffset is the batch QC of one autosome: does the batch as a whole
// read it higher or lower than the reference predicts?
type BatchOffset struct {
	// Batch is the batch: a sequencing run (RunOptions.BatchBy) or
	// BatchAll.
	Batch string
	Chrom string
	// Samples: the samples whose z-score of the chromosome entered (QC
	// not failed, no high-risk call and no CNV call on the chromosome).
	Samples int
	// Median is the median z-score over them; SE its standard error under
	// no offset; T = Median / SE; Threshold the |T| that warns.
	Median, SE, T, Threshold float64
	Status                   string
	// Correction is what the batch correction did with the chromosome
	// (CorrectionOff, CorrectionApplied, CorrectionTooFew,
	// CorrectionHighRisk); OffsetZ and OffsetSE are the offset removed
	// and its standard error, in units of the batch's median null SD
	// (NaN unless applied).
	Correction        string
	OffsetZ, OffsetSE float64
}

// BatchQC tests every autosome for a batch offset: a shift of the whole
// batch's z-scores, which the per-sample nulls cannot see — a run whose
// library preparation or sequencing differs from the reference's moves a
// chromosome for all its samples at once, so that its trisomy calls
// (positive offset) or low-risk calls (negative) rest partly on the run.
//
// Under no offset a chromosome's z-scores over n independent samples have
// median ≈ N(0, (π/2)·s²/n), s their SD (1 for a calibrated null; the
// robust SD of the batch when larger, never less than 1), plus the error
// of the reference's own null mean, which every sample shares: 1/√m in z
// units for m reference samples. SE² = (π/2)·s²/n + 1/m. Each autosome is
// tested at the Bonferroni share of cfg.BatchFalseAlarms, two-sided, so a
// batch without offsets gets any warning with probability at most
// BatchFalseAlarms. Only autosomes are tested: the batch file is shown
// under every disclosure policy.
func BatchQC(views []*result.Result, cfg call.Config) []BatchOffset {
	if cfg.BatchFalseAlarms <= 0 {
		return nil
	}
	zs := make(map[string][]float64)
	refs := 0
	for _, v := range views {
		if v.QC.Status == result.QCFail {
			continue
		}
		refs = v.Reference.Samples
		skip := map[string]bool{}
		for _, f := range v.Aneuploidies {
			if f.Call == result.HighRisk {
				skip[f.Chrom] = true
			}
		}
		for _, c := range v.CNVs {
			skip[c.Chrom] = true
		}
		for _, c := range v.Chromosomes {
			if !skip[c.Chrom] && !math.IsNaN(c.Z) && !math.IsInf(c.Z, 0) {
				zs[c.Chrom] = append(zs[c.Chrom], c.Z)
			}
		}
	}
	thr := stats.NormalQuantile(1 - cfg.BatchFalseAlarms/(2*float64(genome.ChrX)))
	out := make([]BatchOffset, 0, genome.ChrX)
	for c := range genome.ChrX {
		name := genome.ChromName(c)
		z := zs[name]
		b := BatchOffset{Chrom: name, Samples: len(z), Median: math.NaN(), SE: math.NaN(), T: math.NaN(), Threshold: thr, Status: BatchNotTested,
			Correction: CorrectionOff, OffsetZ: math.NaN(), OffsetSE: math.NaN()}
		if len(z) >= cfg.BatchMinSamples && refs > 0 {
			s := math.Max(1, stats.MAD(z))
			b.Median = stats.Median(z)
			b.SE = math.Sqrt(math.Pi/2*s*s/float64(len(z)) + 1/float64(refs))
			b.T = b.Median / b.SE
			b.Status = BatchPass
			if math.Abs(b.T) > thr {
				b.Status = BatchWarn
			}
		}
		out = append(out, b)
	}
	return out
}

// withCorrection adds the batch correction to the batch QC rows (made
// when the batch QC itself is off, batch_false_alarms = 0).
func withCorrection(rows []BatchOffset, corr *[genome.ChrX]chromCorrection) []BatchOffset {
	if rows == nil {
		for c := range genome.ChrX {
			rows = append(rows, BatchOffset{Chrom: genome.ChromName(c), Median: math.NaN(), SE: math.NaN(), T: math.NaN(), Threshold: math.NaN(), Status: BatchNotTested})
		}
	}
	for i := range rows {
		c, _ := genome.ChromIndex(rows[i].Chrom)
		x := corr[c]
		rows[i].Correction, rows[i].OffsetZ, rows[i].OffsetSE = x.status, x.offsetZ, x.seZ
	}
	return rows
}

// BatchWarning is the log sentence for a chromosome whose batch offset
// warns.
func BatchWarning(b BatchOffset) string {
	dir, effect := "higher", "its trisomy calls may rest partly on the run"
	if b.Median < 0 {
		dir, effect = "lower", "its low-risk calls lose power"
	}
	if b.Correction == CorrectionApplied {
		effect = "the batch correction removed it from the calls"
	}
	where := "batch QC"
	if b.Batch != "" && b.Batch != BatchAll {
		where += " (run " + b.Batch + ")"
	}
	return fmt.Sprintf("%s: %s reads %s in this batch than the reference predicts (median z %+.2f over %d samples, %.1f standard errors): %s; check the run, or add samples of its conditions to the reference (nipt reference add)", where, b.Chrom, dir, b.Median, b.Samples, math.Abs(b.T), effect)
}

// WriteBatch writes the batch QC table (tab-separated, header line;
// NA where a chromosome was not tested).
func WriteBatch(path string, rows []BatchOffset) error {
	var buf bytes.Buffer
	buf.WriteString(batchHeader + "\n")
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return fmt.Sprintf("%.3f", v)
	}
	for _, b := range rows {
		corr := b.Correction
		if corr == "" {
			corr = CorrectionOff
		}
		batch := b.Batch
		if batch == "" {
			batch = BatchAll
		}
		fmt.Fprintf(&buf, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", batch, b.Chrom, b.Samples, num(b.Median), num(b.SE), num(b.T), num(b.Threshold), b.Status,
			corr, num(b.OffsetZ), num(b.OffsetSE))
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// validBatch checks a batch name: BatchAll, or runs joined by '+'.
func validBatch(s string) error {
	if s == BatchAll {
		return nil
	}
	for r := range strings.SplitSeq(s, "+") {
		if err := counts.ValidRun(r); err != nil {
			return fmt.Errorf("batch %q: %w", s, err)
		}
	}
	return nil
}

// ReadBatch reads a batch QC table written by WriteBatch.
func ReadBatch(path string) ([]BatchOffset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	// Older tables lack the leading batch column (one batch, BatchAll)
	// and the oldest the correction's three.
	cols, lead := 11, 1
	switch lines[0] {
	case batchHeader:
	case batchHeaderV2:
		cols, lead = 10, 0
	case batchHeaderV1:
		cols, lead = 7, 0
	default:
		return nil, fmt.Errorf("%s: not a nipt batch QC table (first line %q)", path, lines[0])
	}
	num := func(s string) (float64, error) {
		if s == "NA" {
			return math.NaN(), nil
		}
		return strconv.ParseFloat(s, 64)
	}
	var out []BatchOffset
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != cols {
			return nil, fmt.Errorf("%s line %d: %d fields, want %d", path, i+2, len(f), cols)
		}
		batch := BatchAll
		if lead == 1 {
			batch = f[0]
			if err := validBatch(batch); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+2, err)
			}
			f = f[1:]
		}
		r := BatchOffset{Batch: batch, Chrom: f[0], Status: f[6], Correction: CorrectionOff, OffsetZ: math.NaN(), OffsetSE: math.NaN()}
		var errs [7]error
		r.Samples, errs[0] = strconv.Atoi(f[1])
		r.Median, errs[1] = num(f[2])
		r.SE, errs[2] = num(f[3])
		r.T, errs[3] = num(f[4])
		r.Threshold, errs[4] = num(f[5])
		if len(f) == 10 {
			r.Correction = f[7]
			r.OffsetZ, errs[5] = num(f[8])
			r.OffsetSE, errs[6] = num(f[9])
			switch r.Correction {
			case CorrectionOff, CorrectionApplied, CorrectionTooFew, CorrectionHighRisk:
			default:
				return nil, fmt.Errorf("%s line %d: correction %q", path, i+2, r.Correction)
			}
		}
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("%s line %d: %w", path, i+2, e)
			}
		}
		switch r.Status {
		case BatchPass, BatchWarn, BatchNotTested:
		default:
			return nil, fmt.Errorf("%s line %d: status %q", path, i+2, r.Status)
		}
		if c, ok := genome.ChromIndex(r.Chrom); !ok || c >= genome.ChrX {
			return nil, fmt.Errorf("%s line %d: %q is not an autosome", path, i+2, r.Chrom)
		}
		out = append(out, r)
	}
	return out, nil
}
