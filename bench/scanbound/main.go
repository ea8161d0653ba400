// Command scanbound measures how many of the CNV-recall cohort's fetal
// changes (bench/cnv-recall.tsv) an idealised fetal-CNV scan finds: the
// scan of package call (call.FetalScan, the pipeline's own) run on bins
// whose values are Gaussian with the Poisson SD of the sample's depth
// times a chosen excess, with nothing else in them — no normalisation
// error, no GC or batch residue, the change exactly at its fetal level —
// and with the sample's fetal fraction known exactly or to a chosen SD.
// Compared with the pipeline's recall on the same design
// (bench/cnv-recall.sh) it tells how much of what is missed the data
// themselves cannot show at the same genome-wide false-call budget, and
// how much each loss costs (docs/validation.md, "CNV-recall cohort").
//
//	go run ./bench/scanbound -ref REF.niptref                 # Poisson depth, true FF
//	go run ./bench/scanbound -ref REF.niptref -short 0.35 -excess 1.094 -ffsd 0.03
//
// With -replay the scan reads instead the normalised bins an analysis
// wrote (nipt analyze -o DIR), one draw per sample, and can be given the
// pipeline's own per-bin SDs (-pipeline-sd), its short-fragment track
// (-counts, the samples' counts files) and its sex-blind fetal-fraction
// estimates (-estimated-ff): each step from the idealised scan to the
// pipeline's inputs is then measured on its own, and the median robust SD
// of the replayed samples' 64-bin block z-scores says how noisy the
// normalised bins are at the scale of the changes.
//
//	go run ./bench/scanbound -ref REF.niptref -replay DIR -pipeline-sd -kappa 1.094 -counts COHORT -estimated-ff
//
// -ref takes the layout and bin mask from a reference (without it every
// autosomal 100 kb bin is usable). A call matches when it lies on the
// change's chromosome, in its direction, with ≥ 50% reciprocal overlap
// (nipt evaluate's rule); every other call is counted as false.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/stats"
)

// change is one sample of the design: its fetal fraction, read pairs and
// fetal CNV.
type change struct {
	name       string
	ff, reads  float64
	chrom      int
	start, end int
	gain       bool
}

// readDesign reads a cohort spec (nipt simulate cohort --spec) whose rows
// each carry one fetal CNV.
func readDesign(r io.Reader, name string) ([]change, error) {
	var out []change
	err := eachRow(r, name, []string{"ff", "reads", "cnvs"}, func(line int, get func(string) string, has func(string) bool) error {
		ff, err1 := strconv.ParseFloat(get("ff"), 64)
		reads, err2 := strconv.ParseFloat(get("reads"), 64)
		p := strings.Split(get("cnvs"), ":")
		if err1 != nil || err2 != nil || len(p) < 3 || strings.Contains(get("cnvs"), ";") {
			return fmt.Errorf("%s:%d: want ff, reads and one CNV chrom:start-end:gain|loss", name, line)
		}
		c, ok := genome.ChromIndex(p[0])
		se := strings.Split(p[1], "-")
		if !ok || len(se) != 2 || (p[2] != "gain" && p[2] != "loss") {
			return fmt.Errorf("%s:%d: bad CNV %q", name, line, get("cnvs"))
		}
		a, err1 := strconv.Atoi(se[0])
		b, err2 := strconv.Atoi(se[1])
		if err1 != nil || err2 != nil || b <= a {
			return fmt.Errorf("%s:%d: bad CNV range %q", name, line, p[1])
		}
		id := ""
		if has("sample") {
			id = get("sample")
		}
		out = append(out, change{id, ff, reads, c, a, b, p[2] == "gain"})
		return nil
	})
	return out, err
}

