package smpp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"pgregory.net/rapid"

	"smspark/smpp"
)

func TestEncodeText(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		dc        byte
		parts     int
		esm       byte
		firstPart []byte
	}{
		{"GSM", "Q", smpp.CodingGSM, 1, 0, []byte{'Q'}},
		{"GSM extension", "€", smpp.CodingGSM, 1, 0, []byte{0x1B, 0x65}},
		{"160 septets in one", strings.Repeat("a", 160), smpp.CodingGSM, 1, 0, nil},
		{"161 septets in two", strings.Repeat("a", 161), smpp.CodingGSM, 2, smpp.ESMClassUDHI, nil},
		{"UCS-2, not UTF-8", "ą", smpp.CodingUCS2, 1, 0, []byte{0x01, 0x05}},
		{"70 units in one", strings.Repeat("ą", 70), smpp.CodingUCS2, 1, 0, nil},
		{"71 units in two", strings.Repeat("ą", 71), smpp.CodingUCS2, 2, smpp.ESMClassUDHI, nil},
		{"empty", "", smpp.CodingGSM, 1, 0, []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dc, parts, esm := smpp.EncodeText(tt.text)
			if dc != tt.dc || len(parts) != tt.parts || esm != tt.esm {
				t.Fatalf("dc %d, %d parts, esm %#x", dc, len(parts), esm)
			}
			if tt.firstPart != nil && string(parts[0]) != string(tt.firstPart) {
				t.Fatalf("part % x, want % x", parts[0], tt.firstPart)
			}
		})
	}
}

// TestTextOutsideGSMIsUCS2NotRawUTF8: go-smpp's GSM encoder sends the
// UTF-8 bytes of characters outside the alphabet. Here such a text is
// UCS-2 (UTF-16BE).
func TestTextOutsideGSMIsUCS2NotRawUTF8(t *testing.T) {
	dc, parts, _ := smpp.EncodeText("Zoë Łódź 😀")
	want := []byte{0, 'Z', 0, 'o', 0, 0xEB, 0, ' ', 0x01, 0x41, 0, 0xF3, 0, 'd', 0x01, 0x7A, 0, ' ', 0xD8, 0x3D, 0xDE, 0x00}
	if dc != smpp.CodingUCS2 || len(parts) != 1 || string(parts[0]) != string(want) {
		t.Fatalf("dc %d parts % x", dc, parts)
	}
}

// TestEncodeDecodeTextRoundTrip: whatever the text, its parts carry
// valid UDHs with one reference and join back to it.
func TestEncodeDecodeTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringN(0, 500, -1).Draw(t, "text")
		ref := rapid.Byte().Draw(t, "ref")
		dc, parts, esm := smpp.EncodeTextRef(s, ref)
		var joined []byte
		for i, p := range parts {
			if len(parts) > 1 {
				if esm != smpp.ESMClassUDHI || len(p) < 6 || p[0] != 5 || p[1] != 0 || p[2] != 3 ||
					p[3] != ref || int(p[4]) != len(parts) || int(p[5]) != i+1 {
					t.Fatalf("part %d: UDH % x", i+1, p[:min(6, len(p))])
				}
				p = p[6:]
			}
			if len(p) > 160 {
				t.Fatalf("part of %d octets", len(p))
			}
			joined = append(joined, p...)
		}
		got, err := smpp.DecodeText(dc, joined)
		if err != nil {
			t.Fatal(err)
		}
		if got != s {
			t.Fatalf("round trip %q → %q", s, got)
		}
	})
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		dc   byte
		in   []byte
		want string
		err  bool
	}{
		{"GSM", smpp.CodingGSM, []byte{0x00, 0x01, 0x1B, 0x65}, "@£€", false},
		{"GSM above 0x7F", smpp.CodingGSM, []byte{0x80}, "", true},
		{"IA5", smpp.CodingIA5, []byte("Q"), "Q", false},
		{"Latin-1", smpp.CodingLatin1, []byte{0xE9}, "é", false},
		{"UCS-2", smpp.CodingUCS2, []byte{0x00, 0xE9}, "é", false},
		{"UCS-2 odd", smpp.CodingUCS2, []byte{0x00}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := smpp.DecodeText(tt.dc, tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("got %q, %v", got, err)
			}
			if err != nil && !errors.Is(err, smpp.ErrBadText) {
				t.Fatalf("error %v does not wrap ErrBadText", err)
			}
		})
	}
}

