package vouchers_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"smspark/vouchers"
)

func TestAlphabet(t *testing.T) {
	if len(vouchers.Alphabet) != 31 {
		t.Errorf("len(Alphabet) = %d, want 31", len(vouchers.Alphabet))
	}
	for _, c := range "01OIL" {
		if strings.ContainsRune(vouchers.Alphabet, c) {
			t.Errorf("Alphabet holds look-alike %c", c)
		}
	}
}

// tester is what checkCode needs of testing.TB and *rapid.T.
type tester interface {
	Helper()
	Fatalf(format string, args ...any)
}

func checkCode(t tester, code, prefix string) {
	t.Helper()
	if len(code) != vouchers.CodeLength {
		t.Fatalf("code %q: length %d, want %d", code, len(code), vouchers.CodeLength)
	}
	if !strings.HasPrefix(code, prefix) {
		t.Fatalf("code %q does not start with %q", code, prefix)
	}
	for _, c := range code[len(prefix):] {
		if !strings.ContainsRune(vouchers.Alphabet, c) {
			t.Fatalf("code %q: %c not in the alphabet", code, c)
		}
	}
}

func TestNewCodeUnique(t *testing.T) {
	r := rand.NewChaCha8([32]byte{7})
	seen := make(map[string]bool, 100_000)
	for range 100_000 {
		code, err := vouchers.NewCode(r, "BLA")
		if err != nil {
			t.Fatal(err)
		}
		checkCode(t, code, "BLA")
		if seen[code] {
			t.Fatalf("code %s drawn twice", code)
		}
		seen[code] = true
	}
}

// cycle yields the bytes 0..255 over and over.
type cycle struct{ next byte }

func (c *cycle) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.next
		c.next++
	}
	return len(p), nil
}

// TestNewCodeNoModuloBias feeds every byte value equally often: every
// character of the alphabet must come out equally often.
func TestNewCodeNoModuloBias(t *testing.T) {
	counts := map[rune]int{}
	r := &cycle{}
	for range 248 { // 9 random characters per "BL" code: 9 cycles of 248 usable bytes
		code, err := vouchers.NewCode(r, "BL")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range code[2:] {
			counts[c]++
		}
	}
	for _, c := range vouchers.Alphabet {
		if counts[c] != 9*8 {
			t.Errorf("character %c drawn %d times, want %d", c, counts[c], 9*8)
		}
	}
}

func TestNewCodeErrors(t *testing.T) {
	good := rand.NewChaCha8([32]byte{})
	for _, tc := range []struct {
		name   string
		r      io.Reader
		prefix string
		want   error
	}{
		{"empty prefix", good, "", vouchers.ErrBadPrefix},
		{"one letter", good, "B", vouchers.ErrBadPrefix},
		{"six letters", good, "BLANKE", vouchers.ErrBadPrefix},
		{"lower case", good, "bla", vouchers.ErrBadPrefix},
		{"digit", good, "BL4", vouchers.ErrBadPrefix},
		{"Q first", good, "QBA", vouchers.ErrBadPrefix},
		{"accent", good, "BLÉ", vouchers.ErrBadPrefix},
		{"nil reader", nil, "BLA", vouchers.ErrRandom},
		{"short reader", bytes.NewReader([]byte{1, 2, 3}), "BLA", vouchers.ErrRandom},
		{"only rejected bytes", bytes.NewReader(bytes.Repeat([]byte{0xFF}, 10_000)), "BLA", vouchers.ErrRandom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := vouchers.NewCode(tc.r, tc.prefix)
			if !errors.Is(err, tc.want) {
				t.Fatalf("NewCode(%q) = %q, %v; want %v", tc.prefix, code, err, tc.want)
			}
		})
	}
}

func TestNewCodeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.StringMatching(`[A-PR-Z][A-Z]{1,4}`).Draw(t, "prefix")
		var seed [32]byte
		copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "seed"))
		code, err := vouchers.NewCode(rand.NewChaCha8(seed), prefix)
		if err != nil {
			t.Fatalf("NewCode(%q): %v", prefix, err)
		}
		checkCode(t, code, prefix)
		if vouchers.NormalizeCode(" "+strings.ToLower(code)+" ") != code {
			t.Fatalf("NormalizeCode does not give %s back", code)
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.String().Draw(t, "prefix")
		_, err := vouchers.NewCode(rand.NewChaCha8([32]byte{2}), prefix)
		valid := len(prefix) >= 2 && len(prefix) <= 5 && prefix[0] != 'Q' &&
			strings.Trim(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
		if valid != (err == nil) {
			t.Fatalf("NewCode(%q): %v", prefix, err)
		}
		if err != nil && !errors.Is(err, vouchers.ErrBadPrefix) {
			t.Fatalf("NewCode(%q): %v, want ErrBadPrefix", prefix, err)
		}
	})
}
