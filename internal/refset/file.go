package refset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
)

// ErrNotReference is returned for input that is not a nipt reference file.
var ErrNotReference = errors.New("not a nipt reference file")

// payload encodes every part of the reference into sections.
func (r *Reference) payload() ([]byte, error) {
	var e encoder
	nb := r.Layout.NumBins()
	// Room for the per-sample arrays (4 bytes per bin, 8 more for a
	// paired-end sample's counts) and the per-bin model arrays.
	var nrb int
	for _, v := range r.RefBins {
		nrb += len(v)
	}
	e.sizeHint(len(r.Samples)*nb*12 + 64*nb + 8*r.Components*len(r.Auto) + 4*nrb + 8*r.XComponents*len(r.XBins) + 1<<20)
	meta := r.Meta
	meta.Format, meta.FormatVersion = FormatName, FormatVersion
	if err := e.json("meta", &meta); err != nil {
		return nil, err
	}
	e.f64("static.gc", r.Static.GC)
	e.f64("static.eff", r.Static.Eff)
	e.u8("static.mask", r.Static.Mask)
	e.u8("mask", r.Mask)
	e.f64("median", r.Median)
	e.f64("sigma", r.Sigma)
	e.i32("auto", r.Auto)
	e.f64("pca.weight", r.PCA.Weight)
	e.f64("pca.mean", r.PCA.Mean)
	e.f64("pca.eigenvalues", r.PCA.Eigenvalues)
	e.f64("pca.components", flatten(r.PCA.Components))
	lens := make([]int32, len(r.RefBins))
	var flat []int32
	for a, v := range r.RefBins {
		lens[a] = int32(len(v))
		flat = append(flat, v...)
	}
	e.i32("refbins.len", lens)
	e.i32("refbins", flat)
	e.f64("refbins.sigma", r.RBSigma)
	e.i32("x.bins", r.XBins)
	e.f64("x.mean", r.XMean)
	e.f64("x.beta", flatten(r.XBeta))
	e.f64("x.sigma", r.XSigma)
	e.i32("y.bins", r.YBins)
	var beta []float64
	if r.FF.Profile != nil {
		beta = r.FF.Profile.Ridge.Beta
	}
	e.f64("ff.profile.beta", beta)
	sex := make([]uint8, len(r.Status))
	for i, s := range r.Status {
		sex[i] = s.Sex
	}
	e.u8("samples.sex", sex)
	rel := make([][]float32, len(r.Samples))
	for i, s := range r.Samples {
		rel[i] = s.Rel
	}
	e.f32Parts("samples.rel", rel)
	st := make([]float64, 0, 4*len(r.Samples))
	for _, s := range r.Samples {
		st = append(st, s.DuplicateRate, s.ShortFraction, s.GCBias, s.Noise)
	}
	e.f64("samples.stats", st)
	// Per-bin counts of the paired-end samples, in sample order.
	var reads, short [][]uint32
	for _, s := range r.Samples {
		if s.Paired {
			if len(s.BinReads) != nb || len(s.BinShort) != nb {
				return nil, fmt.Errorf("paired-end sample %s has no per-bin fragment counts", s.ID)
			}
			reads = append(reads, s.BinReads)
			short = append(short, s.BinShort)
		}
	}
	e.u32Parts("samples.reads", reads)
	e.u32Parts("samples.short", short)
	var mu []float64
	if r.Short != nil {
		mu = r.Short.Mu
	}
	e.f64("short.mu", mu)
	return e.buf, nil
}

