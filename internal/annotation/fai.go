package annotation

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// faiEntry is one line of a samtools FASTA index (.fai): the sequence name,
// its length, the byte offset of its first base, and the bases and bytes per
// line. Spec: samtools faidx(1), "FAI index format".
type faiEntry struct {
	name                 string
	length               int
	offset               int64
	lineBases, lineBytes int
}

// maxFAIValue bounds every number of an index (256 TiB, far beyond any
// genome) so that offset arithmetic cannot overflow.
const maxFAIValue = 1 << 48

// readFAI parses a .fai index.
func readFAI(r io.Reader) ([]faiEntry, error) {
	var out []faiEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 1 && f[0] == "" {
			continue
		}
		if len(f) != 5 && len(f) != 6 { // 6 columns: FASTQ index
			return nil, fmt.Errorf("line %d: %d columns, want 5 (name, length, offset, line bases, line bytes)", line, len(f))
		}
		var n [4]int64
		for k := range n {
			v, err := strconv.ParseInt(f[k+1], 10, 64)
			if err != nil || v < 0 || v >= maxFAIValue {
				return nil, fmt.Errorf("line %d: column %d is %q, want a non-negative integer below 2^48", line, k+2, f[k+1])
			}
			n[k] = v
		}
		e := faiEntry{name: f[0], length: int(n[0]), offset: n[1], lineBases: int(n[2]), lineBytes: int(n[3])}
		if e.length > 0 && (e.lineBases < 1 || e.lineBytes < e.lineBases+1 || e.lineBytes > e.lineBases+2) {
			return nil, fmt.Errorf("line %d: %s has %d bases in lines of %d bytes (want one or two end-of-line bytes)", line, e.name, e.lineBases, e.lineBytes)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty index")
	}
	return out, nil
}

// readFAIFile reads path+".fai", or explains how to make it.
func readFAIFile(fasta string) ([]faiEntry, error) {
	idx := fasta + ".fai"
	f, err := os.Open(idx)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("no FASTA index %s: create it with samtools faidx %s", idx, fasta)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e, err := readFAI(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (re-create it with samtools faidx %s)", idx, err, fasta)
	}
	return e, nil
}

// contigs lists the sequences of an index for genome.Detect.
func contigs(fai []faiEntry) []genome.Contig {
	c := make([]genome.Contig, len(fai))
	for i, e := range fai {
		c[i] = genome.Contig{Name: e.name, Length: e.length}
	}
	return c
}

// end returns the byte offset just after the last base of e.
func (e faiEntry) end() int64 {
	if e.length == 0 {
		return e.offset
	}
	last := e.length - 1
	return e.offset + int64(last/e.lineBases)*int64(e.lineBytes) + int64(last%e.lineBases) + 1
}
