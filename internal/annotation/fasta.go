package annotation

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/nipt/nipt/internal/genome"
)

// Base classes of the FASTA counting table.
const (
	baseAT      = iota // A, T (either case)
	baseGC             // C, G
	baseN              // N and the other IUPAC ambiguity codes
	baseInvalid        // anything else: line ends, '>', spaces, binary
	numClasses
)

// basePacked adds one to the 16-bit lane of a byte's class: summing it over
// up to 65,535 bytes counts all four classes with one addition per byte.
var basePacked = func() (t [256]uint64) {
	for i, c := range baseClass {
		t[i] = 1 << (16 * uint(c))
	}
	return t
}()

// countBases counts the bytes of seq in each class.
func countBases(seq []byte) (cnt [numClasses]int) {
	for len(seq) > 0 {
		chunk := seq[:min(len(seq), 1<<16-1)]
		seq = seq[len(chunk):]
		var sum uint64
		for _, b := range chunk {
			sum += basePacked[b]
		}
		for k := range cnt {
			cnt[k] += int(sum >> (16 * uint(k)) & 0xffff)
		}
	}
	return cnt
}

// baseClass maps every byte to its class (soft-masked lowercase counts like
// uppercase).
var baseClass = func() (t [256]uint8) {
	for i := range t {
		t[i] = baseInvalid
	}
	for _, b := range "ATat" {
		t[b] = baseAT
	}
	for _, b := range "CGcg" {
		t[b] = baseGC
	}
	for _, b := range "NRYKMSWBDHVnrykmswbdhv" {
		t[b] = baseN
	}
	return t
}()

// FromFASTA computes the GC and N fraction of every bin from a reference
// FASTA with its samtools index (path + ".fai"). The build is recognised
// from the index's sequence lengths (genome.Detect). The file is
// memory-mapped and the chromosomes are counted in parallel on threads
// workers. Mappability is left unknown (NaN) and nothing is blacklisted.
func FromFASTA(path string, binSize, threads int) (*Annotation, error) {
	fai, err := readFAIFile(path)
	if err != nil {
		return nil, err
	}
	m, err := genome.Detect(contigs(fai))
	if err != nil {
		return nil, fmt.Errorf("%s.fai: %w", path, err)
	}
	l, err := genome.NewLayout(m.Build, binSize)
	if err != nil {
		return nil, err
	}
	a, err := countFASTA(path, fai, m.Index, l, threads)
	if err != nil {
		return nil, err
	}
	if !m.HasY {
		slog.Warn("the FASTA has no chrY: its bins are marked as gap (N)", "fasta", path)
	}
	src := filepath.Base(path)
	a.Source.GC, a.Source.N = src, src
	return a, nil
}

// countFASTA counts the bins of l from the FASTA at path; index maps each
// fai entry to its canonical chromosome (-1: not binned).
func countFASTA(path string, fai []faiEntry, index []int, l *genome.Layout, threads int) (*Annotation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 2)
	if n, _ := f.ReadAt(head, 0); n == 2 && head[0] == 0x1f && head[1] == 0x8b {
		return nil, fmt.Errorf("%s is compressed: nipt annotate reads uncompressed FASTA (bgzip -d it, then samtools faidx)", path)
	}
	data, unmap, err := mapFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer unmap()
	a := New(l)
	for i := range a.N {
		a.N[i] = 1 // chromosomes absent from the FASTA stay gap
	}
	var jobs []faiEntry
	var chroms []int
	for i, e := range fai {
		if index[i] < 0 {
			continue
		}
		if e.end() > int64(len(data)) {
			return nil, fmt.Errorf("%s.fai: %s ends at byte %d but %s has %d bytes: the index does not match the FASTA (re-run samtools faidx %s)",
				path, e.name, e.end(), path, len(data), path)
		}
		jobs = append(jobs, e)
		chroms = append(chroms, index[i])
	}
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return jobs[order[x]].length > jobs[order[y]].length })
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(threads, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				errs[j] = countChrom(a, chroms[j], data, jobs[j])
			}
		}()
	}
	for _, j := range order {
		next <- j
	}
	close(next)
	wg.Wait()
	for j, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: sequence %s: %w", path, jobs[j].name, err)
		}
	}
	return a, nil
}

// countChrom counts the bases of one sequence into the bins of chromosome
// c, walking the lines of the mapped file as the index describes them.
func countChrom(a *Annotation, c int, data []byte, e faiEntry) error {
	l := a.Layout
	r := l.BinSize
	// sum holds the counts of up to 65,535 bytes in 16-bit lanes
	// (basePacked); cnt takes them over before a lane could overflow.
	var cnt [numClasses]int
	var sum uint64
	inSum := 0
	spill := func() {
		for k := range cnt {
			cnt[k] += int(sum >> (16 * uint(k)) & 0xffff)
		}
		sum, inSum = 0, 0
	}
	eol := int64(e.lineBytes - e.lineBases)
	for pos := 0; pos < e.length; {
		line, col := pos/e.lineBases, pos%e.lineBases
		start := e.offset + int64(line)*int64(e.lineBytes) + int64(col)
		n := min(e.lineBases-col, e.length-pos, (pos/r+1)*r-pos, 1<<16-1)
		if inSum+n > 1<<16-1 {
			spill()
		}
		var s uint64
		for _, b := range data[start : start+int64(n)] {
			s += basePacked[b]
		}
		if s>>(16*baseInvalid) != 0 {
			return fmt.Errorf("non-sequence byte within bases %d–%d: the .fai index does not match the FASTA (re-run samtools faidx)", pos, pos+n)
		}
		sum += s
		inSum += n
		pos += n
		if col+n == e.lineBases && pos < e.length && data[start+int64(n)+eol-1] != '\n' {
			return fmt.Errorf("line of bases ending at %d is not followed by a newline: the .fai index does not match the FASTA (re-run samtools faidx)", pos)
		}
		if pos%r == 0 || pos == e.length {
			spill()
			g := l.Offset[c] + (pos-1)/r
			size := min(r, e.length-(pos-1)/r*r)
			called := cnt[baseAT] + cnt[baseGC]
			a.N[g] = float64(size-called) / float64(size)
			a.GC[g] = math.NaN()
			if called > 0 {
				a.GC[g] = float64(cnt[baseGC]) / float64(called)
			}
			cnt = [numClasses]int{}
		}
	}
	return nil
}
