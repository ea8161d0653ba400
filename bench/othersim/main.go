// Command othersim is a second, deliberately independent simulator of
// maternal-plasma cfDNA sequencing, used by bench/othersim.sh to check that
// nipt generalises beyond its own simulator (internal/simulate). It shares
// no code with nipt and makes different modelling choices on purpose:
//
//   - the genome is the real hg38 landscape (per-10-kb GC and mappability
//     tables, e.g. ichorCNA's gc_hg38_10kb.wig and map_hg38_10kb.wig), with
//     Ensembl ("1", "X", "MT") or UCSC ("chr1") contig names;
//   - the GC bias is an exponential quadratic with per-sample coefficients
//     (nipt's simulator uses a different curve family), and every sample
//     carries a smooth genomic "wave" (sums of sinusoids) shared by its
//     sequencing run plus a weaker one of its own, and extra per-bin
//     log-normal noise (over-dispersion beyond Poisson);
//   - reads are 75 bp (nipt's default simulation: 50 bp); MAPQ is 60 with
//     probability equal to the bin's mappability, otherwise 0; duplicates are
//     extra copies of a fragment, flagged 0x400; a share of pairs is
//     unmapped;
//   - fragment lengths are Gaussian mixtures without the 10-bp ladder,
//     fetal fragments with a larger short component; every sample shifts
//     and reweights them, and so does every run;
//   - there is no fetal coverage preference profile.
//
// It writes one sample as coordinate-sorted SAM on stdout (pipe it into
// `nipt count -`). The same flags and seed give the same bytes.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
)

// hg38 primary assembly lengths (GRCh38.p14), chr1–22, X, Y, M.
var hg38 = []struct {
	name string
	len  int
}{
	{"1", 248956422}, {"2", 242193529}, {"3", 198295559}, {"4", 190214555},
	{"5", 181538259}, {"6", 170805979}, {"7", 159345973}, {"8", 145138636},
	{"9", 138394717}, {"10", 133797422}, {"11", 135086622}, {"12", 133275309},
	{"13", 114364328}, {"14", 107043718}, {"15", 101991189}, {"16", 90338345},
	{"17", 83257441}, {"18", 80373285}, {"19", 58617616}, {"20", 64444167},
	{"21", 46709983}, {"22", 50818468}, {"X", 156040895}, {"Y", 57227415},
	{"MT", 16569},
}

const binSize = 10000

type cnv struct {
	chrom      string
	start, end int
	delta      int // +1 gain, −1 loss
	maternal   bool
}

type sample struct {
	id         string
	seed       uint64
	run        string
	pairs      int
	ff         float64
	male       bool
	fetalX     int // fetal copies of X and Y
	fetalY     int
	trisomy    string
	cnvs       []cnv
	readLen    int
	ucsc       bool
	single     bool
	dupRate    float64
	unmapRate  float64
	overdisp   float64
	waveAmp    float64
	runWaveAmp float64
	sizeVar    float64 // multiplies the run and sample fragment-size variation
}

// track holds per-10-kb GC and mappability of one chromosome (NaN = gap).
type track struct{ gc, mp []float64 }

