package analyze

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/parallel"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/result"
)

// RunOptions control a batch analysis.
type RunOptions struct {
	Config  call.Config
	Profile *disclosure.Profile // nil: disclosure.DefaultProfile()
	Request disclosure.Request
	// SexBlind forces a sex-blind analysis even when the profile would
	// allow fetal sex for this request.
	SexBlind bool
	Threads  int
	// BatchBy says how the files form batches for the batch QC and the
	// batch correction: BatchByRun, BatchByNone or BatchByAuto ("" is
	// BatchByAuto).
	BatchBy string
	// Samples is the sample sheet (ReadSampleSheet), by sample ID; a
	// sample it does not list is a singleton pregnancy.
	Samples map[string]SampleInfo
}

// Batch grouping modes (RunOptions.BatchBy).
const (
	// BatchByAuto groups by sequencing run when every counts file names
	// its run (counts.Header.Runs), else analyses the files as one batch.
	BatchByAuto = "auto"
	// BatchByRun groups by sequencing run and fails on a file that names
	// none.
	BatchByRun = "run"
	// BatchByNone makes the files one batch.
	BatchByNone = "none"
)

// batchGroup is one batch of a Run: its name and its files (indices).
type batchGroup struct {
	name string
	idx  []int
}

// batchGroups forms the batches of a Run from the files' runs: a sample
// read on several runs forms a batch with the samples of exactly those
// runs (its runs sorted and joined by '+'). Batches come in order of their
// first file.
func batchGroups(mode string, paths []string, runs [][]string) ([]batchGroup, error) {
	all := []batchGroup{{name: BatchAll}}
	for i := range paths {
		all[0].idx = append(all[0].idx, i)
	}
	switch mode {
	case BatchByNone:
		return all, nil
	case BatchByAuto, "":
		for i, r := range runs {
			if len(r) == 0 {
				slog.Info("batch: analysing the files as one batch, since not every counts file names its sequencing run", "file", paths[i])
				return all, nil
			}
		}
	case BatchByRun:
		for i, r := range runs {
			if len(r) == 0 {
				return nil, fmt.Errorf("%s names no sequencing run, so --batch-by run cannot place it: recount it with nipt count --run RUN (or give its BAM an @RG PU tag), or analyse with --batch-by none", paths[i])
			}
		}
	default:
		return nil, fmt.Errorf("unknown batch grouping %q (auto, run or none)", mode)
	}
	var out []batchGroup
	pos := map[string]int{}
	for i, r := range runs {
		name := counts.RunKey(r)
		k, ok := pos[name]
		if !ok {
			k = len(out)
			pos[name] = k
			out = append(out, batchGroup{name: name})
		}
		out[k].idx = append(out[k].idx, i)
	}
	return out, nil
}

// ApplyProfileQC overrides cfg's QC thresholds with the lab profile's.
func ApplyProfileQC(cfg call.Config, p *disclosure.Profile) call.Config {
	for _, o := range p.QC {
		var t *call.Threshold
		switch o.Metric {
		case "reads":
			t = &cfg.Reads
		case "duplicate_rate":
			t = &cfg.DuplicateRate
		case "gc_bias":
			t = &cfg.GCBias
		case "mapd":
			t = &cfg.MAPD
		case "fetal_fraction":
			t = &cfg.FetalFraction
		case "chrom_dosage":
			t = &cfg.ChromDosage
		case "depth_ratio":
			t = &cfg.DepthRatio
		case "aberrant_autosomes":
			t = &cfg.AberrantAutosomes
		default:
			continue
		}
		if o.Warn != nil {
			t.Warn = o.Warn
		}
		if o.Fail != nil {
			t.Fail = o.Fail
		}
	}
	return cfg
}

