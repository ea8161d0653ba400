//go:build !unix

package annotation

import (
	"io"
	"os"
)

// mapFile reads the whole file into memory where mmap is unavailable.
func mapFile(f *os.File) ([]byte, func(), error) {
	data, err := io.ReadAll(f)
	return data, func() {}, err
}
