// Package counts reads and writes nipt counts files: the per-bin read counts
// of one sample, with a self-describing header.
//
// A counts file is a NumPy .npz archive (an uncompressed zip of .npy arrays,
// as numpy.savez writes), so Python reads it with numpy alone and R with
// RcppCNPy or reticulate, while nipt loads one in about a millisecond (1,000
// samples at 10 kb bins in seconds). Members:
//
//	header.npy         0-d unicode string: the JSON Header (format, version,
//	                   tool and command line, build and contigs, bin size,
//	                   input name/size/SHA-256, filters, QC block)
//	chrom_offsets.npy  int64[25]: index of the first bin of chr1..chr22, chrX,
//	                   chrY, then the total number of bins
//	reads.npy          uint32[bins]: reads (single-end) or fragments (paired-end)
//	short.npy          uint32[bins]: fragments shorter than
//	                   Header.Filters.ShortFragmentMax (paired-end only)
//
// Bin i of chromosome c covers [i*bin_size, (i+1)*bin_size), the last bin
// clipped at the chromosome end. Every member carries a CRC-32 that is
// checked on reading. "nipt counts show" prints a counts file as TSV. The
// full specification is docs/format-counts.md.
package counts
