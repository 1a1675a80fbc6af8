package gsm_test

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"
	"smspark/gsm"
)

func TestPack(t *testing.T) {
	tests := []struct {
		name    string
		septets []byte
		fill    int
		want    []byte
	}{
		{"empty", nil, 0, []byte{}},
		{"one", []byte{'A'}, 0, []byte{0x41}},
		{"hellohello", []byte("hellohello"), 0, []byte{0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}},
		{"eight septets fill seven octets", []byte("12345678"), 0, []byte{0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x70}},
		// After a 6-octet UDH one fill bit aligns the septets.
		{"one fill bit", []byte("hi"), 1, []byte{0xD0, 0x69}},
		{"high bit ignored", []byte{0xC1}, 0, []byte{0x41}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gsm.PackFill(tt.septets, tt.fill)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("PackFill(% X, %d) = % X, want % X", tt.septets, tt.fill, got, tt.want)
			}
			if tt.fill == 0 && !bytes.Equal(gsm.Pack(tt.septets), tt.want) {
				t.Errorf("Pack(% X) differs from PackFill(..., 0)", tt.septets)
			}
		})
	}
}

func TestUnpack(t *testing.T) {
	hello := []byte{0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}
	tests := []struct {
		name string
		b    []byte
		fill int
		n    int
		want []byte
	}{
		{"hellohello", hello, 0, 10, []byte("hellohello")},
		{"fewer", hello, 0, 5, []byte("hello")},
		{"clamped to what the bytes hold", hello, 0, 99, []byte("hellohello")},
		{"negative count", hello, 0, -1, []byte{}},
		{"empty input", nil, 0, 3, []byte{}},
		{"fill bit", []byte{0xD0, 0x69}, 1, 2, []byte("hi")},
		{"fill larger than input", []byte{0xFF}, 6, 5, []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gsm.UnpackFill(tt.b, tt.fill, tt.n)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("UnpackFill(% X, %d, %d) = % X, want % X", tt.b, tt.fill, tt.n, got, tt.want)
			}
		})
	}
}

func TestPropertyPackUnpack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		septets := rapid.SliceOfN(rapid.ByteRange(0, 0x7F), 0, 300).Draw(t, "septets")
		fill := rapid.IntRange(0, 6).Draw(t, "fill")
		packed := gsm.PackFill(septets, fill)
		if want := (fill + 7*len(septets) + 7) / 8; len(packed) != want {
			t.Fatalf("packed %d septets with %d fill bits into %d octets, want %d", len(septets), fill, len(packed), want)
		}
		got := gsm.UnpackFill(packed, fill, len(septets))
		if !bytes.Equal(got, septets) {
			t.Fatalf("UnpackFill(PackFill(% X)) = % X", septets, got)
		}
	})
}