func flatten(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

func unflatten(v []float64, rows int) ([][]float64, error) {
	if rows == 0 {
		if len(v) != 0 {
			return nil, fmt.Errorf("matrix with 0 rows has %d values", len(v))
		}
		return nil, nil
	}
	if len(v)%rows != 0 {
		return nil, fmt.Errorf("%d values do not fill %d rows", len(v), rows)
	}
	p := len(v) / rows
	out := make([][]float64, rows)
	for i := range out {
		out[i] = v[i*p : (i+1)*p]
	}
	return out, nil
}

// Write encodes r to w and sets r.ID. The output is deterministic.
func Write(w io.Writer, r *Reference) error {
	p, err := r.payload()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(p)
	r.ID = hex.EncodeToString(sum[:])
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "#%s\t%d\n#sha256:%s\n", FormatName, FormatVersion, r.ID)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(p); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes r to path atomically.
func WriteFile(path string, r *Reference) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Write(f, r); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// ReadFile reads a reference file.
func ReadFile(path string) (*Reference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the reference: %w (build one with nipt reference build)", err)
	}
	defer f.Close()
	// The gzip trailer's last 4 bytes hold the payload size (mod 2³²),
	// which lets readSections allocate each array once.
	hint := 0
	if st, err := f.Stat(); err == nil && st.Size() >= 4 {
		var b [4]byte
		if _, err := f.ReadAt(b[:], st.Size()-4); err == nil {
			hint = int(binary.LittleEndian.Uint32(b[:]))
		}
	}
	r, err := read(f, hint)
	if err != nil {
		return nil, fmt.Errorf("reference %s: %w", path, err)
	}
	return r, nil
}

// Read decodes and validates a reference.
func Read(rd io.Reader) (*Reference, error) { return read(rd, 0) }

