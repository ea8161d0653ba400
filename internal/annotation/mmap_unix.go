//go:build unix

package annotation

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the whole file read-only into memory. The returned function
// unmaps it.
func mapFile(f *os.File) ([]byte, func(), error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() == 0 {
		return nil, func() {}, nil
	}
	if int64(int(st.Size())) != st.Size() {
		return nil, nil, fmt.Errorf("file of %d bytes too large to map", st.Size())
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("memory-mapping: %w", err)
	}
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL) // a hint; failure is harmless
	return data, func() { unix.Munmap(data) }, nil
}
