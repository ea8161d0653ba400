package bam

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrNoSamtools is returned for CRAM input when samtools cannot be found.
var ErrNoSamtools = errors.New("CRAM input needs samtools on PATH to decode it (install it, e.g. apt-get install samtools, or convert the CRAM to BAM first)")

// openCRAM pipes the CRAM stream r through "samtools view -u", which writes
// uncompressed BGZF BAM, and decodes that. Feeding samtools from r (rather
// than giving it the path) keeps the input checksum and progress in our
// hands and makes CRAM on standard input work.
func openCRAM(r io.Reader, opt Options) (Reader, error) {
	exe := opt.Samtools
	if exe == "" {
		var err error
		if exe, err = exec.LookPath("samtools"); err != nil {
			return nil, ErrNoSamtools
		}
	}
	args := []string{"view", "-u"}
	if opt.Threads > 1 {
		args = append(args, "-@", strconv.Itoa(opt.Threads))
	}
	if opt.Reference != "" {
		args = append(args, "-T", opt.Reference)
	}
	args = append(args, "-")
	cmd := exec.Command(exe, args...)
	cmd.Stdin = r
	// If samtools exits early (bad CRAM), do not wait for the goroutine
	// that feeds it to finish reading a slow input (e.g. a pipe).
	cmd.WaitDelay = 5 * time.Second
	stderr := &limitedBuffer{max: 4096}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting samtools to decode CRAM: %w", err)
	}
	c := &cramReader{cmd: cmd, stderr: stderr, ref: opt.Reference, stdout: out}
	inner, err := Open(out, Options{Threads: opt.Threads, NewInflater: opt.NewInflater})
	if err != nil {
		// samtools may still be writing: closing the pipe stops it, so the
		// wait cannot block on a full pipe.
		out.Close()
		if werr := c.wait(); werr != nil && !c.stoppedByUs(werr) {
			return nil, werr
		}
		return nil, fmt.Errorf("decoding samtools output: %w", err)
	}
	c.Reader = inner
	return c, nil
}

// cramReader wraps the BAM reader of samtools' output and reports samtools'
// own error message when it fails.
type cramReader struct {
	Reader
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr *limitedBuffer
	ref    string
	once   sync.Once
	werr   error
	err    error
}

func (c *cramReader) Format() string { return "cram" }

func (c *cramReader) Next() bool {
	if c.err != nil {
		return false
	}
	if c.Reader.Next() {
		return true
	}
	inner := c.Reader.Err()
	if inner != nil {
		// The decoder stopped before the end: samtools may still be
		// writing, and would block on the full pipe while we wait for it.
		c.stdout.Close()
	}
	// Prefer samtools' diagnosis over the symptom in its output, unless its
	// failure is only the broken pipe we caused.
	if werr := c.wait(); werr != nil && (inner == nil || !c.stoppedByUs(werr)) {
		c.err = werr
	} else {
		c.err = inner
	}
	return false
}

// stoppedByUs reports whether samtools ended because nipt closed its output
// pipe (SIGPIPE) rather than failing on its own.
func (c *cramReader) stoppedByUs(werr error) bool {
	var ee *exec.ExitError
	if !errors.As(werr, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGPIPE
}

func (c *cramReader) Err() error { return c.err }

func (c *cramReader) Close() error {
	c.Reader.Close()
	c.stdout.Close()
	c.wait()
	return nil
}

// wait reaps samtools once; it returns a descriptive error if it failed.
func (c *cramReader) wait() error {
	c.once.Do(func() {
		if err := c.cmd.Wait(); err != nil {
			msg := strings.TrimSpace(c.stderr.String())
			hint := ""
			if c.ref == "" {
				hint = " (if samtools cannot find the reference, pass --reference REF.fa)"
			}
			c.werr = fmt.Errorf("samtools view could not decode the CRAM: %w: %s%s", err, msg, hint)
		}
	})
	return c.werr
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
