//go:build unix

package store

import (
	"os"
	"syscall"
)

// mapFile maps f read-only; an empty file maps to no bytes.
func mapFile(f *os.File) (fileMap, error) {
	info, err := f.Stat()
	if err != nil {
		return fileMap{}, err
	}
	if info.Size() == 0 {
		return fileMap{close: func() error { return nil }}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fileMap{}, err
	}
	return fileMap{data: data, close: func() error { return syscall.Munmap(data) }}, nil
}
