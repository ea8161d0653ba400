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
	"github.com/nipt/nipt/internal/filekind"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
)

// ErrNotReference is returned for input that is not a nipt reference file.
var ErrNotReference = errors.New("not a nipt reference file")

// payload encodes the reference into its two parts: the model (everything
// the analysis of a sample reads) and the sample arrays — the stored
// profiles and per-bin counts (samples.rel, samples.reads, samples.short)
// that growing (nipt reference add) or refitting a reference needs and the
// analysis of a sample does not. Format version 5 keeps them in a second
// gzip member after the model's, so that the analysis reads (and verifies)
// the model alone.
func (r *Reference) payload() (model, samples []byte, err error) {
	return r.payloadAs(FormatVersion)
}

// payloadAs is payload with the format version ver recorded in the
// metadata (tests write version-4 files with it).
func (r *Reference) payloadAs(ver int) (model, samples []byte, err error) {
	if r.samplesOmitted {
		return nil, nil, errSamplesOmitted
	}
	var e, es encoder
	nb := r.Layout.NumBins()
	// Room for the per-bin model arrays, and for the per-sample arrays
	// (4 bytes per bin, 8 more for a paired-end sample's counts).
	var nrb int
	for _, v := range r.RefBins {
		nrb += len(v)
	}
	e.sizeHint(64*nb + 8*r.Components*len(r.Auto) + 4*nrb + 8*r.XComponents*len(r.XBins) + 1<<20)
	es.sizeHint(len(r.Samples)*nb*12 + 1<<10)
	meta := r.Meta
	meta.Format, meta.FormatVersion = FormatName, ver
	if err := e.json("meta", &meta); err != nil {
		return nil, nil, err
	}
	e.f64("static.gc", r.Static.GC)
	e.f64("static.eff", r.Static.Eff)
	e.u8("static.mask", r.Static.Mask)
	var fgc, feff []float32
	var fuse []uint8
	if f := r.Static.Fine; f != nil {
		fgc, feff = f.GC, f.Eff
		fuse = make([]uint8, len(f.Use))
		for i, u := range f.Use {
			if u {
				fuse[i] = 1
			}
		}
	}
	e.f32Parts("static.fine.gc", [][]float32{fgc})
	e.f32Parts("static.fine.eff", [][]float32{feff})
	e.u8("static.fine.use", fuse)
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
	st := make([]float64, 0, 4*len(r.Samples))
	for _, s := range r.Samples {
		st = append(st, s.DuplicateRate, s.ShortFraction, s.GCBias, s.Noise)
	}
	e.f64("samples.stats", st)
	var mu []float64
	if r.Short != nil {
		mu = r.Short.Mu
	}
	e.f64("short.mu", mu)

	rel := make([][]float32, len(r.Samples))
	for i, s := range r.Samples {
		rel[i] = s.Rel
	}
	es.f32Parts("samples.rel", rel)
	// Per-bin counts of the paired-end samples, in sample order.
	var reads, short [][]uint32
	for _, s := range r.Samples {
		if s.Paired {
			if len(s.BinReads) != nb || len(s.BinShort) != nb {
				return nil, nil, fmt.Errorf("paired-end sample %s has no per-bin fragment counts", s.ID)
			}
			reads = append(reads, s.BinReads)
			short = append(short, s.BinShort)
		}
	}
	es.u32Parts("samples.reads", reads)
	es.u32Parts("samples.short", short)
	return e.buf, es.buf, nil
}

// errSamplesOmitted is returned when a reference read without its sample
// arrays (ReadModelFile) is written or grown.
var errSamplesOmitted = errors.New("the reference was read without its sample profiles (for analysis only): read it with ReadFile to write or grow it")

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

