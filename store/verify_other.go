//go:build !unix

package store

import (
	"io"
	"os"
)

// mapFile reads f into memory (no mmap on this platform).
func mapFile(f *os.File) (fileMap, error) {
	data, err := io.ReadAll(f)
	return fileMap{data: data, close: func() error { return nil }}, err
}