// ApplyProfilePrevalence sets cfg's trisomy prevalences (T21, T18, T13,
// and RAT for every other autosome) from the lab profile's performance
// figures wherever the lab gave a prevalence. The built-in profiles'
// published figures (disclosure.DefaultProfile, DemoProfile) are left
// out: they are prevalences at birth, and a risk after the test must start
// from the risk at the time of testing, which is higher (call.Prevalence:
// the documented 10–14-week defaults stay).
func ApplyProfilePrevalence(cfg call.Config, p *disclosure.Profile) call.Config {
	builtin := map[disclosure.Performance]bool{}
	for _, b := range []*disclosure.Profile{disclosure.DefaultProfile(), disclosure.DemoProfile()} {
		for _, perf := range b.Performance {
			builtin[perf] = true
		}
	}
	for _, perf := range p.Performance {
		if !(perf.Prevalence > 0) || builtin[perf] {
			continue
		}
		switch perf.Condition {
		case disclosure.T21:
			cfg.Prevalence.T21 = perf.Prevalence
		case disclosure.T18:
			cfg.Prevalence.T18 = perf.Prevalence
		case disclosure.T13:
			cfg.Prevalence.T13 = perf.Prevalence
		case disclosure.RAT:
			cfg.Prevalence.RAT = perf.Prevalence
		}
	}
	return cfg
}