// Write encodes r to w and sets r.ID, the SHA-256 of the model payload.
// The output is deterministic: a text header (format and version, the
// checksums and sizes of both parts), then the model and the sample arrays
// as two gzip members (docs/format-reference.md).
func Write(w io.Writer, r *Reference) error {
	pm, ps, err := r.payload()
	if err != nil {
		return err
	}
	// The two parts are compressed at once, each into memory: the header
	// gives their compressed sizes.
	var zm, zs []byte
	var errM, errS error
	done := make(chan struct{})
	go func() {
		zs, errS = gzipBytes(ps)
		close(done)
	}()
	zm, errM = gzipBytes(pm)
	<-done
	if err := errors.Join(errM, errS); err != nil {
		return err
	}
	sm, ss := sha256.Sum256(pm), sha256.Sum256(ps)
	r.ID = hex.EncodeToString(sm[:])
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "#%s\t%d\n#sha256:%s\n#samples-sha256:%s\n#sizes:%d %d %d %d\n",
		FormatName, FormatVersion, r.ID, hex.EncodeToString(ss[:]), len(zm), len(pm), len(zs), len(ps))
	bw.Write(zm)
	bw.Write(zs)
	return bw.Flush()
}

// gzipBytes compresses p into one gzip member (no timestamp, so the
// output is deterministic).
func gzipBytes(p []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(p)/3 + 1<<10)
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(p); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
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

// ReadFile reads a reference file and verifies all of it.
func ReadFile(path string) (*Reference, error) { return readFile(path, true) }

// ReadModelFile reads what the analysis of a sample needs from a reference
// file: everything but the reference samples' stored profiles and per-bin
// counts, which only nipt reference add needs (SampleProfile.Rel, BinReads
// and BinShort stay nil). In format version 5 these are a separate part
// that is skipped unread — its checksum is not verified, but the file's
// size must match its header, so a truncated file is still refused. The
// reference cannot be written or grown (Write, Add). Version-4 files are
// read whole.
func ReadModelFile(path string) (*Reference, error) { return readFile(path, false) }

func readFile(path string, withSamples bool) (*Reference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the reference: %w (build one with nipt reference build)", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	r, err := read(f, readOptions{withSamples: withSamples, fileSize: size, tail: tailReader(f, size)})
	if err != nil {
		return nil, fmt.Errorf("reference %s: %w", path, err)
	}
	return r, nil
}

// tailReader returns the last 4 bytes of a file of the given size (nil if
// unknown): in a version-4 file, the gzip trailer's payload size.
func tailReader(f *os.File, size int64) []byte {
	if size < 4 {
		return nil
	}
	var b [4]byte
	if _, err := f.ReadAt(b[:], size-4); err != nil {
		return nil
	}
	return b[:]
}

// Read decodes, verifies and validates a whole reference.
func Read(rd io.Reader) (*Reference, error) {
	return read(rd, readOptions{withSamples: true, fileSize: -1})
}

// readOptions say how much of a reference to read.
type readOptions struct {
	// withSamples: read and verify the sample arrays too.
	withSamples bool
	// fileSize is the size of the file (-1: unknown, a stream).
	fileSize int64
	// tail is the file's last 4 bytes, if known (version 4: the payload
	// size, which lets readSections allocate each array once).
	tail []byte
}

// quoteShort shows the start of s for an error message: text quoted up to
// 40 bytes, anything else as its first 8 bytes in hex, so that a binary
// file does not flood the terminal.
func quoteShort(s string) string {
	s = strings.TrimSpace(s)
	for _, c := range []byte(s[:min(len(s), 40)]) {
		if c < ' ' || c > '~' {
			return fmt.Sprintf("bytes % x", s[:min(len(s), 8)])
		}
	}
	if len(s) > 40 {
		return fmt.Sprintf("%q…", s[:40])
	}
	return fmt.Sprintf("%q", s)
}

