package smpp

import (
	"context"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// BenchmarkMO measures MOs delivered over loopback TCP, decoded, handed
// to a Handler that returns at once, and acked; the fake SMSC keeps up to
// 64 unacknowledged.
func BenchmarkMO(b *testing.B) {
	f := newFakeSMSC(b)
	startClient(b, []SMSC{testSMSC(f.addr())}, discard{}, nil)
	p := f.nextPeer(b)
	body := dsm{from: motorist, to: "4411", sm: gsmText(b, "1021 1ABC123")}.deliverBody(b)
	const window = 64
	b.ResetTimer()
	for i := range b.N {
		if i >= window {
			p.resp(b, uint32(i-window+1))
		}
		p.send(packet{id: pdu.DeliverSMID, seq: uint32(i + 1), body: body})
	}
	for i := max(0, b.N-window); i < b.N; i++ {
		p.resp(b, uint32(i+1))
	}
}

// BenchmarkSubmit measures submits over loopback TCP with a window of 10
// and a fake SMSC answering at once.
func BenchmarkSubmit(b *testing.B) {
	f := newFakeSMSC(b)
	c, _ := startClient(b, []SMSC{testSMSC(f.addr())}, discard{}, nil)
	waitUp(b, c, 1)
	mt := MT{Operator: "proximus", From: "4411", To: "+" + motorist, Text: "Parking 1021 started for 1ABC123"}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Submit(context.Background(), mt); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// discard is a Handler that takes everything at once.
type discard struct{}

func (discard) HandleMO(context.Context, MO) error           { return nil }
func (discard) HandleReceipt(context.Context, Receipt) error { return nil }