// eachRow reads a tab-separated table with a header line from r (named
// name in errors), checks that the header has the columns need and that
// every row has as many fields as the header, and calls fn for each row
// with its line number, its value in a column and whether a column exists.
func eachRow(r io.Reader, name string, need []string, fn func(line int, get func(string) string, has func(string) bool) error) error {
	sc := bufio.NewScanner(r)
	col := map[string]int{}
	has := func(h string) bool { _, ok := col[h]; return ok }
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Split(sc.Text(), "\t")
		if line == 1 {
			for i, h := range fs {
				col[h] = i
			}
			for _, h := range need {
				if !has(h) {
					return fmt.Errorf("%s: no %q column", name, h)
				}
			}
			continue
		}
		if len(fs) != len(col) {
			return fmt.Errorf("%s:%d: %d fields, the header has %d", name, line, len(fs), len(col))
		}
		if err := fn(line, func(h string) string { return fs[col[h]] }, has); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// setting is one idealised scan.
type setting struct {
	// Kept is the autosomal reads counted per simulated read pair.
	Kept float64
	// Short is the short-fragment track's information per unit of depth
	// information (0: depth only); Excess the bins' noise over Poisson
	// (the scan is told it); Kappa a further factor on the noise the scan
	// assumes (an over-estimate of it); FFSD the SD of the fetal-fraction
	// estimate the scan gets (0: the true fraction).
	Short, Excess, Kappa, FFSD float64
	// Alpha is the scan's false-call budget (0: the default).
	Alpha float64
	// Null draws every sample without its change (the scan still expects
	// the sample's fetal level): every call is then false, and the rate
	// of calls checks the scan's false-call approximation.
	Null  bool
	Draws int
	Seed  uint64
	// Replay, when set, is an analysis directory (nipt analyze -o) of the
	// design's samples: the scan then reads each sample's normalised bins
	// (DIR/SAMPLE/bins.tsv) instead of drawing Gaussian ones, one draw per
	// sample, with the idealised per-bin SD (Poisson × Excess) or, with
	// PipelineSD, the pipeline's own (the reference's per-bin SD at the
	// sample's scale, read off the bins' z-scores). Counts, a directory of
	// the samples' counts files (SAMPLE.counts), adds the pipeline's
	// short-fragment track (analyze.ShortTrack, call.CombineShort);
	// EstimatedFF gives the scan the sample's sex-blind estimate and its
	// interval (DIR/summary.tsv) instead of the true fraction.
	Replay      string
	PipelineSD  bool
	Counts      string
	EstimatedFF bool
	// ref is the reference of the replayed analysis (PipelineSD, Counts).
	ref *refset.Reference
}

// result counts the matched changes and the other calls; blockSD holds,
// for replayed samples, the robust SD of their blocks' z-scores
// (blockNoise).
type result struct {
	found, samples, other int
	blockSD               []float64
}

// noiseBlock is the block length (usable bins) at which a replayed
// sample's noise is measured: 64 bins, about the 5–10 Mb the design's
// changes span at 100 kb.
const noiseBlock = 64

// blockNoise returns the robust SD (1.4826 × MAD) of the z-scores of
// consecutive blocks of n usable bins within each autosome (inverse-
// variance weighted mean over the block's SE): 1 when the bins' SDs
// describe the noise at that scale, above 1 when neighbouring bins share
// noise the SDs do not hold. NaN with fewer than 10 blocks.
func blockNoise(l *genome.Layout, x, sd []float64, n int) float64 {
	var zs []float64
	for c := range genome.ChrX {
		var sw, sx float64
		k := 0
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			if !(sd[j] > 0) || math.IsNaN(x[j]) {
				continue
			}
			w := 1 / (sd[j] * sd[j])
			sw += w
			sx += w * x[j]
			if k++; k == n {
				zs = append(zs, sx/math.Sqrt(sw))
				sw, sx, k = 0, 0, 0
			}
		}
	}
	if len(zs) < 10 {
		return math.NaN()
	}
	return stats.MAD(zs)
}

