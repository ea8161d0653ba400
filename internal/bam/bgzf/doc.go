// Package bgzf reads BGZF files (the blocked gzip container of BAM, bgzipped
// SAM and nipt counts files) with parallel inflation.
//
// BGZF is specified in section 4.1 of the SAM/BAM format specification
// (samtools.github.io/hts-specs/SAMv1.pdf): a series of gzip members (RFC
// 1952), each at most 64 KiB compressed and uncompressed, whose gzip "extra"
// field carries a "BC" subfield with the member's total size. Because every
// member's size is known from its header, a single goroutine can split the
// stream into members cheaply while a pool of goroutines inflates them (RFC
// 1951 DEFLATE) in parallel; Reader hands the inflated blocks back in file
// order. A well-formed file ends with an empty member, the EOF marker; a file
// without it, or one that ends inside a member, is reported as truncated.
//
// Three inflaters implement RFC 1951: nipt's own pure-Go decoder
// (NewFastInflater, the default), which exploits that a BGZF member is a
// complete DEFLATE stream of at most 64 KiB (the output buffer is the whole
// window, 64-bit refills, two-level Huffman tables) and runs about twice as
// fast as compress/flate; compress/flate itself (NewGoInflater, the
// reference in tests); and libdeflate through cgo when built with
// "-tags libdeflate" (Debian package libdeflate-dev), about twice as fast
// again. docs/counting.md has the measurements.
package bgzf
