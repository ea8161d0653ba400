package count

import (
	"errors"
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/genome"
)

// ErrUnsorted reports input that is not coordinate-sorted where sorting is
// required (--dedup position).
var ErrUnsorted = errors.New("input is not coordinate-sorted")

// posDedup removes duplicates by position in one pass over coordinate-
// sorted records, as samtools rmdup and WisecondorX do: a single-end read
// is a duplicate of an earlier one with the same (reference, start,
// strand); a pair (decided at its first mate) of an earlier pair with the
// same (reference, start, mate start, strand). Only the keys at the current
// start position are kept, so memory does not grow with the file.
type posDedup struct {
	refs     []genome.Contig
	ref, pos int32
	keys     []uint64
	set      map[uint64]struct{}
	last     uint64 // sort key of the previous record
	lastRef  int32
	lastPos  int32
}

// setThreshold: beyond this many distinct keys at one position (deep
// pile-ups, e.g. chrM) a map replaces the linear scan.
const setThreshold = 32

func newPosDedup(refs []genome.Contig) *posDedup {
	return &posDedup{refs: refs, ref: -1, pos: -1, lastRef: -1, lastPos: -1}
}

// checkSorted verifies the samtools sort order: by reference index, then
// position, with unplaced records (RefID -1) last.
func (d *posDedup) checkSorted(r *bam.Record, n int64) error {
	ref := uint64(r.RefID)
	if r.RefID < 0 {
		ref = math.MaxInt32
	}
	k := ref<<32 | uint64(uint32(r.Pos+1))
	if k < d.last {
		return fmt.Errorf("%w: record %d at %s comes after %s (sort it with samtools sort, or count with --dedup flag or --dedup none, which need no sorting)",
			ErrUnsorted, n, d.where(r.RefID, r.Pos), d.where(d.lastRef, d.lastPos))
	}
	d.last, d.lastRef, d.lastPos = k, r.RefID, r.Pos
	return nil
}

func (d *posDedup) where(ref, pos int32) string {
	if ref < 0 || int(ref) >= len(d.refs) {
		return "an unplaced record"
	}
	return fmt.Sprintf("%s:%d", d.refs[ref].Name, pos+1)
}

// duplicate reports whether r repeats the key of an earlier record at the
// same start, and remembers r's key otherwise.
func (d *posDedup) duplicate(r *bam.Record) bool {
	if r.RefID != d.ref || r.Pos != d.pos {
		d.ref, d.pos = r.RefID, r.Pos
		d.keys = d.keys[:0]
		d.set = nil
	}
	var k uint64
	if r.Flag&bam.FlagReverse != 0 {
		k = 1
	}
	if r.Flag&bam.FlagPaired != 0 {
		k |= 2 | uint64(uint32(r.NextPos))<<2
	}
	if d.set != nil {
		if _, ok := d.set[k]; ok {
			return true
		}
		d.set[k] = struct{}{}
		return false
	}
	for _, x := range d.keys {
		if x == k {
			return true
		}
	}
	d.keys = append(d.keys, k)
	if len(d.keys) > setThreshold {
		d.set = make(map[uint64]struct{}, 2*setThreshold)
		for _, x := range d.keys {
			d.set[x] = struct{}{}
		}
	}
	return false
}
