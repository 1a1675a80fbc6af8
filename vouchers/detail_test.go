package vouchers_test

import (
	"context"
	"errors"
	"testing"

	"smspark/vouchers"
)

// Find takes an order ID or a voucher code, and says in a domain error
// that a reference is neither (the HTTP layer makes it a 404, the CLI an
// error line).
func TestFind(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	o := f.order(t, blaReq(10))
	byOrder, err := vouchers.Find(ctx, f.svc, " "+o.ID+" ", t0, brussels)
	if err != nil || byOrder.Order.ID != o.ID || byOrder.Voucher != nil || len(byOrder.Order.Vouchers) != 10 {
		t.Fatalf("by order: %+v, %v", byOrder, err)
	}
	if d := byOrder.Order; d.TypeName != "Bezoekersvouchers" || d.Status != string(vouchers.OrderPaid) ||
		d.Purchased != "2026-11-23T10:00:00+01:00" || d.Expires == nil || d.Vouchers[0].Status == "" {
		t.Fatalf("detail: %+v", d)
	}
	byCode, err := vouchers.Find(ctx, f.svc, o.Codes[3], t0, brussels)
	if err != nil || byCode.Order.ID != o.ID || byCode.Voucher == nil || byCode.Voucher.Code != o.Codes[3] {
		t.Fatalf("by code: %+v, %v", byCode, err)
	}
	if _, err := vouchers.Find(ctx, f.svc, "NOPE", t0, brussels); !errors.Is(err, vouchers.ErrUnknownReference) {
		t.Fatalf("unknown reference: %v, want ErrUnknownReference", err)
	}
}
