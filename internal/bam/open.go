package bam

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/filekind"
)

// Options configure Open.
type Options struct {
	// Threads is the number of goroutines inflating BGZF blocks, and the
	// samtools thread count for CRAM.
	Threads int
	// Reference is the FASTA that CRAM input was compressed against
	// (passed to samtools view -T); optional when samtools can find it
	// itself (REF_PATH, REF_CACHE, the @SQ UR field).
	Reference string
	// Samtools is the samtools executable for CRAM; "" looks up "samtools"
	// on PATH.
	Samtools string
	// NewInflater overrides the BGZF inflater (see bgzf.Options).
	NewInflater func() bgzf.Inflater
}

// Errors for input that is not an alignment file.
var (
	ErrEmpty         = errors.New("input is empty")
	ErrUnknownFormat = errors.New("not a BAM, CRAM or SAM file")
)

// Open detects the format of r from its first bytes and returns a Reader
// positioned at the first record.
func Open(r io.Reader, opt Options) (Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(18) // a BGZF member header is 18 bytes
	if len(magic) == 0 {
		if err == nil || err == io.EOF {
			return nil, ErrEmpty
		}
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte("CRAM")):
		return openCRAM(br, opt)
	case bgzf.IsBGZF(magic):
		z := bgzf.NewReader(br, bgzf.Options{Threads: opt.Threads, NewInflater: opt.NewInflater})
		rd, err := openDecompressed(z, z.Close)
		if err != nil {
			z.Close()
		}
		return rd, err
	case bgzf.IsGzip(magic):
		// Plain (non-blocked) gzip: sequential inflation.
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
		}
		return openDecompressed(&readerBlocks{r: zr}, nil)
	case bytes.HasPrefix(magic, []byte("BAM\x01")):
		return newBAMReader(&readerBlocks{r: br}, nil)
	}
	// A SAM alignment line's first field (QNAME) may be long: judge SAM on
	// more than the 18 bytes above.
	head, _ := br.Peek(filekind.Prefix)
	if looksLikeSAM(head) {
		return newSAMReader(br, nil)
	}
	return nil, fmt.Errorf("%w (%s)", ErrUnknownFormat, describe(head))
}

// describe says what a file that is not an alignment file looks like, for
// the kinds given in its place most often.
func describe(head []byte) string {
	switch k := filekind.Sniff(head); k {
	case filekind.Counts:
		return k.String() + ": counts files go to nipt reference build and nipt analyze"
	case filekind.Reference:
		return k.String() + ": give it to nipt analyze with --reference"
	case filekind.FASTQ, filekind.FASTA:
		return k.String()
	}
	return fmt.Sprintf("starts with bytes % x", head[:min(len(head), 8)])
}

// openDecompressed sniffs the inflated stream: BAM or SAM text.
func openDecompressed(src blockSource, closer func() error) (Reader, error) {
	first, err := src.Block()
	if err == io.EOF {
		return nil, fmt.Errorf("%w (compressed stream holds no data)", ErrEmpty)
	}
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(first, []byte("BAM\x01")) || (len(first) < 4 && bytes.HasPrefix([]byte("BAM\x01"), first)) {
		return newBAMReader(&prependBlocks{first: first, src: src}, closer)
	}
	if looksLikeSAM(first) {
		return newSAMReader(&blockReader{src: src, rest: first}, closer)
	}
	return nil, fmt.Errorf("%w (compressed: %s)", ErrUnknownFormat, describe(first))
}

// looksLikeSAM accepts a header line (@ and a two-letter record type, then
// a tab) or an alignment line: a printable QNAME of at most 254 bytes and,
// when the line ends within b, at least the 11 mandatory fields.
func looksLikeSAM(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if b[0] == '@' {
		// A FASTQ name line is not a header line.
		return len(b) < 4 || (isLetter(b[1]) && isLetter(b[2]) && b[3] == '\t')
	}
	tab := bytes.IndexByte(b, '\t')
	if tab < 0 {
		return len(b) <= 254 && !bytes.ContainsAny(b, "\n\r") && printable(b)
	}
	if tab > 254 || !printable(b[:tab]) {
		return false
	}
	if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
		return bytes.Count(b[:nl], []byte("\t")) >= 10
	}
	return true
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// prependBlocks yields first and then the rest of src.
type prependBlocks struct {
	first []byte
	src   blockSource
}

func (p *prependBlocks) Block() ([]byte, error) {
	if p.first != nil {
		b := p.first
		p.first = nil
		return b, nil
	}
	return p.src.Block()
}

// blockReader adapts a blockSource to io.Reader.
type blockReader struct {
	src  blockSource
	rest []byte
}

func (b *blockReader) Read(p []byte) (int, error) {
	for len(b.rest) == 0 {
		blk, err := b.src.Block()
		if err != nil {
			return 0, err
		}
		b.rest = blk
	}
	n := copy(p, b.rest)
	b.rest = b.rest[n:]
	return n, nil
}