func TestParseReceipt(t *testing.T) {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		text string
		want smpp.Receipt
		err  bool
	}{
		{"standard", "id:12345 sub:001 dlvrd:001 submit date:2407011200 done date:2407011201 stat:DELIVRD err:000 text:Parking",
			smpp.Receipt{MessageID: "12345", State: "DELIVRD", Delivered: true, Err: "000", Done: time.Date(2024, 7, 1, 12, 1, 0, 0, brussels)}, false},
		{"seconds, upper case keys", "ID:ab SUB:001 DLVRD:000 SUBMIT DATE:240701120000 DONE DATE:240701120130 STAT:undeliv ERR:034",
			smpp.Receipt{MessageID: "ab", State: "UNDELIV", Err: "034", Done: time.Date(2024, 7, 1, 12, 1, 30, 0, brussels)}, false},
		{"keys in the free text ignored", "id:7 stat:EXPIRED err:000 text:id:9 stat:DELIVRD",
			smpp.Receipt{MessageID: "7", State: "EXPIRED", Err: "000"}, false},
		{"bad date", "id:7 done date:99 stat:REJECTD", smpp.Receipt{MessageID: "7", State: "REJECTD"}, false},
		{"not a receipt", "1021 1ABC123", smpp.Receipt{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := smpp.ParseReceipt(tt.text)
			if tt.err {
				if !errors.Is(err, smpp.ErrNotReceipt) {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err != nil || !got.Done.Equal(tt.want.Done) {
				t.Fatalf("got %+v, %v", got, err)
			}
			got.Done, tt.want.Done = time.Time{}, time.Time{}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSMPPTime(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want time.Time
		err  error
	}{
		{"UTC+1 in quarters", "240115120000004+", time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC), nil},
		{"tenths and minus", "991231235959948-", time.Date(2100, 1, 1, 11, 59, 59, 900e6, time.UTC), nil},
		{"quarter-hour offset", "240701120000023+", time.Date(2024, 7, 1, 6, 15, 0, 0, time.UTC), nil},
		{"NULL", "", time.Time{}, nil},
		{"relative", "000001000000000R", time.Time{}, smpp.ErrRelativeTime},
		{"short", "2401151200", time.Time{}, smpp.ErrBadTime},
		{"offset beyond 12 h", "240115120000049+", time.Time{}, smpp.ErrBadTime},
		{"not a date", "240230120000004+", time.Time{}, smpp.ErrBadTime},
		{"letters", "24011512000000a+", time.Time{}, smpp.ErrBadTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := smpp.ParseSMPPTime(tt.s)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) || !got.Equal(tt.want) {
				t.Fatalf("got %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
			if tt.err == nil && smpp.FormatSMPPTime(got) != tt.s {
				t.Fatalf("formats back as %q", smpp.FormatSMPPTime(got))
			}
		})
	}
	brussels, _ := time.LoadLocation("Europe/Brussels")
	if got := smpp.FormatSMPPTime(time.Date(2024, 7, 1, 14, 0, 0, 0, brussels)); got != "240701140000008+" {
		t.Errorf("summer time in Brussels: %q", got)
	}
	odd := time.Date(2024, 7, 1, 14, 0, 0, 0, time.FixedZone("", 7*60))
	if got := smpp.FormatSMPPTime(odd); got != "240701135300000+" {
		t.Errorf("offset of 7 minutes: %q", got)
	}
}

// TestSMPPTimeRoundTrip: any time to the tenth, with an offset in
// quarters, survives formatting and parsing.
func TestSMPPTimeRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Years 2000–2099 wherever the offset puts the local time.
		sec := rapid.Int64Range(time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2099, 12, 30, 0, 0, 0, 0, time.UTC).Unix()).Draw(t, "sec")
		tenth := rapid.IntRange(0, 9).Draw(t, "tenth")
		q := rapid.IntRange(-48, 48).Draw(t, "quarters")
		in := time.Unix(sec, int64(tenth)*1e8).In(time.FixedZone("", q*15*60))
		out, err := smpp.ParseSMPPTime(smpp.FormatSMPPTime(in))
		if err != nil || !out.Equal(in) {
			t.Fatalf("%v → %q → %v, %v", in, smpp.FormatSMPPTime(in), out, err)
		}
	})
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&smpp.SubmitError{Status: 0x58, Temporary: true, Err: pdu.Status(0x58)}, true},
		{&smpp.SubmitError{Status: 0x0B, Err: pdu.Status(0x0B)}, false},
		{errors.Join(errors.New("outbox"), &smpp.SubmitError{Temporary: true, Err: smpp.ErrNoBind}), true},
		{smpp.ErrNoBind, false}, // not a SubmitError
		{nil, false},
	}
	for _, tt := range tests {
		if got := smpp.Temporary(tt.err); got != tt.want {
			t.Errorf("Temporary(%v) = %v", tt.err, got)
		}
	}
}

func TestNewClientValidates(t *testing.T) {
	good := smpp.SMSC{Name: "a", Operator: "op", Address: "127.0.0.1:2775"}
	h := handler{}
	tests := []struct {
		name string
		opts smpp.ClientOptions
	}{
		{"no SMSC", smpp.ClientOptions{Handler: h}},
		{"no handler", smpp.ClientOptions{SMSCs: []smpp.SMSC{good}}},
		{"no name", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{{Address: "x:1"}}}},
		{"no address", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{{Name: "a"}}}},
		{"name twice", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{good, good}}},
		{"bad mode", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{{Name: "a", Address: "x:1", BindMode: "receiver"}}}},
		{"negative window", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{{Name: "a", Address: "x:1", Window: -1}}}},
		{"min above max", smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{{Name: "a", Address: "x:1", ReconnectMin: time.Minute, ReconnectMax: time.Second}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := smpp.NewClient(tt.opts); !errors.Is(err, smpp.ErrInvalidOptions) {
				t.Fatalf("error %v", err)
			}
		})
	}
	c, err := smpp.NewClient(smpp.ClientOptions{Handler: h, SMSCs: []smpp.SMSC{good}})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Status()
	if len(st) != 1 || st[0].Kind != smpp.KindTransceiver || st[0].State != smpp.StateDown || st[0].Window != smpp.DefaultWindow {
		t.Fatalf("status %+v", st)
	}
}

// handler is a Handler that takes everything.
type handler struct{}

func (handler) HandleMO(context.Context, smpp.MO) error           { return nil }
func (handler) HandleReceipt(context.Context, smpp.Receipt) error { return nil }
