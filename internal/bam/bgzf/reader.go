package bgzf

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// Options configure a Reader.
type Options struct {
	// Threads is the number of goroutines inflating blocks (at least 1).
	Threads int
	// NewInflater makes one inflater per inflating goroutine; nil means
	// NewInflater (libdeflate with -tags libdeflate, else nipt's own
	// NewFastInflater).
	NewInflater func() Inflater
	// AllowNoEOF accepts a stream that ends without the EOF-marker block.
	AllowNoEOF bool
}

// Reader inflates a BGZF stream with Options.Threads goroutines and returns
// the blocks in stream order. One goroutine reads members from the source,
// the inflaters work ahead by at most queueDepth blocks, so memory stays at
// about queueDepth × 128 KiB whatever the file size.
type Reader struct {
	free  chan *job
	order chan *job
	quit  chan struct{}
	once  sync.Once

	cur  *job
	rest []byte // unread bytes of cur (for Read)
	err  error
	// Blocks counts the non-empty blocks returned so far.
	Blocks int64
	// Offset is the byte offset in the source of the block last returned by
	// Block or Read.
	Offset int64
}

type job struct {
	raw  rawBlock
	data []byte
	err  error
	done chan struct{}
}

// queueDepth is the number of blocks in flight per inflating goroutine: 4
// keeps every inflater busy while the consumer works through one block
// (a block of BAM takes far less time to parse than to inflate).
const queueDepth = 4

// NewReader starts reading the BGZF stream r. Call Close when done.
func NewReader(r io.Reader, opt Options) *Reader {
	threads := max(opt.Threads, 1)
	newInf := opt.NewInflater
	if newInf == nil {
		newInf = NewInflater
	}
	depth := queueDepth*threads + 2
	z := &Reader{
		free:  make(chan *job, depth),
		order: make(chan *job, depth),
		quit:  make(chan struct{}),
	}
	for range depth {
		z.free <- &job{done: make(chan struct{}, 1)}
	}
	work := make(chan *job, depth)
	for range threads {
		go inflateLoop(work, newInf())
	}
	go z.readLoop(r, work, opt.AllowNoEOF)
	return z
}

func inflateLoop(work <-chan *job, inf Inflater) {
	for j := range work {
		j.err = inflate(j, inf)
		j.done <- struct{}{}
	}
}

func inflate(j *job, inf Inflater) error {
	if cap(j.data) < MaxBlockSize {
		j.data = make([]byte, MaxBlockSize)
	}
	j.data = j.data[:j.raw.isize]
	if err := inf.Inflate(j.data, j.raw.cdata); err != nil {
		return fmt.Errorf("%w (block at byte %d)", err, j.raw.offset)
	}
	if crc32.ChecksumIEEE(j.data) != j.raw.crc {
		return fmt.Errorf("%w: CRC mismatch (block at byte %d)", ErrCorrupt, j.raw.offset)
	}
	return nil
}

// readLoop splits the stream into members. Every member goes to order (so
// the consumer sees them in sequence) and to work (to be inflated). A read
// error is passed on in order as a job that is already done.
func (z *Reader) readLoop(r io.Reader, work chan<- *job, allowNoEOF bool) {
	defer close(work)
	var off int64
	lastEmpty := false
	for {
		var j *job
		select {
		case j = <-z.free:
		case <-z.quit:
			return
		}
		err := readBlock(r, &j.raw, off)
		if err != nil {
			if err == io.EOF && (lastEmpty || allowNoEOF) {
				j.err = io.EOF
			} else if err == io.EOF {
				j.err = fmt.Errorf("%w (stream ends at byte %d)", ErrNoEOF, off)
			} else {
				j.err = err
			}
			j.done <- struct{}{}
			z.order <- j
			return
		}
		off += int64(len(j.raw.buf))
		lastEmpty = j.raw.isize == 0
		z.order <- j // never blocks: order holds every job
		work <- j
	}
}

// Block returns the next non-empty inflated block. The slice is valid until
// the next call of Block, Read or Close. At the end of a well-formed stream
// it returns io.EOF.
func (z *Reader) Block() ([]byte, error) {
	if z.err != nil {
		return nil, z.err
	}
	for {
		if z.cur != nil {
			z.free <- z.cur
			z.cur = nil
		}
		j := <-z.order
		<-j.done
		if j.err != nil {
			z.err = j.err
			return nil, z.err
		}
		z.cur = j
		if len(j.data) > 0 {
			z.Blocks++
			z.Offset = j.raw.offset
			return j.data, nil
		}
	}
}

// Read implements io.Reader over the inflated stream.
func (z *Reader) Read(p []byte) (int, error) {
	for len(z.rest) == 0 {
		b, err := z.Block()
		if err != nil {
			return 0, err
		}
		z.rest = b
	}
	n := copy(p, z.rest)
	z.rest = z.rest[n:]
	return n, nil
}

// Close stops the reading and inflating goroutines. It does not close the
// source.
func (z *Reader) Close() error {
	z.once.Do(func() { close(z.quit) })
	if z.err == nil {
		z.err = errClosed
	}
	return nil
}

var errClosed = errors.New("bgzf: read from closed reader")
