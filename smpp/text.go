package smpp

import (
	"errors"
	"fmt"
	"hash/fnv"
	"unicode/utf8"

	"smspark/gsm"
)

// Data coding schemes (SMPP 3.4 §5.2.19).
const (
	CodingGSM    byte = 0x00 // SMSC default alphabet: GSM 03.38, unpacked septets
	CodingIA5    byte = 0x01 // IA5 (ASCII)
	CodingLatin1 byte = 0x03 // ISO-8859-1
	CodingUCS2   byte = 0x08 // UCS-2 (UTF-16BE)
)

// ESMClassUDHI is the esm_class bit saying the short_message starts with a
// user data header.
const ESMClassUDHI byte = 0x40

// ErrBadText is returned (wrapped) by DecodeText for bytes that are not
// text in their data coding.
var ErrBadText = errors.New("smpp: undecodable text")

// EncodeText encodes an MT's text as submit_sm carries it: GSM 03.38
// unpacked septets (data coding 0) when every character is in the GSM
// alphabet, else UCS-2 (8). A text longer than one SMS is split into
// parts, each starting with a user data header with an 8-bit reference
// (esmClass 0x40); the reference is derived from the text. Use
// EncodeTextRef to choose it. It never fails: a text GSM cannot carry goes
// as UCS-2, never as raw UTF-8.
func EncodeText(s string) (dataCoding byte, parts [][]byte, esmClass byte) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return EncodeTextRef(s, byte(h.Sum32()))
}

// EncodeTextRef is EncodeText with the concatenation reference ref.
func EncodeTextRef(s string, ref byte) (dataCoding byte, parts [][]byte, esmClass byte) {
	texts, ucs2 := gsm.Split(s)
	if !ucs2 {
		if parts, err := encodeParts(texts, gsm.Encode, ref); err == nil {
			return CodingGSM, parts, udhi(parts)
		}
		// Split said the text is GSM; should Encode disagree, UCS-2
		// still carries it.
		texts = gsm.SplitUCS2(s)
	}
	ucs := func(t string) ([]byte, error) { return gsm.EncodeUCS2(t), nil }
	parts, _ = encodeParts(texts, ucs, ref) // ucs never fails
	return CodingUCS2, parts, udhi(parts)
}

// encodeParts encodes texts, the parts of one message, each behind a user
// data header when there are several.
func encodeParts(texts []string, enc func(string) ([]byte, error), ref byte) ([][]byte, error) {
	parts := make([][]byte, 0, len(texts))
	for i, t := range texts {
		b, err := enc(t)
		if err != nil {
			return nil, err
		}
		if len(texts) > 1 {
			udh := []byte{0x05, 0x00, 0x03, ref, byte(len(texts)), byte(i + 1)}
			b = append(udh, b...)
		}
		parts = append(parts, b)
	}
	return parts, nil
}

// udhi returns the esm_class of parts: ESMClassUDHI when they are several.
func udhi(parts [][]byte) byte {
	if len(parts) > 1 {
		return ESMClassUDHI
	}
	return 0
}

// DecodeText decodes the text of a short_message (user data header
// removed) by its data coding: 0 (and 0xF0–0xF3) as GSM 03.38 unpacked
// septets, 1 as ASCII (Latin-1 should a byte be above 0x7F), 3 as
// Latin-1, 8 as UCS-2; any other coding as UTF-8 when the bytes are valid
// UTF-8, else as Latin-1. It returns an error wrapping ErrBadText for GSM
// bytes above 0x7F and for UCS-2 of odd length.
func DecodeText(dataCoding byte, b []byte) (string, error) {
	switch {
	case dataCoding == CodingGSM || dataCoding&0xFC == 0xF0:
		s, err := gsm.Decode(b)
		if err != nil {
			return "", fmt.Errorf("%w: data coding %#x: %w", ErrBadText, dataCoding, err)
		}
		return s, nil
	case dataCoding == CodingIA5:
		for _, c := range b {
			if c >= 0x80 {
				return gsm.DecodeLatin1(b), nil
			}
		}
		return string(b), nil
	case dataCoding == CodingLatin1:
		return gsm.DecodeLatin1(b), nil
	case dataCoding == CodingUCS2:
		s, err := gsm.DecodeUCS2(b)
		if err != nil {
			return "", fmt.Errorf("%w: data coding %#x: %w", ErrBadText, dataCoding, err)
		}
		return s, nil
	default:
		if utf8.Valid(b) {
			return string(b), nil
		}
		return gsm.DecodeLatin1(b), nil
	}
}
