package smsc

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"

	"smspark/gsm"
)

// parseConcat finds the concatenation of p (UDH with an 8- or 16-bit
// reference, or SAR TLVs) and sets text to the payload without UDH.
// Returns an error wrapping errBadConcat for a malformed or inconsistent
// header.
func (p *smPart) parseConcat() error {
	p.text = p.payload
	if p.esm&esmUDHI != 0 {
		b := p.payload
		if len(b) == 0 || len(b) < 1+int(b[0]) {
			return fmt.Errorf("%w: UDH longer than the message", errBadConcat)
		}
		end := 1 + int(b[0])
		for i := 1; i < end; {
			if i+2 > end || i+2+int(b[i+1]) > end {
				return fmt.Errorf("%w: truncated information element", errBadConcat)
			}
			iei, data := b[i], b[i+2:i+2+int(b[i+1])]
			switch {
			case iei == 0x00 && len(data) == 3:
				p.concat, p.refKind = true, "8"
				p.ref, p.total, p.seqInTotal = int(data[0]), int(data[1]), int(data[2])
			case iei == 0x08 && len(data) == 4:
				p.concat, p.refKind = true, "16"
				p.ref, p.total, p.seqInTotal = int(data[0])<<8|int(data[1]), int(data[2]), int(data[3])
			}
			i += 2 + len(data)
		}
		p.text = b[end:]
	} else if ref, ok := p.tlvs[tagSarMsgRefNum]; ok {
		tot, seq := p.tlvs[tagSarTotalSegments], p.tlvs[tagSarSegmentSeqnum]
		if len(ref) != 2 || len(tot) != 1 || len(seq) != 1 {
			return fmt.Errorf("%w: SAR TLVs incomplete", errBadConcat)
		}
		p.concat, p.refKind = true, "sar"
		p.ref, p.total, p.seqInTotal = int(binary.BigEndian.Uint16(ref)), int(tot[0]), int(seq[0])
	}
	if p.concat && (p.total == 0 || p.seqInTotal == 0 || p.seqInTotal > p.total) {
		return fmt.Errorf("%w: part %d of %d", errBadConcat, p.seqInTotal, p.total)
	}
	return nil
}

// checkText reports whether a part's text can be decoded on its own in
// its data coding; returns an error wrapping errBadCoding otherwise.
func checkText(dc byte, b []byte) error {
	switch dc {
	case codingGSM, codingIA5:
		for i, c := range b {
			if c > 0x7F {
				return fmt.Errorf("%w: data_coding %d, octet 0x%02X at %d is not a septet (raw UTF-8?)", errBadCoding, dc, c, i)
			}
		}
	case codingLatin1:
	case codingUCS2:
		if len(b)%2 != 0 {
			return fmt.Errorf("%w: UCS-2 text of %d octets", errBadCoding, len(b))
		}
	default:
		return fmt.Errorf("%w: data_coding 0x%02X", errBadCoding, dc)
	}
	return nil
}

// decodeText returns the text of b in data coding dc. Returns an error
// wrapping errBadCoding.
func decodeText(dc byte, b []byte) (string, error) {
	if err := checkText(dc, b); err != nil {
		return "", err
	}
	var (
		s   string
		err error
	)
	switch dc {
	case codingGSM:
		s, err = gsm.Decode(b)
	case codingIA5:
		s = string(b)
	case codingLatin1:
		s = gsm.DecodeLatin1(b)
	case codingUCS2:
		s, err = gsm.DecodeUCS2(b)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", errBadCoding, err)
	}
	return s, nil
}

// encodeMOText returns the data coding and the payload of each part of
// text: GSM 03.38 unpacked septets when it can, else UCS-2; split for a
// UDH with an 8-bit reference (or SAR) or, with ref16, a 16-bit one.
func encodeMOText(text string, ref16 bool) (byte, [][]byte, error) {
	var (
		dc    byte
		parts []string
	)
	if gsm.IsGSM(text) {
		dc = codingGSM
		if ref16 {
			parts = splitBy(text, gsm.MaxSeptets, gsm.MaxPartSeptets-1, func(r rune) int {
				n, _ := gsm.Septets(string(r))
				return n
			})
		} else {
			var err error
			if parts, err = gsm.SplitGSM(text); err != nil {
				return 0, nil, fmt.Errorf("split: %w", err)
			}
		}
	} else {
		dc = codingUCS2
		if ref16 {
			parts = splitBy(text, gsm.MaxUnits, gsm.MaxPartUnits-1, func(r rune) int {
				return max(1, utf16.RuneLen(r))
			})
		} else {
			parts = gsm.SplitUCS2(text)
		}
	}
	if len(parts) > 255 {
		return 0, nil, fmt.Errorf("%w: %d", errTooManyPart, len(parts))
	}
	out := make([][]byte, len(parts))
	for i, p := range parts {
		if dc == codingUCS2 {
			out[i] = gsm.EncodeUCS2(p)
			continue
		}
		b, err := gsm.Encode(p)
		if err != nil {
			return 0, nil, fmt.Errorf("encode: %w", err)
		}
		out[i] = b
	}
	return dc, out, nil
}

// splitBy returns s itself when it weighs at most single, else parts of
// at most limit, cut between runes.
func splitBy(s string, single, limit int, size func(rune) int) []string {
	total := 0
	for _, r := range s {
		total += size(r)
	}
	if total <= single {
		return []string{s}
	}
	var parts []string
	start, used := 0, 0
	for i, r := range s {
		w := size(r)
		if used+w > limit {
			parts = append(parts, s[start:i])
			start, used = i, 0
		}
		used += w
	}
	return append(parts, s[start:])
}

// udh8 and udh16 return a concatenation UDH (with its length octet).
func udh8(ref, total, seq int) []byte {
	return []byte{5, 0x00, 3, byte(ref), byte(total), byte(seq)}
}

func udh16(ref, total, seq int) []byte {
	return []byte{6, 0x08, 4, byte(ref >> 8), byte(ref), byte(total), byte(seq)}
}
