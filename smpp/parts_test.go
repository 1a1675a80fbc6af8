package smpp

import (
	"context"
	"encoding/binary"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"smspark/gsm"
)

// concatText is a text of three GSM parts.
var concatText = strings.Repeat("1021 1ABC123 parking Brussels centre. ", 11)

// udh8 returns the deliver_sm of one part with an 8-bit reference UDH.
func udh8(ref byte, total, seq int, text []byte) dsm {
	sm := append([]byte{5, 0, 3, ref, byte(total), byte(seq)}, text...)
	return dsm{from: motorist, to: "4411", esm: ESMClassUDHI, sm: sm}
}

// udh16 returns the deliver_sm of one part with a 16-bit reference UDH.
func udh16(ref uint16, total, seq int, text []byte) dsm {
	sm := append([]byte{6, 8, 4, byte(ref >> 8), byte(ref), byte(total), byte(seq)}, text...)
	return dsm{from: motorist, to: "4411", esm: ESMClassUDHI, sm: sm}
}

// sar returns the deliver_sm of one part with SAR TLVs.
func sar(ref uint16, total, seq int, text []byte) dsm {
	r := make([]byte, 2)
	binary.BigEndian.PutUint16(r, ref)
	return dsm{from: motorist, to: "4411", sm: text, tlvs: []tlvKV{
		{tagSarMsgRefNum, r}, {tagSarTotalSegments, []byte{byte(total)}}, {tagSarSegmentSeqnum, []byte{byte(seq)}},
	}}
}

// splitGSM returns the septets of each part of s.
func splitGSM(t testing.TB, s string) [][]byte {
	t.Helper()
	texts, err := gsm.SplitGSM(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]byte, len(texts))
	for i, x := range texts {
		if out[i], err = gsm.Encode(x); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestConcatenatedMOReassembly covers 8-bit and 16-bit UDH references,
// SAR TLVs, parts out of order and duplicate parts: every part is acked,
// each saved part before its ack, and one MO comes out, after which the
// parts are deleted.
func TestConcatenatedMOReassembly(t *testing.T) {
	parts := splitGSM(t, concatText)
	tests := []struct {
		name  string
		part  func(seq int) dsm
		order []int
	}{
		{"8-bit UDH", func(i int) dsm { return udh8(0x42, 3, i, parts[i-1]) }, []int{1, 2, 3}},
		{"16-bit UDH", func(i int) dsm { return udh16(0xBEEF, 3, i, parts[i-1]) }, []int{1, 2, 3}},
		{"SAR TLVs", func(i int) dsm { return sar(0x1234, 3, i, parts[i-1]) }, []int{1, 2, 3}},
		{"out of order", func(i int) dsm { return udh16(7, 3, i, parts[i-1]) }, []int{3, 1, 2}},
		{"duplicate parts", func(i int) dsm { return udh8(9, 3, i, parts[i-1]) }, []int{2, 2, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkReassembly(t, tt.part, tt.order) })
	}
}

// TestConcatenatedMOWith16BitReferenceIsReassembled: go-smpp drops parts
// with a 16-bit reference after acking them.
func TestConcatenatedMOWith16BitReferenceIsReassembled(t *testing.T) {
	parts := splitGSM(t, concatText)
	checkReassembly(t, func(i int) dsm { return udh16(0x0102, 3, i, parts[i-1]) }, []int{2, 1, 3})
}

// TestDuplicatePartIsHarmless: go-smpp panics on a duplicate part
// (receiver.go:232). Here it is acked and changes nothing.
func TestDuplicatePartIsHarmless(t *testing.T) {
	parts := splitGSM(t, concatText)
	checkReassembly(t, func(i int) dsm { return udh8(1, 3, i, parts[i-1]) }, []int{1, 1, 2, 1, 2, 3})
}

// checkReassembly delivers the parts of concatText made by part in order
// and checks every ack, the store and the one MO.
func checkReassembly(t *testing.T, part func(seq int) dsm, order []int) {
	t.Helper()
	f := newFakeSMSC(t)
	h := newFakeHandler()
	store := newMemParts()
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Parts = store })
	p := f.nextPeer(t)
	for i, seq := range order {
		last := i == len(order)-1
		p.deliver(t, uint32(100+i), part(seq))
		if r := p.resp(t, uint32(100+i)); r.id != pdu.DeliverSMRespID || r.status != 0 {
			t.Fatalf("part %d answered %#x", seq, uint32(r.status))
		}
		if !last && store.count() == 0 {
			t.Fatalf("part %d acked before it was saved", seq)
		}
	}
	mo := h.nextMO(t)
	if mo.Text != concatText || mo.From != motorist || mo.To != "4411" {
		t.Fatalf("MO %q from %q to %q", mo.Text, mo.From, mo.To)
	}
	if !strings.HasPrefix(mo.Key, "proximus|"+motorist+"|") || !strings.Contains(mo.Key, "|ref:") {
		t.Errorf("key %q", mo.Key)
	}
	h.noMO(t)
	if n := store.count(); n != 0 {
		t.Fatalf("%d parts left in the store", n)
	}
}

// TestLongUCS2MO reassembles a concatenated UCS-2 MO.
func TestLongUCS2MO(t *testing.T) {
	text := strings.Repeat("Парковка 1021 — 駐車 😀 ", 8)
	texts := gsm.SplitUCS2(text)
	f := newFakeSMSC(t)
	h := newFakeHandler()
	startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	for i, x := range texts {
		d := udh8(3, len(texts), i+1, gsm.EncodeUCS2(x))
		d.dc = CodingUCS2
		p.deliver(t, uint32(i+1), d)
	}
	if mo := h.nextMO(t); mo.Text != text {
		t.Fatalf("MO %q", mo.Text)
	}
}

