//go:build !libdeflate || !cgo

package bgzf

// InflaterName names the default inflater of this build.
const InflaterName = "nipt"

// NewInflater returns the default inflater of this build: nipt's pure-Go
// decoder (NewFastInflater); build with -tags libdeflate for libdeflate.
func NewInflater() Inflater { return NewFastInflater() }