// read is Read with a hint of the payload size (0: none).
func read(rd io.Reader, hint int) (*Reference, error) {
	br := bufio.NewReader(rd)
	first, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("%w (make one with nipt reference build)", ErrNotReference)
	}
	var name string
	var ver int
	if _, err := fmt.Sscanf(first, "#%s\t%d\n", &name, &ver); err != nil || name != FormatName {
		return nil, fmt.Errorf("%w: first line %q (make one with nipt reference build)", ErrNotReference, strings.TrimSpace(first))
	}
	if ver == 2 {
		return nil, fmt.Errorf("reference format version 2 has no calibrated fetal-fraction measurement model, which this nipt needs (it reads version %d): rebuild the reference with nipt reference build from the same counts files", FormatVersion)
	}
	if ver == 3 {
		return nil, fmt.Errorf("reference format version 3 has no per-bin fragment counts, which this nipt's short-fragment model needs (it reads version %d): rebuild the reference with nipt reference build from the same counts files", FormatVersion)
	}
	if ver != FormatVersion {
		return nil, fmt.Errorf("reference format version %d is not supported by this nipt (reads version %d): rebuild the reference with this version", ver, FormatVersion)
	}
	second, err := br.ReadString('\n')
	sumHex, found := strings.CutPrefix(strings.TrimSpace(second), "#sha256:")
	if err != nil || !found || len(sumHex) != 64 {
		return nil, errors.New("missing checksum line: the file is truncated or corrupt; rebuild or copy it again")
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("corrupt reference body: %v (rebuild or copy the file again)", err)
	}
	// Sections are decoded as the payload streams, hashed on the way; the
	// checksum is compared before any of it is used.
	h := sha256.New()
	secs, err := readSections(io.TeeReader(zr, h), hint)
	if err != nil {
		return nil, fmt.Errorf("corrupt reference body: %v (rebuild or copy the file again)", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sumHex {
		return nil, errors.New("checksum mismatch: the file is corrupt; rebuild or copy it again")
	}
	r, err := decodeSections(secs)
	if err != nil {
		return nil, fmt.Errorf("invalid reference: %w", err)
	}
	r.ID = sumHex
	return r, nil
}

// decode rebuilds a Reference from its payload and validates every index.
func decode(p []byte) (*Reference, error) {
	secs, err := readSections(bytes.NewReader(p), len(p))
	if err != nil {
		return nil, err
	}
	return decodeSections(secs)
}

// decodeSections rebuilds a Reference from its sections and validates
// every index.
func decodeSections(secs map[string]section) (*Reference, error) {
	d := &decoder{secs: secs}
	r := &Reference{}
	d.json("meta", &r.Meta)
	if d.err != nil {
		return nil, d.err
	}
	if r.Format != FormatName || r.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("payload names format %s v%d", r.Format, r.FormatVersion)
	}
	b, err := genome.LookupBuild(r.Build)
	if err != nil {
		return nil, err
	}
	if r.Layout, err = genome.NewLayout(b, r.BinSize); err != nil {
		return nil, err
	}
	nb := r.Layout.NumBins()
	r.Static = &Static{Layout: r.Layout, GC: d.f64("static.gc", nb), Eff: d.f64("static.eff", nb), Mask: d.u8("static.mask", nb)}
	r.Mask = d.u8("mask", nb)
	r.Median = d.f64("median", nb)
	r.Sigma = d.f64("sigma", nb)
	r.Auto = d.i32("auto", -1)
	pa := len(r.Auto)
	r.PCA = &normalize.PCA{Weight: d.f64("pca.weight", pa), Mean: d.f64("pca.mean", pa), Eigenvalues: d.f64("pca.eigenvalues", -1)}
	comps := d.f64("pca.components", r.Components*pa)
	lens := d.i32("refbins.len", pa)
	flat := d.i32("refbins", -1)
	r.RBSigma = d.f64("refbins.sigma", pa)
	r.XBins = d.i32("x.bins", -1)
	px := len(r.XBins)
	r.XMean = d.f64("x.mean", px)
	xb := d.f64("x.beta", r.XComponents*px)
	r.XSigma = d.f64("x.sigma", px)
	r.YBins = d.i32("y.bins", -1)
	beta := d.f64("ff.profile.beta", -1)
	sex := d.u8("samples.sex", len(r.Status))
	rel := d.f32("samples.rel", len(r.Samples)*nb)
	sst := d.f64("samples.stats", 4*len(r.Samples))
	npaired := 0
	for _, s := range r.Samples {
		if s.Paired {
			npaired++
		}
	}
	breads := d.u32("samples.reads", npaired*nb)
	bshort := d.u32("samples.short", npaired*nb)
	nmu := 0
	if r.Short != nil {
		nmu = pa
	}
	mu := d.f64("short.mu", nmu)
	if d.err != nil {
		return nil, d.err
	}
	if len(r.Status) != len(r.Samples) {
		return nil, fmt.Errorf("%d sample statuses for %d samples", len(r.Status), len(r.Samples))
	}
	if r.PCA.Components, err = unflatten(comps, r.Components); err != nil {
		return nil, err
	}
	if px > 0 {
		if r.XBeta, err = unflatten(xb, r.XComponents); err != nil {
			return nil, err
		}
	}
	if r.FF.Profile != nil {
		r.FF.Profile.Ridge.Beta = beta
	}
	if r.Short != nil {
		r.Short.Mu = mu
	}
	k := 0
	for i := range r.Samples {
		r.Samples[i].Rel = rel[i*nb : (i+1)*nb]
		s := &r.Samples[i]
		if s.Paired {
			s.BinReads, s.BinShort = breads[k*nb:(k+1)*nb], bshort[k*nb:(k+1)*nb]
			k++
			for j, v := range s.BinShort {
				if v > s.BinReads[j] {
					return nil, fmt.Errorf("sample %s: bin %d has %d short of %d fragments", s.ID, j, v, s.BinReads[j])
				}
			}
		}
		s.DuplicateRate, s.ShortFraction, s.GCBias, s.Noise = sst[4*i], sst[4*i+1], sst[4*i+2], sst[4*i+3]
		r.Status[i].Sex = sex[i]
	}
	// Reference bins, with index checks.
	r.RefBins = make([][]int32, pa)
	off := 0
	for a, n := range lens {
		if n < 0 || off+int(n) > len(flat) {
			return nil, errors.New("reference-bin table is inconsistent")
		}
		r.RefBins[a] = flat[off : off+int(n)]
		off += int(n)
		for _, v := range r.RefBins[a] {
			if v < 0 || int(v) >= pa {
				return nil, errors.New("reference-bin index out of range")
			}
		}
	}
	if off != len(flat) {
		return nil, errors.New("reference-bin table is inconsistent")
	}
	return r, r.validate()
}