// TestPartsLoadedAtStartRejoin: parts saved before a restart complete
// with the part that arrives after it.
func TestPartsLoadedAtStartRejoin(t *testing.T) {
	parts := splitGSM(t, concatText)
	store := newMemParts()
	now := time.Now()
	for i := 1; i <= 2; i++ {
		txt, _ := gsm.Decode(parts[i-1])
		_ = store.SavePart(context.Background(), Part{
			SMSC: "proximus", Operator: "proximus", From: motorist, To: "4411",
			Ref: 0x42, Total: 3, Seq: i, Text: txt, Received: now,
		})
	}
	f := newFakeSMSC(t)
	h := newFakeHandler()
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Parts = store })
	p := f.nextPeer(t)
	p.deliver(t, 1, udh8(0x42, 3, 3, parts[2]))
	if mo := h.nextMO(t); mo.Text != concatText {
		t.Fatalf("MO %q", mo.Text)
	}
	if r := p.resp(t, 1); r.status != 0 {
		t.Fatalf("last part answered %#x", uint32(r.status))
	}
	if store.count() != 0 {
		t.Fatal("parts not deleted")
	}
}

// TestIncompletePartsExpire: parts older than PartMaxAge are dropped
// from memory and the store; a complete set whose handling failed is
// handed over again instead.
func TestIncompletePartsExpire(t *testing.T) {
	t.Run("at start", func(t *testing.T) {
		store := newMemParts()
		now := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
		_ = store.SavePart(context.Background(), Part{SMSC: "proximus", From: motorist, Ref: 1, Total: 2, Seq: 1, Text: "old", Received: now.Add(-11 * time.Minute)})
		_ = store.SavePart(context.Background(), Part{SMSC: "proximus", From: motorist, Ref: 2, Total: 2, Seq: 1, Text: "new", Received: now.Add(-9 * time.Minute)})
		f := newFakeSMSC(t)
		c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), func(o *ClientOptions) {
			o.Parts = store
			o.Clock = func() time.Time { return now }
		})
		f.nextPeer(t)
		if n := store.count(); n != 1 {
			t.Fatalf("%d parts in the store, want the recent one", n)
		}
		if n := c.asm.pendingSets(); n != 1 {
			t.Fatalf("%d sets in memory", n)
		}
	})
	t.Run("sweep", func(t *testing.T) {
		a := newAssembler(nil, 10*time.Minute)
		t0 := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
		failing := func(context.Context, []Part) error { return context.Canceled }
		ctx := context.Background()
		_ = a.add(ctx, Part{SMSC: "s", From: "a", Ref: 1, Total: 2, Seq: 1, Received: t0}, failing)
		_ = a.add(ctx, Part{SMSC: "s", From: "b", Ref: 1, Total: 1, Seq: 1, Received: t0}, failing)
		ready, expired := a.sweep(t0.Add(10 * time.Minute))
		if len(ready) != 0 || len(expired) != 0 {
			t.Fatalf("at the limit: ready %v expired %v", ready, expired)
		}
		ready, expired = a.sweep(t0.Add(10*time.Minute + time.Second))
		if len(expired) != 1 || expired[0].from != "a" || len(ready) != 0 {
			t.Fatalf("past the limit: ready %v expired %v", ready, expired)
		}
	})
}

// TestSavePartFailureAnswersRXTAPPN: a part that cannot be saved is not
// acked, so that the SMSC delivers it again.
func TestSavePartFailureAnswersRXTAPPN(t *testing.T) {
	parts := splitGSM(t, concatText)
	store := newMemParts()
	store.failSave.Store(true)
	f := newFakeSMSC(t)
	h := newFakeHandler()
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Parts = store })
	p := f.nextPeer(t)
	p.deliver(t, 1, udh8(5, 3, 1, parts[0]))
	if r := p.resp(t, 1); r.status != statusRxTempAppn {
		t.Fatalf("unsaved part answered %#x", uint32(r.status))
	}
	store.failSave.Store(false)
	for i := range 3 {
		p.deliver(t, uint32(2+i), udh8(5, 3, i+1, parts[i]))
		if r := p.resp(t, uint32(2+i)); r.status != 0 {
			t.Fatalf("part %d answered %#x", i+1, uint32(r.status))
		}
	}
	if mo := h.nextMO(t); mo.Text != concatText {
		t.Fatalf("MO %q", mo.Text)
	}
}

// TestFailedHandlingOfLastPartIsRetried: when HandleMO fails for the
// part completing a message, that part is answered ESME_RX_T_APPN and its
// redelivery completes the message.
func TestFailedHandlingOfLastPartIsRetried(t *testing.T) {
	parts := splitGSM(t, concatText)
	f := newFakeSMSC(t)
	h := newFakeHandler()
	var failed atomic.Bool
	h.onMO = func(context.Context, MO) error {
		if failed.CompareAndSwap(false, true) {
			return context.DeadlineExceeded
		}
		return nil
	}
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Parts = newMemParts() })
	p := f.nextPeer(t)
	want := []pdu.Status{0, 0, statusRxTempAppn, 0}
	for i, seq := range []int{1, 2, 3, 3} {
		p.deliver(t, uint32(i+1), udh8(6, 3, seq, parts[seq-1]))
		if r := p.resp(t, uint32(i+1)); r.status != want[i] {
			t.Fatalf("delivery %d answered %#x, want %#x", i+1, uint32(r.status), uint32(want[i]))
		}
	}
	if mo := h.nextMO(t); mo.Text != concatText {
		t.Fatalf("MO %q", mo.Text)
	}
}
