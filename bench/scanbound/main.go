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
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset"
)

// change is one sample of the design: its fetal fraction, read pairs and
// fetal CNV.
type change struct {
	ff, reads  float64
	chrom      int
	start, end int
	gain       bool
}

// readDesign reads a cohort spec (nipt simulate cohort --spec) whose rows
// each carry one fetal CNV.
func readDesign(r io.Reader, name string) ([]change, error) {
	var out []change
	sc := bufio.NewScanner(r)
	col := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Split(sc.Text(), "\t")
		if line == 1 {
			for i, h := range fs {
				col[h] = i
			}
			for _, h := range []string{"ff", "reads", "cnvs"} {
				if _, ok := col[h]; !ok {
					return nil, fmt.Errorf("%s: no %q column", name, h)
				}
			}
			continue
		}
		if len(fs) != len(col) {
			return nil, fmt.Errorf("%s:%d: %d fields, the header has %d", name, line, len(fs), len(col))
		}
		ff, err1 := strconv.ParseFloat(fs[col["ff"]], 64)
		reads, err2 := strconv.ParseFloat(fs[col["reads"]], 64)
		p := strings.Split(fs[col["cnvs"]], ":")
		if err1 != nil || err2 != nil || len(p) < 3 || strings.Contains(fs[col["cnvs"]], ";") {
			return nil, fmt.Errorf("%s:%d: want ff, reads and one CNV chrom:start-end:gain|loss", name, line)
		}
		c, ok := genome.ChromIndex(p[0])
		se := strings.Split(p[1], "-")
		if !ok || len(se) != 2 || (p[2] != "gain" && p[2] != "loss") {
			return nil, fmt.Errorf("%s:%d: bad CNV %q", name, line, fs[col["cnvs"]])
		}
		a, err1 := strconv.Atoi(se[0])
		b, err2 := strconv.Atoi(se[1])
		if err1 != nil || err2 != nil || b <= a {
			return nil, fmt.Errorf("%s:%d: bad CNV range %q", name, line, p[1])
		}
		out = append(out, change{ff, reads, c, a, b, p[2] == "gain"})
	}
	return out, sc.Err()
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
}

// result counts the matched changes and the other calls.
type result struct{ found, samples, other int }

// bound runs the idealised scan on every change of the design, Draws
// times, on the usable bins (global indices) of layout l.
func bound(l *genome.Layout, usable []int, chs []change, s setting) result {
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
			for _, j := range usable {
				c, a, b := l.Locate(j)
				mu := 0.0
				if c == ch.chrom && a >= ch.start && b <= ch.end && !s.Null {
					mu = lev
				}
				x[j], sd[j] = mu+sigma*rng.NormFloat64(), sigma
			}
			ff := call.FFPrior{Value: ch.ff, SE: 1e-4}
			if s.FFSD > 0 {
				ff = call.FFPrior{Value: ch.ff + s.FFSD*rng.NormFloat64(), SE: s.FFSD}
			}
			k := s.Kappa
			in := call.ScanInput{
				SegmentInput: call.SegmentInput{Layout: l, X: x, SD: sd, Chroms: chroms,
					Kappa: func(int) float64 { return k }},
				FF: ff, MinBins: max(2, cfg.CNVMinSize/l.BinSize)}
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
	return res
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
	}
	r := bound(l, usableBins(ref, l), chs, s)
	fmt.Fprintf(w, "recall %d/%d = %.1f%%; other calls per sample %.3f\n", r.found, r.samples,
		100*float64(r.found)/float64(r.samples), float64(r.other)/float64(r.samples))
	return nil
}