// read is Read with options.
func read(rd io.Reader, o readOptions) (*Reference, error) {
	cr := &countingReader{r: rd}
	br := bufio.NewReaderSize(cr, 1<<16)
	first, err := br.ReadString('\n')
	if err != nil && first == "" {
		return nil, fmt.Errorf("%w: the file is empty (make one with nipt reference build)", ErrNotReference)
	}
	var name string
	var ver int
	if _, serr := fmt.Sscanf(first, "#%s\t%d\n", &name, &ver); err != nil || serr != nil || name != FormatName {
		switch k := filekind.Sniff([]byte(first)); k {
		case filekind.Counts:
			return nil, fmt.Errorf("%w: it is %s; build a reference from the counts files of euploid pregnancies with nipt reference build", ErrNotReference, k)
		case filekind.Unknown:
			return nil, fmt.Errorf("%w: it starts with %s (make one with nipt reference build)", ErrNotReference, quoteShort(first))
		default:
			return nil, fmt.Errorf("%w: it is %s (make one with nipt reference build)", ErrNotReference, k)
		}
	}
	switch ver {
	case 2:
		return nil, fmt.Errorf("reference format version 2 has no calibrated fetal-fraction measurement model, which this nipt needs (it reads versions 4 and %d): rebuild the reference with nipt reference build from the same counts files", FormatVersion)
	case 3:
		return nil, fmt.Errorf("reference format version 3 has no per-bin fragment counts, which this nipt's short-fragment model needs (it reads versions 4 and %d): rebuild the reference with nipt reference build from the same counts files", FormatVersion)
	case 4, FormatVersion:
	default:
		return nil, fmt.Errorf("reference format version %d is not supported by this nipt (reads versions 4 and %d): rebuild the reference with this version", ver, FormatVersion)
	}
	corrupt := func(what string) error {
		return fmt.Errorf("%s: the file is truncated or corrupt; rebuild or copy it again", what)
	}
	headerLine := func(prefix string) (string, error) {
		line, err := br.ReadString('\n')
		v, found := strings.CutPrefix(strings.TrimSpace(line), prefix)
		if err != nil || !found {
			return "", corrupt("missing " + strings.Trim(prefix, "#:") + " line")
		}
		return v, nil
	}
	sumHex, err := headerLine("#sha256:")
	if err != nil || len(sumHex) != 64 {
		return nil, corrupt("missing checksum line")
	}
	if ver == 4 {
		hint := 0
		if len(o.tail) == 4 {
			hint = int(binary.LittleEndian.Uint32(o.tail))
		}
		secs, err := readPart(&limitedBytes{br, math.MaxInt64, false}, sumHex, hint)
		if err != nil {
			return nil, err
		}
		return finish(secs, ver, sumHex, true)
	}
	ssHex, err := headerLine("#samples-sha256:")
	if err != nil || len(ssHex) != 64 {
		return nil, corrupt("missing samples checksum line")
	}
	sizes, err := headerLine("#sizes:")
	if err != nil {
		return nil, err
	}
	var zm, pm, zs, ps int64
	if n, err := fmt.Sscanf(sizes, "%d %d %d %d", &zm, &pm, &zs, &ps); err != nil || n != 4 || zm <= 0 || zs <= 0 || pm < 0 || ps < 0 {
		return nil, corrupt(fmt.Sprintf("invalid sizes line %q", sizes))
	}
	header := cr.n - int64(br.Buffered())
	if o.fileSize >= 0 && o.fileSize != header+zm+zs {
		return nil, corrupt(fmt.Sprintf("%d bytes, the header announces %d", o.fileSize, header+zm+zs))
	}
	model, err := readPart(&limitedBytes{br, zm, true}, sumHex, int(min(pm, 1<<40)))
	if err != nil {
		return nil, err
	}
	if o.withSamples {
		samples, err := readPart(&limitedBytes{br, zs, true}, ssHex, int(min(ps, 1<<40)))
		if err != nil {
			return nil, fmt.Errorf("sample profiles: %w", err)
		}
		for k, v := range samples {
			if _, dup := model[k]; dup {
				return nil, corrupt(fmt.Sprintf("section %q appears twice", k))
			}
			model[k] = v
		}
	}
	return finish(model, ver, sumHex, o.withSamples)
}

