package smsc_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"smspark/gsm"
	"smspark/smpp/smsc"
)

func TestMTDecoding(t *testing.T) {
	s := startServer(t, smsc.Options{})
	e := bound(t, s, pdu.BindTransceiverID)
	ucs2 := "Stationnement 1ABC123 démarré à 10:00 — zone 1021 Louise, fin au plus tard 14:30. Tarif € 2,50/h. Arrêt: envoyez Q. Ł"
	gsmLong := strings.Repeat("Parking 1ABC123 zone 8370 {max 10h} ", 6)

	split := func(text string) (byte, [][]byte) {
		if gsm.IsGSM(text) {
			parts, err := gsm.SplitGSM(text)
			if err != nil {
				t.Fatal(err)
			}
			out := make([][]byte, len(parts))
			for i, p := range parts {
				if out[i], err = gsm.Encode(p); err != nil {
					t.Fatal(err)
				}
			}
			return 0, out
		}
		parts := gsm.SplitUCS2(text)
		out := make([][]byte, len(parts))
		for i, p := range parts {
			out[i] = gsm.EncodeUCS2(p)
		}
		return 8, out
	}
	tests := []struct {
		name    string
		text    string
		kind    string
		reverse bool
	}{
		{"long ucs2 udh8", ucs2, "8", false},
		{"long ucs2 udh8 out of order", ucs2, "8", true},
		{"long gsm udh16", gsmLong, "16", false},
		{"long gsm sar", gsmLong, "sar", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			ctx := testCtx(t)
			dc, parts := split(tt.text)
			if len(parts) < 2 {
				t.Fatalf("%d parts", len(parts))
			}
			order := make([]int, len(parts))
			for j := range order {
				order[j] = j
				if tt.reverse {
					order[j] = len(parts) - 1 - j
				}
			}
			to := fmt.Sprintf("3247500010%d", i)
			ids := map[string]bool{}
			for _, j := range order {
				var (
					esm  byte
					sm   = parts[j]
					tlvs pdutlv.Fields
				)
				ref, total, seq := 40+i, len(parts), j+1
				switch tt.kind {
				case "8":
					esm, sm = 0x40, append([]byte{5, 0, 3, byte(ref), byte(total), byte(seq)}, sm...)
				case "16":
					esm, sm = 0x40, append([]byte{6, 8, 4, 1, byte(ref), byte(total), byte(seq)}, sm...)
				case "sar":
					tlvs = pdutlv.Fields{
						pdutlv.TagSarMsgRefNum:     []byte{0, byte(ref)},
						pdutlv.TagSarTotalSegments: uint8(total),
						pdutlv.TagSarSegmentSeqnum: uint8(seq),
					}
				}
				e.submit("4411", to, dc, esm, 1, sm, tlvs)
				r := e.expect(pdu.SubmitSMRespID)
				if r.status != smsc.StatusOK {
					t.Fatalf("part %d: %s", seq, r.status)
				}
				ids[cstr(r.raw[16:])] = true
			}
			mt, err := s.WaitMT(ctx, "+"+to)
			if err != nil {
				t.Fatal(err)
			}
			if mt.Text != tt.text || mt.Parts != len(parts) || len(mt.MessageIDs) != len(parts) || mt.DataCoding != dc {
				t.Errorf("MT = %+v\nwant text %q", mt, tt.text)
			}
			for _, id := range mt.MessageIDs {
				if !ids[id] {
					t.Errorf("message id %q not given in a resp (%v)", id, ids)
				}
			}
			// Receipts, one per part, each for its own id.
			for range parts {
				f := e.expect(pdu.DeliverSMID)
				m, err := parseDeliverSM(f.raw)
				if err != nil {
					t.Fatal(err)
				}
				id := strings.TrimSuffix(string(m.tlvs[0x001E]), "\x00")
				if !ids[id] {
					t.Errorf("receipt for %q", id)
				}
				delete(ids, id)
				e.respond(f, smsc.StatusOK)
			}
		})
	}

	t.Run("data_sm", func(t *testing.T) {
		e.t = t
		ctx := testCtx(t)
		var b bytes.Buffer
		b.Write(make([]byte, 16))
		b.WriteString("\x00\x00\x014411\x00\x01\x0132475000200\x00\x00\x00\x08")
		payload := gsm.EncodeUCS2("Zone 1021: ł")
		b.Write([]byte{0x04, 0x24, 0, byte(len(payload))})
		b.Write(payload)
		raw := b.Bytes()
		copy(raw[0:4], []byte{0, 0, 0, byte(len(raw))})
		copy(raw[4:8], []byte{0, 0, 1, 3})
		copy(raw[12:16], []byte{0, 0, 0, 99})
		e.writeRaw(raw)
		if r := e.expect(pdu.DataSMRespID); r.status != smsc.StatusOK || r.seq != 99 {
			t.Fatalf("data_sm_resp %s seq %d", r.status, r.seq)
		}
		mt, err := s.WaitMT(ctx, "+32475000200")
		if err != nil || mt.Text != "Zone 1021: ł" || !mt.DataSM {
			t.Errorf("MT = %+v, %v", mt, err)
		}
	})

	t.Run("raw UTF-8 as GSM is refused", func(t *testing.T) {
		e.t = t
		before := s.Stats().MTsRejected
		e.submit("4411", "32475000300", 0, 0, 0, []byte("€ 2,50"), nil)
		if r := e.expect(pdu.SubmitSMRespID); r.status != smsc.StatusSubmitFail {
			t.Errorf("status %s, want ESME_RSUBMITFAIL", r.status)
		}
		if st := s.Stats(); st.MTsRejected != before+1 {
			t.Errorf("MTsRejected = %d", st.MTsRejected)
		}
	})
}

func TestSubscribe(t *testing.T) {
	s := startServer(t, smsc.Options{})
	e := bound(t, s, pdu.BindTransceiverID)
	ctx, cancel := context.WithCancel(testCtx(t))
	ch := s.Subscribe(ctx, 4)
	e.submitText("4400", "32475000500", "Unknown zone", 0)
	select {
	case mt := <-ch:
		if mt.Text != "Unknown zone" || mt.From != "4400" {
			t.Errorf("MT = %+v", mt)
		}
	case <-time.After(guard):
		t.Fatal("no MT")
	}
	cancel()
	for range ch { // closed after cancel
	}
	// WaitMT still has it: subscribers take copies.
	if mt, err := s.WaitMT(testCtx(t), "+32475000500"); err != nil || mt.Text != "Unknown zone" {
		t.Errorf("WaitMT = %+v, %v", mt, err)
	}
}