func main() {
	var s sample
	var gcPath, mapPath, sex, sca, cnvs string
	flag.StringVar(&s.id, "id", "S1", "sample ID")
	flag.Uint64Var(&s.seed, "seed", 1, "sample seed")
	flag.StringVar(&s.run, "run", "run1", "sequencing run (shares the run wave and size shift)")
	flag.IntVar(&s.pairs, "pairs", 3000000, "read pairs drawn (before duplicates and unmapped pairs)")
	flag.Float64Var(&s.ff, "ff", 0.1, "fetal fraction")
	flag.StringVar(&sex, "sex", "female", "fetal sex: female or male")
	flag.StringVar(&sca, "sca", "", "sex-chromosome complement: 45,X 47,XXY 47,XXX 47,XYY")
	flag.StringVar(&s.trisomy, "trisomy", "", "trisomic autosome (e.g. 21)")
	flag.StringVar(&cnvs, "cnv", "", "';'-joined chrom:start-end:gain|loss:fetal|maternal (0-based, half-open; maternal: the mother's, not inherited)")
	flag.IntVar(&s.readLen, "read-length", 75, "read length")
	flag.BoolVar(&s.ucsc, "ucsc", false, "UCSC contig names (chr1) instead of Ensembl (1)")
	flag.BoolVar(&s.single, "single", false, "single-end reads (one read from a random end of each fragment)")
	flag.Float64Var(&s.dupRate, "dup-rate", 0.04, "duplicate copies per fragment")
	flag.Float64Var(&s.unmapRate, "unmapped", 0.01, "unmapped pairs per fragment")
	flag.Float64Var(&s.overdisp, "overdispersion", 0.02, "SD of the per-bin log-normal noise")
	flag.Float64Var(&s.waveAmp, "wave", 0.01, "SD of the sample's own genomic wave")
	flag.Float64Var(&s.runWaveAmp, "run-wave", 0.02, "SD of the run's genomic wave")
	flag.Float64Var(&s.sizeVar, "size-var", 1, "factor on the run and sample variation of fragment sizes")
	pairsScale := flag.Float64("pairs-scale", 1, "factor on -pairs (e.g. 0.5 for shallower samples)")
	flag.StringVar(&gcPath, "gc", "", "GC wig (fixedStep, 10 kb)")
	flag.StringVar(&mapPath, "map", "", "mappability wig (fixedStep, 10 kb)")
	cohort := flag.Bool("cohort", false, "print the benchmark cohort's design (truth.tsv) for -seed instead of a sample")
	newRuns := flag.Bool("new-test-runs", false, "with -cohort: put the test samples in four runs (runE–runH) that no reference sample shares")
	extra := flag.Int("extra-euploid", 0, "with -cohort: add this many euploid test samples (OX001, …; FF log-normal around 10% within 4–25%) in the test samples' runs, the other rows unchanged")
	flag.Parse()
	s.pairs = int(math.Round(float64(s.pairs) * *pairsScale))
	if *cohort {
		if err := design(os.Stdout, s.seed, gcPath, mapPath, *newRuns, *extra); err != nil {
			fmt.Fprintln(os.Stderr, "othersim:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(&s, gcPath, mapPath, sex, sca, cnvs); err != nil {
		fmt.Fprintln(os.Stderr, "othersim:", err)
		os.Exit(1)
	}
}

func run(s *sample, gcPath, mapPath, sex, sca, cnvs string) error {
	if gcPath == "" || mapPath == "" {
		return errors.New("-gc and -map are required")
	}
	if err := setSex(s, sex, sca); err != nil {
		return err
	}
	if err := parseCNVs(s, cnvs); err != nil {
		return err
	}
	s.trisomy = strings.TrimPrefix(strings.TrimPrefix(s.trisomy, "T"), "chr")
	tracks, err := loadTracks(gcPath, mapPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := simulate(w, s, tracks); err != nil {
		return err
	}
	return w.Flush()
}

// setSex sets the fetal sex-chromosome copies of s from its fetal sex and
// optional sex-chromosome complement.
func setSex(s *sample, sex, sca string) error {
	switch sex {
	case "female":
		s.fetalX, s.fetalY = 2, 0
	case "male":
		s.male = true
		s.fetalX, s.fetalY = 1, 1
	default:
		return fmt.Errorf("-sex %q: want female or male", sex)
	}
	switch sca {
	case "":
	case "45,X":
		s.fetalX, s.fetalY = 1, 0
	case "47,XXY":
		s.fetalX, s.fetalY = 2, 1
	case "47,XXX":
		s.fetalX, s.fetalY = 3, 0
	case "47,XYY":
		s.fetalX, s.fetalY = 1, 2
	default:
		return fmt.Errorf("-sca %q: unknown", sca)
	}
	return nil
}

// parseCNVs adds the ';'-joined chrom:start-end:gain|loss:fetal|maternal
// changes to s.
func parseCNVs(s *sample, cnvs string) error {
	for _, c := range strings.Split(cnvs, ";") {
		if c == "" {
			continue
		}
		p := strings.Split(c, ":")
		if len(p) != 4 {
			return fmt.Errorf("-cnv %q: want chrom:start-end:gain|loss:fetal|maternal", c)
		}
		se := strings.Split(p[1], "-")
		if len(se) != 2 {
			return fmt.Errorf("-cnv %q: bad range", c)
		}
		a, err1 := strconv.Atoi(se[0])
		b, err2 := strconv.Atoi(se[1])
		if err1 != nil || err2 != nil || b <= a {
			return fmt.Errorf("-cnv %q: bad range", c)
		}
		v := cnv{chrom: strings.TrimPrefix(p[0], "chr"), start: a, end: b, delta: 1, maternal: p[3] == "maternal"}
		if p[2] == "loss" {
			v.delta = -1
		}
		s.cnvs = append(s.cnvs, v)
	}
	return nil
}

func loadTracks(gcPath, mapPath string) (map[string]track, error) {
	gc, err := readWig(gcPath)
	if err != nil {
		return nil, err
	}
	mp, err := readWig(mapPath)
	if err != nil {
		return nil, err
	}
	tracks := map[string]track{}
	for _, c := range hg38[:24] {
		g, m := gc[c.name], mp[c.name]
		n := (c.len + binSize - 1) / binSize
		t := track{gc: make([]float64, n), mp: make([]float64, n)}
		for i := range n {
			t.gc[i], t.mp[i] = math.NaN(), 0
			if i < len(g) && g[i] > 0 && g[i] < 1 {
				t.gc[i] = g[i]
			}
			if i < len(m) && m[i] > 0 {
				t.mp[i] = min(m[i], 1)
			}
		}
		tracks[c.name] = t
	}
	return tracks, nil
}

// readWig reads a fixedStep wig into per-chromosome value slices (names
// without "chr").
func readWig(path string) (map[string][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]float64{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "fixedStep") {
			cur = ""
			for _, kv := range strings.Fields(line)[1:] {
				k, v, _ := strings.Cut(kv, "=")
				switch {
				case k == "chrom":
					cur = strings.TrimPrefix(v, "chr")
				case k == "step" && v != strconv.Itoa(binSize):
					return nil, fmt.Errorf("%s: step %s, want %d", path, v, binSize)
				}
			}
			if _, dup := out[cur]; dup {
				cur = "" // keep the first block of a chromosome
			}
			continue
		}
		if cur == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[cur] = append(out[cur], v)
	}
	return out, sc.Err()
}

// rng returns a generator for a named stream of a seed.
func rng(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 40 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// sizeModel is a Gaussian mixture of fragment lengths.
type sizeModel struct{ w, mu, sd []float64 }

func (m sizeModel) draw(r *rand.Rand) int {
	u := r.Float64()
	k := len(m.w) - 1
	for i, w := range m.w {
		if u < w {
			k = i
			break
		}
		u -= w
	}
	return max(40, min(700, int(math.Round(m.mu[k]+m.sd[k]*r.NormFloat64()))))
}

// sizes returns the sample's maternal and fetal length models: fixed shapes
// moved by a run term and a sample term.
func sizes(s *sample) (mat, fet sizeModel) {
	rr, sr := rng(0, "size/"+s.run), rng(s.seed, "size")
	v := s.sizeVar
	shift := v * (1.0*rr.NormFloat64() + 1.5*sr.NormFloat64())
	dw := v * (0.015*rr.NormFloat64() + 0.02*sr.NormFloat64()) // short-component weight
	fd := math.Max(0.2, 1+v*0.1*sr.NormFloat64())              // fetal–maternal difference
	mShort := math.Max(0.05, 0.17+dw)
	mat = sizeModel{
		w:  []float64{1 - mShort - 0.05, mShort, 0.05},
		mu: []float64{167 + shift, 146 + shift, 322 + 2*shift},
		sd: []float64{10, 13, 35},
	}
	fShort := math.Min(0.9, math.Max(0.1, 0.17+0.38*fd+dw))
	fet = sizeModel{
		w:  []float64{1 - fShort - 0.02, fShort, 0.02},
		mu: []float64{165 + shift - 2*fd, 141 + shift - 2*fd, 318 + 2*shift},
		sd: []float64{11, 13, 35},
	}
	return mat, fet
}

// wave is a smooth multiplicative profile: a sum of sinusoids along each
// chromosome with periods of 2–40 Mb, SD amp on the log scale.
func wave(r *rand.Rand, amp float64, n int) []float64 {
	const k = 6
	out := make([]float64, n)
	for range k {
		period := math.Exp(math.Log(200) + r.Float64()*math.Log(20)) // bins
		phase := r.Float64() * 2 * math.Pi
		a := amp * math.Sqrt(2.0/k) * r.NormFloat64()
		for i := range out {
			out[i] += a * math.Sin(2*math.Pi*float64(i)/period+phase)
		}
	}
	return out
}

type rec struct {
	pos  int32 // 0-based leftmost
	frag int32
	mate uint8 // 0 leftmost read, 1 rightmost
}

type fragment struct {
	start, length int32
	r1Left        bool
	mapq          uint8
	dup           bool
}

func (s *sample) name(c string) string {
	if !s.ucsc {
		return c
	}
	if c == "MT" {
		return "chrM"
	}
	return "chr" + c
}

// par reports whether 0-based position p of chrom c is in a
// pseudoautosomal region (GRCh38).
func par(c string, p int) bool {
	switch c {
	case "X":
		return (p >= 10000 && p < 2781479) || (p >= 155701382 && p < 156030895)
	case "Y":
		return (p >= 10000 && p < 2781479) || (p >= 56887902 && p < 57217415)
	}
	return false
}

func simulate(w *bufio.Writer, s *sample, tracks map[string]track) error {
	fmt.Fprintf(w, "@HD\tVN:1.6\tSO:coordinate\n")
	for _, c := range hg38 {
		fmt.Fprintf(w, "@SQ\tSN:%s\tLN:%d\n", s.name(c.name), c.len)
	}
	fmt.Fprintf(w, "@RG\tID:%s\tSM:%s\tPL:ILLUMINA\n@PG\tID:othersim\tPN:othersim\n", s.id, s.id)

	pr := rng(s.seed, "params")
	a1 := 1.5 * pr.NormFloat64()
	a2 := -8 + 4*pr.NormFloat64()
	gcBias := func(g float64) float64 { d := g - 0.41; return math.Exp(a1*d + a2*d*d) }

	// Expected relative fragment rates per bin, maternal and fetal.
	type rates struct{ m, f []float64 }
	all := map[string]rates{}
	var totM, totF float64
	for _, c := range hg38[:24] {
		t := tracks[c.name]
		n := len(t.gc)
		rw := wave(rng(0, "wave/"+s.run+"/"+c.name), s.runWaveAmp, n)
		sw := wave(rng(s.seed, "wave/"+c.name), s.waveAmp, n)
		nr := rng(s.seed, "noise/"+c.name)
		rt := rates{m: make([]float64, n), f: make([]float64, n)}
		for i := range n {
			noise := s.overdisp * nr.NormFloat64()
			if math.IsNaN(t.gc[i]) || t.mp[i] == 0 {
				continue
			}
			mid := i*binSize + binSize/2
			base := gcBias(t.gc[i]) * math.Exp(rw[i]+sw[i]+noise)
			cm, cf := 2.0, 2.0
			switch c.name {
			case "X":
				cf = float64(s.fetalX)
				if par("X", mid) {
					cf += float64(s.fetalY)
				}
			case "Y":
				cm, cf = 0, float64(s.fetalY)
				if par("Y", mid) {
					cf = 0 // hard-masked in analysis sets: reads go to the X PARs
				}
				cf += 0.006 / max(s.ff, 1e-3) * 2 * (1 - t.mp[i]) // mismapped X-homologous background (≈ FF 0.3%)
			case s.trisomy:
				cf = 3
			}
			for _, v := range s.cnvs {
				if v.chrom == c.name && mid >= v.start && mid < v.end {
					if v.maternal { // the mother's, not inherited
						cm += float64(v.delta)
					} else {
						cf += float64(v.delta)
					}
				}
			}
			rt.m[i] = (1 - s.ff) * cm / 2 * base
			rt.f[i] = s.ff * max(cf, 0) / 2 * base
			totM += rt.m[i]
			totF += rt.f[i]
		}
		all[c.name] = rt
	}
	mat, fet := sizes(s)
	scale := float64(s.pairs) / (totM + totF)
	var nfrag int32
	rl := s.readLen
	for _, c := range hg38[:24] {
		t, rt := tracks[c.name], all[c.name]
		r := rng(s.seed, "reads/"+c.name)
		var frags []fragment
		for i := range rt.m {
			for k, lam := range [2]float64{rt.m[i] * scale, rt.f[i] * scale} {
				sm := mat
				if k == 1 {
					sm = fet
				}
				for range poisson(r, lam) {
					l := sm.draw(r)
					st := i*binSize + r.IntN(binSize)
					if st+l > c.len {
						continue
					}
					q := uint8(0)
					if r.Float64() < t.mp[i] {
						q = 60
					}
					f := fragment{start: int32(st), length: int32(l), r1Left: r.IntN(2) == 0, mapq: q}
					frags = append(frags, f)
					if r.Float64() < s.dupRate {
						f.dup = true
						frags = append(frags, f)
					}
				}
			}
		}
		recs := make([]rec, 0, 2*len(frags))
		for j, f := range frags {
			// Single-end: the read of mate 0 (leftmost) when r1Left,
			// else of mate 1, so that both strands occur.
			if !s.single || f.r1Left {
				recs = append(recs, rec{pos: f.start, frag: int32(j), mate: 0})
			}
			if !s.single || !f.r1Left {
				recs = append(recs, rec{pos: f.start + f.length - int32(min(rl, int(f.length))), frag: int32(j), mate: 1})
			}
		}
		slices.SortFunc(recs, func(a, b rec) int {
			return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.frag, b.frag), cmp.Compare(a.mate, b.mate))
		})
		name := s.name(c.name)
		var line []byte
		for _, x := range recs {
			f := frags[x.frag]
			n := min(rl, int(f.length))
			left := x.mate == 0
			flag := 1 | 2
			if left {
				flag |= 32
			} else {
				flag |= 16
			}
			if left == f.r1Left {
				flag |= 64
			} else {
				flag |= 128
			}
			if s.single {
				flag &= 16 // only the strand
			}
			if f.dup {
				flag |= 1024
			}
			mpos := f.start + f.length - int32(n)
			tlen := int(f.length)
			if !left {
				mpos, tlen = f.start, -tlen
			}
			line = line[:0]
			line = append(line, s.id...)
			line = append(line, ':')
			line = strconv.AppendInt(line, int64(nfrag+x.frag), 10)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(flag), 10)
			line = append(line, '\t')
			line = append(line, name...)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(x.pos)+1, 10)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(f.mapq), 10)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(n), 10)
			if s.single {
				line = append(line, "M\t*\t0\t0"...)
			} else {
				line = append(line, "M\t=\t"...)
				line = strconv.AppendInt(line, int64(mpos)+1, 10)
				line = append(line, '\t')
				line = strconv.AppendInt(line, int64(tlen), 10)
			}
			line = append(line, "\t*\t*\tRG:Z:"...)
			line = append(line, s.id...)
			line = append(line, '\n')
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		nfrag += int32(len(frags))
	}
	// Unmapped pairs last, as coordinate-sorted files keep them.
	un := poisson(rng(s.seed, "unmapped"), s.unmapRate*float64(s.pairs))
	flags := []int{77, 141}
	if s.single {
		flags = []int{4}
	}
	for j := range un {
		for _, fl := range flags {
			fmt.Fprintf(w, "%s:u%d\t%d\t*\t0\t0\t*\t*\t0\t0\t*\t*\n", s.id, j, fl)
		}
	}
	return nil
}

