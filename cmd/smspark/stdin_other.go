//go:build !unix

package main

import (
	"context"
	"errors"
	"io"
	"os"
)

// errStopped ends a read that ctx cancelled.
var errStopped = errors.New("input closed: stopping")

// cancellableFile is the file itself where poll(2) is missing: a read
// blocked on it ends with the process.
type cancellableFile struct{ io.Reader }

func newCancellableFile(_ context.Context, f *os.File) (*cancellableFile, error) {
	return &cancellableFile{f}, nil
}

func (c *cancellableFile) Close() error { return nil }
