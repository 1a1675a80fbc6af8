//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// errStopped ends a read that ctx cancelled.
var errStopped = errors.New("input closed: stopping")

// cancellableFile reads a file (a terminal or a pipe) until ctx is done:
// each Read polls the file and a wake-up pipe, so a read blocked on a
// silent terminal returns errStopped when ctx is cancelled, rather than
// holding the program until a key is pressed. Close it to release the
// pipe and the watch on ctx.
type cancellableFile struct {
	fd     int
	wake   [2]int // read end, write end
	unwait func() bool
}

func newCancellableFile(ctx context.Context, f *os.File) (*cancellableFile, error) {
	c := &cancellableFile{fd: int(f.Fd())}
	if err := unix.Pipe2(c.wake[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	c.unwait = context.AfterFunc(ctx, func() { _, _ = unix.Write(c.wake[1], []byte{0}) })
	return c, nil
}

// Read reads from the file; it returns errStopped once ctx is done.
func (c *cancellableFile) Read(p []byte) (int, error) {
	for {
		fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}, {Fd: int32(c.wake[0]), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return 0, err
		}
		if fds[1].Revents != 0 {
			return 0, errStopped
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(c.fd, p)
		switch {
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close stops watching ctx and closes the wake-up pipe; the file stays
// open.
func (c *cancellableFile) Close() error {
	c.unwait()
	return errors.Join(unix.Close(c.wake[0]), unix.Close(c.wake[1]))
}