// design writes the benchmark cohort: 64 euploid references and 64 blind
// test samples (trisomies 21/18/13, the four SCAs, fetal CNVs of 6–12 Mb,
// maternal CNVs on chr21 and chr18, euploid pregnancies), 3–5 M pairs,
// four runs, as a truth.tsv that nipt evaluate reads (extra columns pairs
// and seed drive othersim). extra euploid test samples follow, drawn from
// a stream of their own so that the other rows do not change: enough
// negatives, analysed in the test runs, to measure false positives.
func design(out *os.File, seed uint64, gcPath, mapPath string, newRuns bool, extra int) error {
	tracks, err := loadTracks(gcPath, mapPath)
	if err != nil {
		return err
	}
	r := rng(seed, "design")
	popFF := func() float64 { return math.Min(0.25, math.Max(0.04, 0.10*math.Exp(0.4*r.NormFloat64()))) }
	unif := func(a, b float64) float64 { return a + (b-a)*r.Float64() }
	sexOf := func(i int) string {
		if i%2 == 0 {
			return "female"
		}
		return "male"
	}
	// usable finds a CNV of size bp on an autosome (not 13, 18, 21) whose
	// 10 kb bins are ≥ 90% usable (GC known, mappability ≥ 0.5).
	usable := func(size int) string {
		for {
			c := hg38[r.IntN(22)]
			if c.name == "13" || c.name == "18" || c.name == "21" {
				continue
			}
			st := r.IntN((c.len-size)/1_000_000) * 1_000_000
			t := tracks[c.name]
			ok := 0
			for i := st / binSize; i < (st+size)/binSize; i++ {
				if !math.IsNaN(t.gc[i]) && t.mp[i] >= 0.5 {
					ok++
				}
			}
			if float64(ok) >= 0.9*float64(size/binSize) {
				return fmt.Sprintf("chr%s:%d-%d", c.name, st, st+size)
			}
		}
	}
	type row struct {
		role, sex, trisomy, sca, cnvs string
		ff                            float64
	}
	var refs, tests []row
	for i := range 64 {
		// Runs go round-robin (i mod 4); the sex alternates every four
		// samples, so that each run holds both sexes.
		refs = append(refs, row{role: "reference", sex: sexOf(i / 4), ff: popFF()})
	}
	add := func(n int, f func(i int) row) {
		for i := range n {
			tests = append(tests, f(i))
		}
	}
	for _, t := range []struct {
		chrom string
		n     int
	}{{"21", 10}, {"18", 8}, {"13", 8}} {
		add(t.n, func(i int) row {
			return row{role: "test", sex: sexOf(i), trisomy: t.chrom, ff: unif(0.03, 0.18)}
		})
	}
	for _, k := range []string{"45,X", "47,XXY", "47,XXX", "47,XYY"} {
		sex := "female"
		if strings.Contains(k, "Y") {
			sex = "male"
		}
		add(2, func(int) row { return row{role: "test", sex: sex, sca: k, ff: unif(0.06, 0.18)} })
	}
	add(8, func(i int) row {
		kind := "gain"
		if i%2 == 1 {
			kind = "loss"
		}
		size := (6 + r.IntN(7)) * 1_000_000
		return row{role: "test", sex: sexOf(i / 2), ff: unif(0.08, 0.18), cnvs: usable(size) + ":" + kind + ":fetal"}
	})
	add(1, func(int) row {
		return row{role: "test", sex: "female", ff: popFF(), cnvs: "chr21:30000000-32000000:gain:maternal"}
	})
	add(1, func(int) row {
		return row{role: "test", sex: "male", ff: popFF(), cnvs: "chr18:40000000-42500000:loss:maternal"}
	})
	add(20, func(i int) row { return row{role: "test", sex: sexOf(i), ff: popFF()} })
	r.Shuffle(len(tests), func(i, j int) { tests[i], tests[j] = tests[j], tests[i] })

	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "sample\trole\tfetal_sex\tff\ttrisomy\tsca\tcnvs\tbatch\tpairs\tseed")
	runs := []string{"runA", "runB", "runC", "runD"}
	emit := func(id string, i int, x row) {
		run := runs[i%len(runs)]
		if newRuns && x.role == "test" {
			run = []string{"runE", "runF", "runG", "runH"}[i%len(runs)]
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.4f\t%s\t%s\t%s\t%s\t%d\t%d\n", id, x.role, x.sex, x.ff, x.trisomy, x.sca, x.cnvs,
			run, 3_000_000+r.IntN(2_000_001), r.Uint64()>>1)
	}
	for i, x := range refs {
		emit(fmt.Sprintf("OREF%02d", i+1), i, x)
	}
	for i, x := range tests {
		emit(fmt.Sprintf("OS%03d", i+1), i+1, x)
	}
	// The extra samples: their own stream for every draw.
	r = rng(seed, "extra-euploid")
	for i := range extra {
		emit(fmt.Sprintf("OX%03d", i+1), i, row{role: "test", sex: sexOf(i), ff: popFF()})
	}
	return w.Flush()
}
