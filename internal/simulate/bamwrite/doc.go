// Package bamwrite writes coordinate-sorted BAM files and their BAI index
// fast, for the simulator.
//
// Records are encoded straight into the current BGZF block buffer (no
// per-record allocation), full blocks are deflated by a pool of goroutines
// (compress/flate, level chosen by the caller; BestSpeed by default) and
// written in order, and the BAI index is built on the fly from the virtual
// offsets of the records (small bins folded into their parents as htslib
// does, which keeps the index small). The caller must supply records in coordinate order
// (reference ID, then position; unplaced unmapped records last).
//
// Formats follow the SAM/BAM specification (SAMv1, hts-specs, section 4:
// BGZF blocks, BAM records, reg2bin, and 5.2: the BAI index with its 16 kb
// linear index and the pseudo-bin 37450 holding per-reference mapped and
// unmapped counts, which samtools idxstats reads).
package bamwrite