// validate checks indices and values a corrupt or hand-edited file could
// get wrong, so that analysis never indexes out of range or divides by
// zero.
func (r *Reference) validate() error {
	nb := r.Layout.NumBins()
	checkBins := func(name string, v []int32, lo, hi int) error {
		prev := -1
		for _, j := range v {
			if int(j) < lo || int(j) >= hi || int(j) <= prev {
				return fmt.Errorf("%s bin %d out of range or out of order", name, j)
			}
			prev = int(j)
		}
		return nil
	}
	l := r.Layout
	if err := checkBins("autosomal", r.Auto, 0, l.Offset[genome.ChrX]); err != nil {
		return err
	}
	if err := checkBins("chrX", r.XBins, l.Offset[genome.ChrX], l.Offset[genome.ChrY]); err != nil {
		return err
	}
	if err := checkBins("chrY", r.YBins, l.Offset[genome.ChrY], nb); err != nil {
		return err
	}
	for a, j := range r.Auto {
		if !(r.Median[j] > 0) || !(r.Sigma[j] > 0) || !(r.PCA.Weight[a] > 0) || !(r.RBSigma[a] > 0) {
			return fmt.Errorf("autosomal bin %d has a non-positive median, SD or weight", j)
		}
	}
	for a, j := range r.XBins {
		if !(r.Median[j] > 0) || !(r.XSigma[a] > 0) {
			return fmt.Errorf("chrX bin %d has a non-positive median or SD", j)
		}
	}
	if len(r.Chroms) != genome.NumChroms {
		return fmt.Errorf("%d chromosome models, want %d", len(r.Chroms), genome.NumChroms)
	}
	for c, cm := range r.Chroms {
		for m, nl := range cm.Nulls {
			if !(nl.SD > 0) || math.IsInf(nl.SD, 0) || math.IsNaN(nl.Mean) {
				return fmt.Errorf("%s %s null distribution is invalid", genome.ChromName(c), m)
			}
		}
		for _, k := range cm.Denominator {
			if k < 0 || k >= genome.ChrX {
				return fmt.Errorf("%s NCV denominator %d out of range", genome.ChromName(c), k)
			}
		}
	}
	if r.FF.Profile != nil && len(r.FF.Profile.Ridge.Beta) == 0 {
		return errors.New("bin-profile fetal-fraction model has no coefficients")
	}
	if m := r.FF.Size; m != nil {
		want := map[string]int{"short_fraction": 1, "size_profile": fetalfraction.NumSizeClasses,
			"size_profile_20bp": len(fetalfraction.CoarseSizeProfile(make([]float64, fetalfraction.NumSizeClasses)))}[m.Source]
		if want == 0 || len(m.Coef) != want {
			return fmt.Errorf("fragment-size fetal-fraction model %q has %d coefficients", m.Source, len(m.Coef))
		}
	}
	if m := r.Short; m != nil {
		if !(m.Beta > 0) || !(m.Phi > 0) || math.IsInf(m.Phi, 0) || len(m.KappaSizes) != len(m.KappaValues) || len(m.Mu) != len(r.Auto) {
			return errors.New("short-fragment model is invalid")
		}
		for i, k := range m.KappaValues {
			if !(k > 0) || math.IsInf(k, 0) || m.KappaSizes[i] < 1 || (i > 0 && m.KappaSizes[i] <= m.KappaSizes[i-1]) {
				return errors.New("short-fragment model has an invalid noise inflation")
			}
		}
		for _, v := range m.Mu {
			if !math.IsNaN(v) && !(v >= 0 && v <= 1) {
				return errors.New("short-fragment model has an expected share outside [0, 1]")
			}
		}
	}
	for _, m := range r.Mask {
		if m >= uint8(len(normalize.MaskNames)) {
			return fmt.Errorf("unknown mask code %d", m)
		}
	}
	return nil
}

// Equal reports whether two encoded references are byte-identical.
func Equal(a, b *Reference) (bool, error) {
	pa, err := a.payload()
	if err != nil {
		return false, err
	}
	pb, err := b.payload()
	if err != nil {
		return false, err
	}
	return bytes.Equal(pa, pb), nil
}
