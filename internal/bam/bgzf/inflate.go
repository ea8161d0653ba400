package bgzf

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
)

// Inflater decompresses raw DEFLATE data (RFC 1951). An Inflater is used by
// one goroutine at a time.
type Inflater interface {
	// Inflate decompresses src into dst. It fails unless src is a complete
	// DEFLATE stream of exactly len(dst) bytes.
	Inflate(dst, src []byte) error
}

// NewGoInflater returns the pure-Go inflater (compress/flate).
func NewGoInflater() Inflater { return new(goInflater) }

type goInflater struct {
	src bytes.Reader
	fr  io.ReadCloser
	one [1]byte
}

func (g *goInflater) Inflate(dst, src []byte) error {
	g.src.Reset(src)
	if g.fr == nil {
		g.fr = flate.NewReader(&g.src)
	} else if err := g.fr.(flate.Resetter).Reset(&g.src, nil); err != nil {
		return err
	}
	if _, err := io.ReadFull(g.fr, dst); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// The stream must end exactly here.
	if n, err := g.fr.Read(g.one[:]); n != 0 || err != io.EOF {
		return fmt.Errorf("%w: more data than the recorded size %d", ErrCorrupt, len(dst))
	}
	return nil
}
