// Package counts reads and writes nipt counts files: the per-bin read counts
// of one sample, with a self-describing header.
//
// A counts file is a BGZF-compressed (so gzip-compatible) tab-separated text
// file. Lines starting with '#' form the header: the first is
// "#nipt-counts<TAB><format version>", the second is '#' followed by a
// one-line JSON object (Header) that records the tool, command line, genome
// build and contig lengths, bin size, filters, input file and checksum, and a
// QC block. Then comes a column header line and one row per bin of chr1–22, X,
// Y in order:
//
//	chrom  start  end  reads  [short]
//
// "short" (fragments shorter than Header.Filters.ShortFragmentMax) is present
// for paired-end samples only. The full specification is docs/formats.md.
//
// Python: pandas.read_csv(path, sep="\t", comment="#"); R:
// read.table(gzfile(path), header=TRUE, comment.char="#").
package counts
