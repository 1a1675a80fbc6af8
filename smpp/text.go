package smpp

import (
	"errors"
	"fmt"
	"hash/fnv"

	"golang.org/x/text/encoding/charmap"

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

// ErrNotText is returned (wrapped) by DecodeText for a data coding that
// does not carry text smspark reads.
var ErrNotText = errors.New("smpp: data coding is not text")

// alphabet is how the octets of a short_message are text.
type alphabet int

// Alphabets; alphaNone is no text: 8-bit data, compressed, reserved, or an
// alphabet smspark does not read (JIS, pictograms, ISO-2022-JP, KS C 5601).
const (
	alphaNone alphabet = iota
	alphaGSM
	alphaIA5
	alphaLatin1
	alphaUCS2
	alphaCyrillic
	alphaHebrew
)

// alphabetOf reads a data_coding: 0x00–0x0F by SMPP 3.4 §5.2.19, the rest
// by the coding groups of GSM 03.38 §4: 00xx (0x00–0x3F; SMPP's own table
// for 0x00–0x0F) by its alphabet bits 3–2 unless compressed (bit 5);
// 0x40–0xBF reserved; 0xC0–0xDF message waiting, GSM; 0xE0–0xEF message
// waiting, UCS-2; 0xF0–0xFF data coding/message class: bit 2 says 8-bit
// data, bit 3 is reserved.
func alphabetOf(dc byte) alphabet {
	switch {
	case dc <= 0x0F:
		return smppAlphabets()[dc]
	case dc <= 0x3F:
		if dc&0x20 != 0 {
			return alphaNone // compressed
		}
		return generalAlphabet(dc)
	case dc <= 0xBF:
		return alphaNone // reserved
	case dc <= 0xDF:
		return alphaGSM
	case dc <= 0xEF:
		return alphaUCS2
	case dc&0x08 != 0, dc&0x04 != 0:
		return alphaNone // reserved bit, or 8-bit data
	default:
		return alphaGSM
	}
}

// smppAlphabets are the data codings 0x00–0x0F of SMPP 3.4 §5.2.19.
func smppAlphabets() [16]alphabet {
	return [16]alphabet{
		0x00: alphaGSM,      // SMSC default alphabet
		0x01: alphaIA5,      // IA5 (CCITT T.50)/ASCII
		0x02: alphaNone,     // octet unspecified (8-bit binary)
		0x03: alphaLatin1,   // Latin 1 (ISO-8859-1)
		0x04: alphaNone,     // octet unspecified (8-bit binary)
		0x05: alphaNone,     // JIS (X 0208-1990)
		0x06: alphaCyrillic, // Cyrillic (ISO-8859-5)
		0x07: alphaHebrew,   // Latin/Hebrew (ISO-8859-8)
		0x08: alphaUCS2,     // UCS-2 (ISO/IEC-10646)
		0x09: alphaNone,     // pictogram encoding
		0x0A: alphaNone,     // ISO-2022-JP (music codes)
		0x0B: alphaNone,     // reserved
		0x0C: alphaNone,     // reserved
		0x0D: alphaNone,     // extended Kanji JIS (X 0212-1990)
		0x0E: alphaNone,     // KS C 5601
		0x0F: alphaNone,     // reserved
	}
}

// generalAlphabet reads the alphabet bits 3–2 of GSM 03.38's general data
// coding group: default alphabet, 8-bit data, UCS-2, reserved.
func generalAlphabet(dc byte) alphabet {
	switch (dc >> 2) & 0x03 {
	case 0:
		return alphaGSM
	case 2:
		return alphaUCS2
	}
	return alphaNone
}

// DecodeText decodes the text of a short_message (user data header
// removed) by the alphabet its data coding gives (SMPP 3.4 §5.2.19 and
// GSM 03.38 §4, the message class ignored): GSM 03.38 unpacked septets,
// ASCII (Latin-1 should a byte be above 0x7F), Latin-1, UCS-2, Cyrillic
// (ISO-8859-5) or Hebrew (ISO-8859-8). It returns an error wrapping
// ErrNotText for a coding that is not text (8-bit data, compressed,
// reserved, alphabets smspark does not read), and one wrapping ErrBadText
// for GSM bytes above 0x7F and for UCS-2 of odd length.
func DecodeText(dataCoding byte, b []byte) (string, error) {
	switch alphabetOf(dataCoding) {
	case alphaGSM:
		s, err := gsm.Decode(b)
		if err != nil {
			return "", fmt.Errorf("%w: data coding %#x: %w", ErrBadText, dataCoding, err)
		}
		return s, nil
	case alphaIA5:
		for _, c := range b {
			if c >= 0x80 {
				return gsm.DecodeLatin1(b), nil
			}
		}
		return string(b), nil
	case alphaLatin1:
		return gsm.DecodeLatin1(b), nil
	case alphaUCS2:
		s, err := gsm.DecodeUCS2(b)
		if err != nil {
			return "", fmt.Errorf("%w: data coding %#x: %w", ErrBadText, dataCoding, err)
		}
		return s, nil
	case alphaCyrillic:
		return decodeCharmap(charmap.ISO8859_5, dataCoding, b)
	case alphaHebrew:
		return decodeCharmap(charmap.ISO8859_8, dataCoding, b)
	default:
		return "", fmt.Errorf("%w: data coding %#x", ErrNotText, dataCoding)
	}
}

// decodeCharmap decodes single-byte text of cm.
func decodeCharmap(cm *charmap.Charmap, dataCoding byte, b []byte) (string, error) {
	out, err := cm.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%w: data coding %#x: %w", ErrBadText, dataCoding, err)
	}
	return string(out), nil
}
