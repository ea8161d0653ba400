package annotation

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"

	"github.com/biogo/hts/bgzf"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/version"
)

// Format identification written on the first line of every .bins file.
const (
	FormatName    = "nipt-annotation"
	FormatVersion = 1
)

// columns is the column header line of the table.
const columns = "chrom\tstart\tend\tgc\tn_frac\tmap\tblacklist"

// ErrNotAnnotation is returned for input that is not a nipt annotation file.
var ErrNotAnnotation = errors.New("not a nipt annotation (.bins) file")

// Header is the JSON header line of a .bins file.
type Header struct {
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	Tool          Tool            `json:"tool"`
	Build         string          `json:"build"` // canonical build name, e.g. "GRCh38"
	Contigs       []genome.Contig `json:"contigs"`
	BinSize       int             `json:"bin_size"`
	Sources       Source          `json:"sources"`
}

// Layout returns the bin layout the header describes, checking the contig
// list against the build.
func (h *Header) Layout() (*genome.Layout, error) {
	return genome.LayoutFor(h.Build, h.Contigs, h.BinSize)
}

// header returns the file header of a.
func (a *Annotation) header() Header {
	t := a.Tool
	if t.Name == "" {
		t.Name = "nipt"
	}
	if t.Version == "" {
		t.Version = version.Version
	}
	return Header{
		Format: FormatName, FormatVersion: FormatVersion, Tool: t,
		Build: a.Layout.Build.Name, Contigs: a.Layout.Build.Contigs(), BinSize: a.Layout.BinSize,
		Sources: a.Source,
	}
}

// Write encodes a as a BGZF-compressed .bins file. The output depends only
// on a (no timestamps), so equal annotations give byte-identical files.
func Write(w io.Writer, a *Annotation) error {
	if err := a.Validate(); err != nil {
		return err
	}
	bz := bgzf.NewWriter(w, runtime.GOMAXPROCS(0))
	bw := bufio.NewWriterSize(bz, 1<<16)
	if err := encode(bw, a); err != nil {
		bz.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		bz.Close()
		return err
	}
	return bz.Close()
}

// WriteFile writes a to path atomically (no partial file on failure).
func WriteFile(path string, a *Annotation) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Write(f, a); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

func encode(bw *bufio.Writer, a *Annotation) error {
	h := a.header()
	js, err := json.Marshal(&h)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "#%s\t%d\n#", FormatName, FormatVersion)
	bw.Write(js)
	bw.WriteString("\n" + columns + "\n")
	l := a.Layout
	var buf []byte
	for i := 0; i < l.NumBins(); i++ {
		c, s, e := l.Locate(i)
		buf = append(buf[:0], chromNames[c]...)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(s), 10)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(e), 10)
		buf = appendValue(append(buf, '\t'), a.GC[i])
		buf = appendValue(append(buf, '\t'), a.N[i])
		buf = appendValue(append(buf, '\t'), a.Map[i])
		if a.Blacklist[i] {
			buf = append(buf, "\t1\n"...)
		} else {
			buf = append(buf, "\t0\n"...)
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// chromNames caches genome.ChromName for the per-row hot loops.
var chromNames = func() (n [genome.NumChroms]string) {
	for c := range n {
		n[c] = genome.ChromName(c)
	}
	return n
}()

// valueDigits is the number of decimals written: 1e-6 is far below any
// difference that matters for GC correction or filtering, and keeps a 10 kb
// genome file at about 5 MB.
const valueDigits = 6

// appendValue writes v rounded to valueDigits decimals in the shortest form,
// or NA for NaN.
func appendValue(buf []byte, v float64) []byte {
	if math.IsNaN(v) {
		return append(buf, "NA"...)
	}
	return strconv.AppendFloat(buf, roundValue(v), 'f', -1, 64)
}

var valueScale = math.Pow10(valueDigits)

func roundValue(v float64) float64 {
	return math.Round(v*valueScale) / valueScale
}
