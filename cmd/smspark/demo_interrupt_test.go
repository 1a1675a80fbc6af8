//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// expect reads r until what it read contains want, and returns it all.
func expect(t *testing.T, r io.Reader, got *bytes.Buffer, want string) {
	t.Helper()
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), want) {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("waiting for %q: %v; got:\n%s", want, err, got.String())
		}
	}
}

// TestDemoInterrupt: Ctrl-C ends the demo at once and cleanly, from a
// pipe and from a terminal.
func TestDemoInterrupt(t *testing.T) {
	bin := buildBinary(t)
	t.Run("piped", func(t *testing.T) { demoInterruptPiped(t, bin) })
	t.Run("terminal", func(t *testing.T) { demoCtrlCTerminal(t, bin) })
}

// demoInterruptPiped: SIGINT (Ctrl-C, or make's interrupt) while the
// phone waits on a silent pipe ends the demo at once, cleanly: exit 0,
// the engine unbinds before the simulators close (no "unbind not
// answered"), and nothing is sent as an SMS.
func demoInterruptPiped(t *testing.T, bin string) {
	cmd := exec.Command(bin, "demo")
	stdin, err := cmd.StdinPipe() // kept open: the phone blocks reading it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	expect(t, stdout, &out, "engine bound over SMPP")
	if _, err := io.WriteString(stdin, "/from 0476 12 34 56 base\n1021 1ABC123\n"); err != nil {
		t.Fatal(err)
	}
	expect(t, stdout, &out, "+32476123456 → 4411: 1021 1ABC123\n4411 → you: ")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stdout)
	out.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("demo after SIGINT: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), stderr.String())
	}
	for _, bad := range []string{"unbind not answered", "sending the SMS", "→ 4411: \n"} {
		if strings.Contains(stderr.String()+out.String(), bad) {
			t.Errorf("demo printed %q:\nstdout:\n%s\nstderr:\n%s", bad, out.String(), stderr.String())
		}
	}
}

// demoCtrlCTerminal: on a terminal the phone reads keys in raw mode,
// so Ctrl-C is a key that ends the demo with exit 0 (make demo then sees
// no interrupt and no error), and the terminal is restored.
func demoCtrlCTerminal(t *testing.T, bin string) {
	master, slave := openPTY(t)
	cmd := exec.Command(bin, "demo")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	expect(t, master, &out, "+32475000001 (proximus) > ")
	if _, err := io.WriteString(master, "/from 0476 12 34 56 base\r"); err != nil {
		t.Fatal(err)
	}
	expect(t, master, &out, "+32476123456 (base) > ")
	if _, err := io.WriteString(master, "1021 1ABC123\r"); err != nil {
		t.Fatal(err)
	}
	expect(t, master, &out, "4411 → you: ")
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&unix.ICANON != 0 {
		t.Fatal("the phone's terminal is not in raw mode")
	}
	if _, err := master.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("demo after Ctrl-C: %v\n%s", err, out.String())
	}
	after, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag&unix.ICANON == 0 {
		t.Error("the terminal was left in raw mode")
	}
	slave.Close()
	rest, _ := io.ReadAll(master) // EIO once the slave is closed
	out.Write(rest)
	if strings.Contains(out.String(), "unbind not answered") {
		t.Errorf("demo warned on Ctrl-C:\n%s", out.String())
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}
