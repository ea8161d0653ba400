package bamwrite

import (
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// BlockData is the largest uncompressed payload of one BGZF block. htslib uses
// the same value (0xff00), which leaves room for deflate's worst-case
// expansion of incompressible data inside the 64 KiB block limit.
const BlockData = 0xff00

// maxBlock is the BGZF limit on a whole compressed block (BSIZE is a uint16
// holding size-1).
const maxBlock = 1 << 16

// bgzfHeaderLen and bgzfFooterLen frame each block: gzip header with the
// 6-byte "BC" extra field, then CRC32 and ISIZE.
const (
	bgzfHeaderLen = 18
	bgzfFooterLen = 8
)

// eofBlock is the empty BGZF block that marks the end of a file (SAMv1 4.1.2).
var eofBlock = []byte{
	0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0,
	0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}

// block is one BGZF block in flight.
type block struct {
	raw  []byte // uncompressed payload
	comp []byte // framed compressed block
	err  error
	done chan struct{}
}

// sliceWriter appends to a byte slice.
type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// compressor deflates blocks; one per goroutine.
type compressor struct {
	fw    *flate.Writer
	out   sliceWriter
	level int
}

func newCompressor(level int) (*compressor, error) {
	c := &compressor{level: level}
	fw, err := flate.NewWriter(&c.out, level)
	if err != nil {
		return nil, err
	}
	c.fw = fw
	return c, nil
}

// compress frames b.raw as a BGZF block into b.comp.
func (c *compressor) compress(b *block) {
	c.out.b = append(b.comp[:0], make([]byte, bgzfHeaderLen)...)
	c.fw.Reset(&c.out)
	c.fw.Write(b.raw)
	c.fw.Close()
	if len(c.out.b)+bgzfFooterLen > maxBlock {
		// Incompressible payload: store it (deflate stored blocks cost 5
		// bytes per 64 KiB, so BlockData always fits).
		c.out.b = c.out.b[:bgzfHeaderLen]
		sw, _ := flate.NewWriter(&c.out, flate.NoCompression)
		sw.Write(b.raw)
		sw.Close()
	}
	out := c.out.b
	copy(out, []byte{0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0})
	binary.LittleEndian.PutUint16(out[16:], uint16(len(out)+bgzfFooterLen-1))
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(b.raw))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(b.raw)))
	if len(out) > maxBlock {
		b.err = fmt.Errorf("bgzf: block of %d bytes exceeds the 64 KiB limit", len(out))
	}
	b.comp = out
}

// bgzfWriter cuts a byte stream into BGZF blocks at caller-chosen points,
// compresses them concurrently and writes them in order. It remembers the
// compressed start offset of every block so that logical virtual offsets
// (block number << 16 | offset in block) can be turned into file offsets.
type bgzfWriter struct {
	w       io.Writer
	cur     *block
	blockNo int64
	offsets []int64 // compressed start of each written block
	written int64

	inline *compressor // when concurrency is 1
	queue  chan *block // blocks in submission order, for the writer goroutine
	work   chan *block // blocks to compress
	free   chan *block
	wg     sync.WaitGroup
	done   chan struct{} // closed when the writer goroutine has finished
	mu     sync.Mutex
	werr   error // first error of the writer goroutine (under mu)
	err    error
}

// newBGZFWriter returns a writer compressing with the given flate level on
// concurrency goroutines (1 = compress inline, no goroutines).
func newBGZFWriter(w io.Writer, level, concurrency int) (*bgzfWriter, error) {
	if concurrency < 1 {
		concurrency = 1
	}
	z := &bgzfWriter{w: w}
	if concurrency == 1 {
		c, err := newCompressor(level)
		if err != nil {
			return nil, err
		}
		z.inline = c
		z.cur = newBlock()
		return z, nil
	}
	n := 2*concurrency + 2
	z.queue = make(chan *block, n)
	z.work = make(chan *block, n)
	z.free = make(chan *block, n)
	z.done = make(chan struct{})
	for range n {
		z.free <- newBlock()
	}
	for range concurrency {
		c, err := newCompressor(level)
		if err != nil {
			return nil, err
		}
		z.wg.Add(1)
		go func() {
			defer z.wg.Done()
			for b := range z.work {
				c.compress(b)
				close(b.done)
			}
		}()
	}
	go z.writeLoop()
	z.cur = <-z.free
	return z, nil
}

