package gsm_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
	"smspark/gsm"
)

func TestDecodeLatin1(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"ascii", []byte("Q 1ABC123"), "Q 1ABC123"},
		{"accents", []byte{0xE7, 'a', ' ', 0xEA}, "ça ê"},
		{"top of range", []byte{0xFF, 0xA0, 0x80}, "ÿ\u00a0\u0080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gsm.DecodeLatin1(tt.in); got != tt.want {
				t.Errorf("DecodeLatin1(% X) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUCS2(t *testing.T) {
	tests := []struct {
		name string
		text string
		enc  []byte
	}{
		{"empty", "", []byte{}},
		{"ascii", "Q", []byte{0x00, 'Q'}},
		{"euro", "€", []byte{0x20, 0xAC}},
		{"c cedilla", "ç", []byte{0x00, 0xE7}},
		{"emoji is a surrogate pair", "😀", []byte{0xD8, 0x3D, 0xDE, 0x00}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gsm.EncodeUCS2(tt.text); !bytes.Equal(got, tt.enc) {
				t.Errorf("EncodeUCS2(%q) = % X, want % X", tt.text, got, tt.enc)
			}
			got, err := gsm.DecodeUCS2(tt.enc)
			if err != nil || got != tt.text {
				t.Errorf("DecodeUCS2(% X) = %q, %v; want %q", tt.enc, got, err, tt.text)
			}
			if u := gsm.Units(tt.text); u != len(tt.enc)/2 {
				t.Errorf("Units(%q) = %d, want %d", tt.text, u, len(tt.enc)/2)
			}
		})
	}
}

func TestDecodeUCS2Bad(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"unpaired high surrogate", []byte{0xD8, 0x3D, 0x00, 'A'}, "\uFFFDA"},
		{"lone low surrogate", []byte{0xDE, 0x00}, "\uFFFD"},
		{"high surrogate at the end", []byte{0x00, 'A', 0xD8, 0x3D}, "A\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gsm.DecodeUCS2(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("DecodeUCS2(% X) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	t.Run("odd length", func(t *testing.T) {
		if _, err := gsm.DecodeUCS2([]byte{0x00, 'A', 0x00}); !errors.Is(err, gsm.ErrOddLength) {
			t.Errorf("DecodeUCS2 of 3 bytes: %v, want ErrOddLength", err)
		}
	})
}

func TestEncodeUCS2InvalidUTF8(t *testing.T) {
	got := gsm.EncodeUCS2("a\xffb")
	want := []byte{0x00, 'a', 0xFF, 0xFD, 0x00, 'b'}
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeUCS2 = % X, want % X", got, want)
	}
}

func TestPropertyUCS2RoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		if !utf8.ValidString(s) {
			t.Skip("not valid UTF-8")
		}
		b := gsm.EncodeUCS2(s)
		if len(b) != 2*gsm.Units(s) {
			t.Fatalf("EncodeUCS2(%q) is %d bytes, Units says %d", s, len(b), gsm.Units(s))
		}
		got, err := gsm.DecodeUCS2(b)
		if err != nil || got != s {
			t.Fatalf("DecodeUCS2(EncodeUCS2(%q)) = %q, %v", s, got, err)
		}
	})
}

func FuzzDecodeUCS2(f *testing.F) {
	f.Add([]byte{0x00, 'Q'})
	f.Add([]byte{0xD8, 0x3D, 0xDE, 0x00})
	f.Add([]byte{0xD8, 0x3D})
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := gsm.DecodeUCS2(b)
		if len(b)%2 != 0 {
			if !errors.Is(err, gsm.ErrOddLength) {
				t.Fatalf("DecodeUCS2(% X): %v, want ErrOddLength", b, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("DecodeUCS2(% X): %v", b, err)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("DecodeUCS2(% X) = %q: invalid UTF-8", b, s)
		}
		if gsm.Units(s) != len(b)/2 {
			t.Fatalf("DecodeUCS2(% X) = %q: %d units, want %d", b, s, gsm.Units(s), len(b)/2)
		}
	})
}
