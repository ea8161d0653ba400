package bam

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/nipt/nipt/internal/bam/bgzf"
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
	if head, _ := br.Peek(4096); looksLikeSAM(head) {
		return newSAMReader(br, nil)
	}
	return nil, fmt.Errorf("%w (starts with bytes % x)", ErrUnknownFormat, magic[:min(len(magic), 8)])
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
	return nil, fmt.Errorf("%w (compressed data starts with bytes % x)", ErrUnknownFormat, first[:min(len(first), 8)])
}

// looksLikeSAM accepts a header line or the start of an alignment line:
// printable ASCII up to the first tab (the end of QNAME). A line that ends
// before any tab is not SAM; text that runs past b without a tab may still
// be a long QNAME.
func looksLikeSAM(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if b[0] == '@' {
		return true
	}
	for _, c := range b {
		if c == '\t' {
			return true
		}
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

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