func newBlock() *block {
	return &block{raw: make([]byte, 0, BlockData), comp: make([]byte, 0, maxBlock)}
}

func (z *bgzfWriter) writeLoop() {
	defer close(z.done)
	var err error
	for b := range z.queue {
		<-b.done
		if err == nil {
			err = b.err
		}
		if err == nil {
			z.offsets = append(z.offsets, z.written)
			_, err = z.w.Write(b.comp)
			z.written += int64(len(b.comp))
			if err != nil {
				z.mu.Lock()
				z.werr = err
				z.mu.Unlock()
			}
		}
		b.raw, b.comp, b.err = b.raw[:0], b.comp[:0], nil
		z.free <- b
	}
	z.mu.Lock()
	if z.werr == nil {
		z.werr = err
	}
	z.mu.Unlock()
}

// writerErr is the writer goroutine's error so far.
func (z *bgzfWriter) writerErr() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.werr
}

// avail is the free space in the current block.
func (z *bgzfWriter) avail() int { return BlockData - len(z.cur.raw) }

// voffset is the logical virtual offset of the next byte.
func (z *bgzfWriter) voffset() uint64 { return uint64(z.blockNo)<<16 | uint64(len(z.cur.raw)) }

// flush ends the current block (if not empty).
func (z *bgzfWriter) flush() error {
	if z.err != nil {
		return z.err
	}
	if len(z.cur.raw) == 0 {
		return nil
	}
	z.blockNo++
	if z.inline != nil {
		z.inline.compress(z.cur)
		if z.cur.err != nil {
			z.err = z.cur.err
			return z.err
		}
		z.offsets = append(z.offsets, z.written)
		if _, err := z.w.Write(z.cur.comp); err != nil {
			z.err = err
			return err
		}
		z.written += int64(len(z.cur.comp))
		z.cur.raw = z.cur.raw[:0]
		return nil
	}
	if err := z.writerErr(); err != nil {
		z.err = err
		return err
	}
	b := z.cur
	b.done = make(chan struct{})
	z.queue <- b
	z.work <- b
	z.cur = <-z.free
	return nil
}

// write appends p, cutting blocks wherever they fill (used for the header,
// which may span blocks).
func (z *bgzfWriter) write(p []byte) error {
	for len(p) > 0 {
		n := min(z.avail(), len(p))
		z.cur.raw = append(z.cur.raw, p[:n]...)
		p = p[n:]
		if z.avail() == 0 {
			if err := z.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// close flushes, writes the EOF marker and stops the goroutines. It returns
// the compressed start offset of every block and the total file size.
func (z *bgzfWriter) close() ([]int64, int64, error) {
	err := z.flush()
	if z.inline == nil {
		close(z.work)
		z.wg.Wait()
		close(z.queue)
		<-z.done
		if werr := z.writerErr(); err == nil {
			err = werr
		}
	}
	if err != nil {
		return nil, 0, err
	}
	z.offsets = append(z.offsets, z.written)
	if _, err := z.w.Write(eofBlock); err != nil {
		return nil, 0, err
	}
	return z.offsets, z.written + int64(len(eofBlock)), nil
}

// resolve turns a logical virtual offset into a BGZF virtual offset.
func resolve(offsets []int64, v uint64) (uint64, error) {
	b := v >> 16
	if b >= uint64(len(offsets)) {
		return 0, errors.New("bgzf: virtual offset beyond the last block")
	}
	return uint64(offsets[b])<<16 | v&0xffff, nil
}