// Run analyses the counts files against ref and writes every output under
// outdir from the disclosure views only: OUTDIR/SAMPLE/{result.json,
// bins.tsv, bins.bedgraph, segments.bed, cnv.vcf} and OUTDIR/summary.tsv.
// It returns the views in input order (without their bins, which are
// written as soon as each sample is done).
func Run(ctx context.Context, ref *refset.Reference, paths []string, outdir string, ro RunOptions) ([]*result.Result, error) {
	prof := ro.Profile
	if prof == nil {
		prof = disclosure.DefaultProfile()
	}
	cfg := ApplyProfilePrevalence(ApplyProfileQC(ro.Config, prof), prof)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opt := Options{Config: cfg}
	// Check sample IDs and compatibility from the headers before any work.
	seen := map[string]string{}
	ids := make([]string, len(paths))
	dirs := make([]string, len(paths))
	runs := make([][]string, len(paths))
	for i, p := range paths {
		h, err := counts.ReadHeaderFile(p)
		if err != nil {
			return nil, err
		}
		runs[i] = h.Runs
		if prev, dup := seen[h.Sample]; dup {
			return nil, fmt.Errorf("sample ID %q appears in both %s and %s: sample IDs must be unique in a batch", h.Sample, prev, p)
		}
		seen[h.Sample] = p
		ids[i] = h.Sample
		if dirs[i], err = SampleDir(outdir, h.Sample); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if h.Build != ref.Build || ref.BinSize%h.BinSize != 0 {
			return nil, fmt.Errorf("%s: counted on %s at %d b bins; the reference is %s at %d b: recount the sample with --build %s and a bin size dividing %d", p, h.Build, h.BinSize, ref.Build, ref.BinSize, ref.Build, ref.BinSize)
		}
		if fb := ref.FineBinSize; fb > 0 && fb%h.BinSize != 0 {
			return nil, fmt.Errorf("%s: counted at %d b bins; the reference corrects GC at %d b bins (fine correction), so samples must be counted at %d b or a divisor of it: recount with nipt count --bin-size %d", p, h.BinSize, fb, fb, fb)
		}
	}
	if ro.Samples != nil {
		listed, twins := 0, 0
		for id := range seen {
			if info, ok := ro.Samples[id]; ok {
				listed++
				if info.Pregnancy != "" && info.Pregnancy != result.PregnancySingleton {
					twins++
				}
			}
		}
		slog.Info("sample sheet", "samples_listed", listed, "samples", len(paths), "twin_pregnancies", twins)
		if listed == 0 {
			return nil, fmt.Errorf("the sample sheet lists none of the %d samples: its sample column must hold the counts files' sample IDs (nipt counts show --header prints a file's sample)", len(paths))
		}
	}
	groups, err := batchGroups(ro.BatchBy, paths, runs)
	if err != nil {
		return nil, err
	}
	if len(groups) > 1 || groups[0].name != BatchAll {
		names := make([]string, len(groups))
		for g, gr := range groups {
			names[g] = fmt.Sprintf("%s (%d)", gr.name, len(gr.idx))
		}
		slog.Info("batches by sequencing run", "batches", strings.Join(names, ", "))
	}
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		return nil, fmt.Errorf("creating output directory %s: %w", outdir, err)
	}
	// Each batch (a sequencing run, or all files) is analysed in turn, so
	// that memory is bounded by the largest batch. With batch correction, a
	// first pass analyses every sample of a batch large enough to correct
	// up to its autosomal calls (pending: nearly all of the work) and calls
	// it without correction: its dosages and calls give the batch's offsets
	// (batchOffsets), and its autosomal results the batch QC, which reports
	// the offsets as the run has them. Nothing of the first pass is shown,
	// so it does not pass through the disclosure layer (which would record
	// a disclosure in the audit log). The second pass only makes each
	// sample's calls again with its correction and writes the outputs.
	views := make([]*result.Result, len(paths))
	first := make([]*result.Result, len(paths))
	corrs := make([]*[genome.ChrX]chromCorrection, len(groups))
	var primary [genome.ChrX]string
	for c := range genome.ChrX {
		primary[c] = ref.Chroms[c].Primary
	}
	// Each sample's disclosure request (the sample sheet's sex_requested
	// and indication, else the batch's), whether its analysis must
	// therefore be sex-blind, and its pregnancy.
	reqs := make([]disclosure.Request, len(paths))
	opts := make([]Options, len(paths))
	for i, id := range ids {
		info := ro.Samples[id]
		reqs[i] = info.Request(ro.Request)
		opts[i] = opt
		opts[i].SexBlind = SexBlind(prof, reqs[i], ro.SexBlind)
		opts[i].Pregnancy = info.Pregnancy
	}
	for g, gr := range groups {
		pend := make([]*pending, len(gr.idx))
		offsets := make([]Offsets, len(gr.idx))
		switch {
		case cfg.BatchOffsets != call.BatchOffsetsCorrect:
		case len(gr.idx) < cfg.BatchCorrectMinSamples:
			// Too small a batch to correct: no first pass.
			var cc [genome.ChrX]chromCorrection
			for c := range cc {
				cc[c] = chromCorrection{status: CorrectionTooFew, offsetZ: math.NaN(), seZ: math.NaN()}
			}
			corrs[g] = &cc
		default:
			in := make([]*batchInput, len(gr.idx))
			err := parallel.ForEach(ctx, len(gr.idx), ro.Threads, func(_ context.Context, k int) error {
				i := gr.idx[k]
				pd, err := prepareFile(ref, paths[i], opts[i])
				if err != nil {
					return err
				}
				full := pd.finish(nil, false)
				pend[k], in[k], first[i] = pd, newBatchInput(full, pd.raw), autosomal(full)
				return nil
			})
			if err != nil {
				return nil, err
			}
			var cc [genome.ChrX]chromCorrection
			offsets, cc = batchOffsets(in, primary, cfg)
			corrs[g] = &cc
			applied := 0
			for c, x := range cc {
				if x.status != CorrectionApplied {
					slog.Info("batch correction not applied", "batch", gr.name, "chrom", genome.ChromName(c), "reason", x.status)
				} else {
					applied++
				}
			}
			slog.Info("batch correction", "batch", gr.name, "samples", len(gr.idx), "autosomes_corrected", applied)
		}
		err := parallel.ForEach(ctx, len(gr.idx), ro.Threads, func(_ context.Context, k int) error {
			i := gr.idx[k]
			var v *result.Result
			var err error
			if pend[k] != nil {
				v, err = View(pend[k].finish(&offsets[k], true), prof, reqs[i])
				pend[k] = nil // keep memory falling as the batch is written
			} else {
				v, err = analyzeOne(ref, paths[i], opts[i], prof, reqs[i])
			}
			if err != nil {
				return err
			}
			if err := WriteSample(dirs[i], v, ref.Layout.Build); err != nil {
				return err
			}
			v.Bins = nil // written; keep memory flat over large batches
			views[i] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, v := range views {
		// The log line is made from the view too and names no sex.
		slog.Info("analysed", "sample", v.Sample, "qc", v.QC.Status, "calls", callSummary(v))
	}
	if err := WriteSummary(filepath.Join(outdir, SummaryFile), views); err != nil {
		return nil, err
	}
	var rows []BatchOffset
	for g, gr := range groups {
		qcViews := make([]*result.Result, len(gr.idx))
		for k, i := range gr.idx {
			qcViews[k] = views[i]
			if first[i] != nil {
				qcViews[k] = first[i]
			}
		}
		grows := BatchQC(qcViews, cfg)
		if corrs[g] != nil {
			grows = withCorrection(grows, corrs[g])
		}
		for k := range grows {
			grows[k].Batch = gr.name
			if grows[k].Status == BatchWarn {
				slog.Warn(BatchWarning(grows[k]))
			}
		}
		rows = append(rows, grows...)
	}
	if rows != nil {
		if err := WriteBatch(filepath.Join(outdir, BatchFile), rows); err != nil {
			return nil, err
		}
	}
	return views, nil
}

// autosomal keeps of a full result what the batch QC reads, for the
// autosomes only: QC status, reference size, chromosome z-scores, trisomy
// calls and CNV calls. Nothing in it is shown; BatchQC reports autosomal
// aggregates only.
func autosomal(full *result.Result) *result.Result {
	auto := func(chrom string) bool {
		c, ok := genome.ChromIndex(chrom)
		return ok && c < genome.ChrX
	}
	r := &result.Result{Sample: full.Sample, QC: result.QC{Status: full.QC.Status}, Reference: full.Reference}
	for _, c := range full.Chromosomes {
		if auto(c.Chrom) {
			r.Chromosomes = append(r.Chromosomes, result.Chromosome{Chrom: c.Chrom, Z: c.Z})
		}
	}
	for _, f := range full.Aneuploidies {
		if auto(f.Chrom) {
			r.Aneuploidies = append(r.Aneuploidies, result.Finding{Condition: f.Condition, Chrom: f.Chrom, Call: f.Call})
		}
	}
	for _, c := range full.CNVs {
		if auto(c.Chrom) {
			r.CNVs = append(r.CNVs, result.CNV{Chrom: c.Chrom})
		}
	}
	return r
}

// prepareFile reads one sample and analyses it up to its autosomal calls.
func prepareFile(ref *refset.Reference, path string, opt Options) (*pending, error) {
	c, err := counts.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pd, err := prepareCounts(ref, c, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pd, nil
}

// analyzeOne reads, analyses and redacts one sample.
func analyzeOne(ref *refset.Reference, path string, opt Options, prof *disclosure.Profile, req disclosure.Request) (*result.Result, error) {
	c, err := counts.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := AnalyzeView(ref, c, opt, prof, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// AnalyzeView analyses one sample and returns the view the profile allows:
// the only way results leave this package. A profile that may not disclose
// fetal sex for req requires opt.SexBlind: otherwise Apply would refuse the
// result of a male fetus only, and the refusal would reveal the sex.
func AnalyzeView(ref *refset.Reference, c *counts.Counts, opt Options, prof *disclosure.Profile, req disclosure.Request) (*result.Result, error) {
	if prof == nil {
		return nil, fmt.Errorf("sample %s: no lab profile (use disclosure.DefaultProfile())", c.Header.Sample)
	}
	if SexBlind(prof, req, false) && !opt.SexBlind {
		return nil, fmt.Errorf("sample %s: profile %q may not disclose fetal sex for this request, so the analysis must be sex-blind (set Options.SexBlind from analyze.SexBlind)", c.Header.Sample, prof.Name)
	}
	full, err := Analyze(ref, c, opt)
	if err != nil {
		return nil, err
	}
	return View(full, prof, req)
}

// SexBlind reports whether the analysis must be sex-blind for this profile
// and request (or because the caller forces it).
func SexBlind(prof *disclosure.Profile, req disclosure.Request, force bool) bool {
	return force || prof.SexBlind(req)
}

// View is the single hook through which every output passes: the
// disclosure policy's redacted view of a full result.
func View(full *result.Result, prof *disclosure.Profile, req disclosure.Request) (*result.Result, error) {
	v, err := disclosure.Apply(full, prof, req)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// callSummary lists the high-risk autosomal findings of a view.
func callSummary(v *result.Result) string {
	s := ""
	for _, f := range v.Aneuploidies {
		if f.Call == result.HighRisk {
			if s != "" {
				s += ","
			}
			s += f.Condition
		}
	}
	if s == "" {
		return "none"
	}
	return s
}