// bound runs the idealised scan on every change of the design, Draws
// times, on the usable bins (global indices) of layout l.
func bound(l *genome.Layout, usable []int, chs []change, s setting) (result, error) {
	cfg := call.DefaultConfig()
	if s.Alpha > 0 {
		cfg.CNVScanFalseCalls = s.Alpha
	}
	var chroms []int
	for c := range genome.ChrX {
		chroms = append(chroms, c)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x5ca9b0))
	x := make([]float64, l.NumBins())
	sd := make([]float64, l.NumBins())
	var res result
	isUsable := make([]bool, l.NumBins())
	for _, j := range usable {
		isUsable[j] = true
	}
	var summary map[string]call.FFPrior
	if s.Replay != "" && s.EstimatedFF {
		var err error
		if summary, err = readEstimates(filepath.Join(s.Replay, "summary.tsv")); err != nil {
			return res, err
		}
	}
	for range s.Draws {
		for _, ch := range chs {
			perBin := ch.reads * s.Kept / float64(len(usable))
			sigma := s.Excess / (math.Ln2 * math.Sqrt(perBin*(1+s.Short)))
			lev := math.Log2(1 - ch.ff/2)
			if ch.gain {
				lev = math.Log2(1 + ch.ff/2)
			}
			for i := range x {
				x[i], sd[i] = math.NaN(), 0
			}
			ff := call.FFPrior{Value: ch.ff, SE: 1e-4}
			var track *call.ShortTrack
			if s.Replay != "" {
				if err := replayBins(s, ch, l, isUsable, sigma, x, sd); err != nil {
					return res, err
				}
				res.blockSD = append(res.blockSD, blockNoise(l, x, sd, noiseBlock))
				if s.EstimatedFF {
					est, ok := summary[ch.name]
					if !ok {
						return res, fmt.Errorf("%s: no fetal-fraction estimate for %s", filepath.Join(s.Replay, "summary.tsv"), ch.name)
					}
					ff = est
				}
				if s.Counts != "" {
					t, err := replayShort(s, ch)
					if err != nil {
						return res, err
					}
					track = t
				}
			} else {
				for _, j := range usable {
					c, a, b := l.Locate(j)
					mu := 0.0
					if c == ch.chrom && a >= ch.start && b <= ch.end && !s.Null {
						mu = lev
					}
					x[j], sd[j] = mu+sigma*rng.NormFloat64(), sigma
				}
			}
			if s.FFSD > 0 {
				ff = call.FFPrior{Value: ch.ff + s.FFSD*rng.NormFloat64(), SE: s.FFSD}
			}
			k := s.Kappa
			in := call.ScanInput{
				SegmentInput: call.SegmentInput{Layout: l, X: x, SD: sd, Chroms: chroms,
					Kappa: func(int) float64 { return k }},
				FF: ff, MinBins: max(2, cfg.CNVMinSize/l.BinSize)}
			if track != nil {
				in = call.CombineShort(in, *track, cfg)
			}
			hit := false
			for _, w := range call.FetalScan(in, cfg) {
				ov := float64(min(w.Stop, ch.end) - max(w.Start, ch.start))
				if !hit && w.Chrom == ch.chrom && (w.Mean > 0) == ch.gain &&
					ov >= 0.5*float64(w.Stop-w.Start) && ov >= 0.5*float64(ch.end-ch.start) {
					hit = true
				} else {
					res.other++
				}
			}
			res.samples++
			if hit {
				res.found++
			}
		}
	}
	return res, nil
}

