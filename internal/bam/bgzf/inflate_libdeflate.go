//go:build libdeflate && cgo

package bgzf

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// InflaterName names the default inflater of this build.
const InflaterName = "libdeflate"

// NewInflater returns the default inflater of this build: libdeflate.
func NewInflater() Inflater { return NewLibdeflateInflater() }

// NewLibdeflateInflater returns an inflater backed by libdeflate (cgo).
func NewLibdeflateInflater() Inflater {
	d := &libdeflateInflater{d: C.libdeflate_alloc_decompressor()}
	runtime.AddCleanup(d, func(p *C.struct_libdeflate_decompressor) { C.libdeflate_free_decompressor(p) }, d.d)
	return d
}

type libdeflateInflater struct {
	d *C.struct_libdeflate_decompressor
}

func (l *libdeflateInflater) Inflate(dst, src []byte) error {
	if l.d == nil {
		return fmt.Errorf("bgzf: libdeflate could not allocate a decompressor")
	}
	if len(src) == 0 {
		return fmt.Errorf("%w: empty DEFLATE data", ErrCorrupt)
	}
	var dp unsafe.Pointer
	if len(dst) > 0 {
		dp = unsafe.Pointer(&dst[0])
	} else {
		var zero [1]byte
		dp = unsafe.Pointer(&zero[0])
	}
	// A nil actual_out_nbytes_ret asks libdeflate to fail unless the output
	// is exactly len(dst) bytes.
	r := C.libdeflate_deflate_decompress(l.d, unsafe.Pointer(&src[0]), C.size_t(len(src)), dp, C.size_t(len(dst)), nil)
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	if r != C.LIBDEFLATE_SUCCESS {
		return fmt.Errorf("%w: libdeflate result %d", ErrCorrupt, int(r))
	}
	return nil
}