// readPart decompresses one gzip member holding sections, hashing the
// payload as it streams; the checksum is compared before any of it is
// used.
func readPart(r *limitedBytes, sumHex string, hint int) (map[string]section, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("corrupt reference body: %v (rebuild or copy the file again)", err)
	}
	zr.Multistream(false)
	h := sha256.New()
	secs, err := readSections(io.TeeReader(zr, h), hint)
	if err != nil {
		return nil, fmt.Errorf("corrupt reference body: %v (rebuild or copy the file again)", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sumHex {
		return nil, errors.New("checksum mismatch: the file is corrupt; rebuild or copy it again")
	}
	if r.exact && r.n != 0 {
		return nil, fmt.Errorf("a compressed part ends %d bytes before the size its header gives: the file is truncated or corrupt; rebuild or copy it again", r.n)
	}
	return secs, nil
}

// limitedBytes reads at most n bytes of a buffered reader. It is an
// io.ByteReader, so the gzip reader consumes exactly the bytes of its
// member (it would otherwise buffer ahead) and the bytes left over show
// whether the member was as long as the header says.
type limitedBytes struct {
	br *bufio.Reader
	n  int64
	// exact: the part must end after exactly n bytes.
	exact bool
}

func (l *limitedBytes) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.br.Read(p)
	l.n -= int64(k)
	return k, err
}

func (l *limitedBytes) ReadByte() (byte, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	c, err := l.br.ReadByte()
	if err == nil {
		l.n--
	}
	return c, err
}

// finish decodes verified sections into a Reference whose ID is the
// checksum of its (model) payload.
func finish(secs map[string]section, ver int, id string, withSamples bool) (*Reference, error) {
	r, err := decodeSections(secs, ver, withSamples)
	if err != nil {
		return nil, fmt.Errorf("invalid reference: %w", err)
	}
	r.ID = id
	return r, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decode rebuilds a Reference from its payload and validates every index.
func decode(p []byte) (*Reference, error) {
	secs, err := readSections(bytes.NewReader(p), len(p))
	if err != nil {
		return nil, err
	}
	return decodeSections(secs, FormatVersion, true)
}

// decodeSections rebuilds a Reference from its sections (written by
// format version ver) and validates every index. Without withSamples the
// sample arrays (samples.rel, .reads, .short) are neither needed nor
// decoded.
func decodeSections(secs map[string]section, ver int, withSamples bool) (*Reference, error) {
	d := &decoder{secs: secs}
	r := &Reference{}
	d.json("meta", &r.Meta)
	if d.err != nil {
		return nil, d.err
	}
	if r.Format != FormatName || r.FormatVersion != ver {
		return nil, fmt.Errorf("payload names format %s v%d, the header v%d", r.Format, r.FormatVersion, ver)
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
	if r.Options.FineCorrection {
		if r.FineBinSize <= 0 || r.BinSize%r.FineBinSize != 0 {
			return nil, fmt.Errorf("fine correction at %d b bins does not divide the bin size %d", r.FineBinSize, r.BinSize)
		}
		fl, err := genome.NewLayout(b, r.FineBinSize)
		if err != nil {
			return nil, err
		}
		nf := fl.NumBins()
		f := &Fine{Layout: fl, GC: d.f32("static.fine.gc", nf), Eff: d.f32("static.fine.eff", nf), Use: make([]bool, nf)}
		for i, u := range d.u8("static.fine.use", nf) {
			f.Use[i] = u != 0
		}
		if d.err != nil {
			return nil, d.err
		}
		if err := f.check(); err != nil {
			return nil, err
		}
		r.Static.Fine = f
	}
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
	var rel []float32
	if withSamples {
		rel = d.f32("samples.rel", len(r.Samples)*nb)
	}
	sst := d.f64("samples.stats", 4*len(r.Samples))
	npaired := 0
	for _, s := range r.Samples {
		if s.Paired {
			npaired++
		}
	}
	var breads, bshort []uint32
	if withSamples {
		breads = d.u32("samples.reads", npaired*nb)
		bshort = d.u32("samples.short", npaired*nb)
	}
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
	r.samplesOmitted = !withSamples
	for i := range r.Samples {
		s := &r.Samples[i]
		if withSamples {
			s.Rel = rel[i*nb : (i+1)*nb]
		}
		if s.Paired && withSamples {
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
	ma, sa, err := a.payload()
	if err != nil {
		return false, err
	}
	mb, sb, err := b.payload()
	if err != nil {
		return false, err
	}
	return bytes.Equal(ma, mb) && bytes.Equal(sa, sb), nil
}