// replayBins fills x and sd from the pipeline's normalised bins of change
// ch's sample (s.Replay/SAMPLE/bins.tsv): x the log2 ratio of every usable,
// unmasked bin; sd the idealised sigma or, with s.PipelineSD, the
// reference's per-bin SD times the sample's scale. bins.tsv writes
// z = x / (σ_j·s·κ(1)); s is the median of x/(z·σ_j·κ(1)) over bins with
// |z| ≥ 0.5 (where the 4-decimal rounding of z is below 0.01%). ok marks
// the usable bins (global index).
func replayBins(s setting, ch change, l *genome.Layout, ok []bool, sigma float64, x, sd []float64) error {
	if ch.name == "" {
		return fmt.Errorf("-replay needs a sample column in the design")
	}
	if s.PipelineSD && s.ref == nil {
		return fmt.Errorf("-pipeline-sd needs the analysis's reference (-ref)")
	}
	path := filepath.Join(s.Replay, ch.name, "bins.tsv")
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var scales []float64
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Split(sc.Text(), "\t")
		if line == 1 {
			continue
		}
		if len(fs) != 6 {
			return fmt.Errorf("%s:%d: want 6 columns (chrom start end ratio z masked)", path, line)
		}
		c, known := genome.ChromIndex(fs[0])
		if !known || c >= genome.ChrX || fs[5] != "0" {
			continue
		}
		start, err1 := strconv.Atoi(fs[1])
		ratio, err2 := strconv.ParseFloat(fs[3], 64)
		z, err3 := strconv.ParseFloat(fs[4], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("%s:%d: bad number", path, line)
		}
		j := l.Offset[c] + start/l.BinSize
		if !ok[j] || !(ratio > 0) || math.IsNaN(z) {
			continue
		}
		x[j], sd[j] = math.Log2(ratio), sigma
		if s.PipelineSD && math.Abs(z) >= 0.5 && s.ref.Sigma[j] > 0 {
			scales = append(scales, x[j]/(z*s.ref.Sigma[j]*s.ref.Kappa(1)))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if s.PipelineSD {
		if len(scales) == 0 {
			return fmt.Errorf("%s: no bin with |z| ≥ 0.5 to read the sample's scale from", path)
		}
		sort.Float64s(scales)
		g := scales[len(scales)/2]
		for j := range sd {
			if sd[j] > 0 {
				sd[j] = s.ref.Sigma[j] * g
			}
		}
	}
	return nil
}

// replayShort returns change ch's sample's short-fragment track from its
// counts file, as nipt analyze computes it.
func replayShort(s setting, ch change) (*call.ShortTrack, error) {
	if s.ref == nil {
		return nil, fmt.Errorf("-counts needs the analysis's reference (-ref)")
	}
	path := filepath.Join(s.Counts, ch.name+".counts")
	c, err := counts.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, _, err := s.ref.Static.Prepare(c, s.ref.Options.GC)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t, ok := analyze.ShortTrack(s.ref, p)
	if !ok {
		return nil, fmt.Errorf("%s: no short-fragment track (single-end sample, or a reference without a short-fragment model)", path)
	}
	return &t, nil
}

// readEstimates reads each sample's fetal-fraction estimate from an
// analysis's summary.tsv (ff, ff_low, ff_high) as the scan's prior: the
// value and an SE of a quarter of its 95% interval's width over 1.96.
func readEstimates(path string) (map[string]call.FFPrior, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]call.FFPrior{}
	err = eachRow(f, path, []string{"sample", "ff", "ff_low", "ff_high"}, func(_ int, get func(string) string, _ func(string) bool) error {
		v, err1 := strconv.ParseFloat(get("ff"), 64)
		lo, err2 := strconv.ParseFloat(get("ff_low"), 64)
		hi, err3 := strconv.ParseFloat(get("ff_high"), 64)
		if err1 == nil && err2 == nil && err3 == nil && hi > lo {
			out[get("sample")] = call.FFPrior{Value: v, SE: (hi - lo) / (2 * 1.96)}
		} // NA: no estimate; the sample is reported missing if replayed
		return nil
	})
	return out, err
}

// usableBins lists the autosomal bins the scan sees: the reference's
// unmasked modelled bins, or every autosomal bin without a reference.
func usableBins(ref *refset.Reference, l *genome.Layout) []int {
	var out []int
	if ref == nil {
		for j := 0; j < l.Offset[genome.ChrX]; j++ {
			out = append(out, j)
		}
		return out
	}
	for _, j := range ref.Auto {
		if ref.Mask[j] == normalize.MaskNone {
			out = append(out, int(j))
		}
	}
	return out
}

