package gsm

// Pack packs septets into octets, 7 bits each, least significant bit first,
// as GSM 03.38 packs an SMS's user data. Only the low 7 bits of each septet
// are used. The spare bits of the last octet are zero; the receiver needs the
// septet count (as SMPP's sm_length or TP-UDL gives it) to tell them from
// an '@'.
func Pack(septets []byte) []byte { return PackFill(septets, 0) }

// PackFill packs septets as Pack does, after fill zero bits (0 to 6; other
// values are taken modulo 7): the fill bits that align the septets on a
// septet boundary after a user data header. For a header of h octets
// (its length octet included) fill is (7 - (h*8)%7) % 7.
func PackFill(septets []byte, fill int) []byte {
	fill = norm(fill)
	bits := fill + 7*len(septets)
	out := make([]byte, (bits+7)/8)
	bit := fill
	for _, s := range septets {
		v := uint16(s&0x7F) << (bit % 8)
		out[bit/8] |= byte(v)
		if bit%8 > 1 {
			out[bit/8+1] |= byte(v >> 8)
		}
		bit += 7
	}
	return out
}

// Unpack returns the first n septets packed in b, one byte each. n is
// clamped to what b holds: at most len(b)*8/7 septets, none if n < 0.
func Unpack(b []byte, n int) []byte { return UnpackFill(b, 0, n) }

// UnpackFill returns the first n septets packed in b after fill bits (0 to
// 6; other values are taken modulo 7), as PackFill packs them. n is clamped
// to what b holds.
func UnpackFill(b []byte, fill, n int) []byte {
	fill = norm(fill)
	avail := 0
	if bits := len(b)*8 - fill; bits > 0 {
		avail = bits / 7
	}
	n = max(0, min(n, avail))
	out := make([]byte, n)
	bit := fill
	for i := range out {
		v := uint16(b[bit/8])
		if bit/8+1 < len(b) {
			v |= uint16(b[bit/8+1]) << 8
		}
		out[i] = byte(v>>(bit%8)) & 0x7F
		bit += 7
	}
	return out
}

// norm maps a fill bit count into 0..6.
func norm(fill int) int {
	fill %= 7
	if fill < 0 {
		fill += 7
	}
	return fill
}
