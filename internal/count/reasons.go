package count

// reason is why a record was not counted. The order is the order in which
// the filters are applied: a record is counted under the first that
// applies.
type reason int

const (
	reasonUnmapped       reason = iota // FLAG 0x4
	reasonSecondary                    // FLAG 0x100
	reasonSupplementary                // FLAG 0x800
	reasonQCFail                       // FLAG 0x200
	reasonMate                         // second mate of a pair: the fragment is decided at the first
	reasonMateUnmapped                 // paired, mate unmapped (FLAG 0x8): fragment has no length
	reasonMateOtherChrom               // paired, mate on another reference: chimera, no length
	reasonImproperPair                 // --proper-pairs and FLAG 0x2 unset
	reasonLongFragment                 // |TLEN| > --max-fragment
	reasonLowMAPQ                      // MAPQ < --min-mapq
	reasonDuplicate                    // FLAG 0x400 (--dedup flag) or same position (--dedup position)
	reasonOtherContig                  // passed all filters but lies outside chr1–22, X, Y
	reasonOutOfRange                   // position beyond the chromosome end
	numReasons
)

// Reasons names the drop reasons as they appear in QC.Dropped.
var Reasons = [numReasons]string{
	"unmapped", "secondary", "supplementary", "qcfail", "mate", "mate_unmapped",
	"mate_other_chrom", "improper_pair", "long_fragment", "low_mapq", "duplicate",
	"other_contig", "out_of_range",
}