func main() {
	refPath := flag.String("ref", "", "reference whose layout and bin mask to use (default: every autosomal 100 kb bin of GRCh38)")
	design := flag.String("design", "bench/cnv-recall.tsv", "cohort spec with one fetal CNV per sample")
	var s setting
	flag.IntVar(&s.Draws, "draws", 4, "draws of each change")
	flag.Float64Var(&s.Kept, "kept", 0.845, "autosomal reads counted per simulated read pair (nipt counts show --qc)")
	flag.Float64Var(&s.Short, "short", 0, "short-fragment track information per unit of depth information (0: depth only)")
	flag.Float64Var(&s.Excess, "excess", 1, "noise of the bins over Poisson (the scan knows it)")
	flag.Float64Var(&s.Kappa, "kappa", 1, "further noise factor the scan assumes")
	flag.Float64Var(&s.FFSD, "ffsd", 0, "SD of the fetal-fraction estimate (0: the true fraction is known)")
	flag.Float64Var(&s.Alpha, "alpha", 0, "scan false-call budget per sample (0: the default)")
	flag.BoolVar(&s.Null, "null", false, "leave the changes out: every call is false (checks the scan's false-call rate)")
	flag.Uint64Var(&s.Seed, "seed", 1, "random seed")
	flag.StringVar(&s.Replay, "replay", "", "analysis directory of the design's samples: scan their normalised bins instead of Gaussian ones")
	flag.BoolVar(&s.PipelineSD, "pipeline-sd", false, "with -replay: the pipeline's per-bin SD (needs -ref) instead of Poisson × excess")
	flag.StringVar(&s.Counts, "counts", "", "with -replay: directory of the samples' counts files; adds the pipeline's short-fragment track (needs -ref)")
	flag.BoolVar(&s.EstimatedFF, "estimated-ff", false, "with -replay: the scan gets the sample's estimated fetal fraction (summary.tsv) instead of the true one")
	flag.Parse()
	if err := run(*refPath, *design, s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scanbound:", err)
		os.Exit(1)
	}
}

func run(refPath, design string, s setting, w io.Writer) error {
	if s.Draws < 1 || !(s.Kept > 0) || s.Short < 0 || !(s.Excess > 0) || !(s.Kappa > 0) || s.FFSD < 0 || s.Alpha < 0 || s.Alpha >= 1 {
		return fmt.Errorf("bad setting %+v: draws ≥ 1, kept, excess and kappa > 0, short and ffsd ≥ 0, alpha in [0, 1)", s)
	}
	f, err := os.Open(design)
	if err != nil {
		return err
	}
	defer f.Close()
	chs, err := readDesign(f, design)
	if err != nil {
		return err
	}
	var ref *refset.Reference
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		return err
	}
	if refPath != "" {
		if ref, err = refset.ReadModelFile(refPath); err != nil {
			return err
		}
		l = ref.Layout
		s.ref = ref
	}
	if s.Replay == "" && (s.PipelineSD || s.Counts != "" || s.EstimatedFF) {
		return fmt.Errorf("-pipeline-sd, -counts and -estimated-ff replay an analysis: give -replay")
	}
	if s.Replay != "" {
		s.Draws = 1
	}
	r, err := bound(l, usableBins(ref, l), chs, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "recall %d/%d = %.1f%%; other calls per sample %.3f", r.found, r.samples,
		100*float64(r.found)/float64(r.samples), float64(r.other)/float64(r.samples))
	if len(r.blockSD) > 0 {
		sort.Float64s(r.blockSD)
		fmt.Fprintf(w, "; %d-bin block z robust SD, median over samples %.3f", noiseBlock, r.blockSD[len(r.blockSD)/2])
	}
	fmt.Fprintln(w)
	return nil
}
