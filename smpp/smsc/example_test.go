package smsc_test

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"smspark/smpp/smsc"
)

// A `smspark demo` style phone: the simulator plays the SMSC, the engine
// (not shown) binds to s.Addr(), each typed line is an MO and every MT
// to the phone is printed, unsolicited reminders included.
func Example_phone() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", Operator: "proximus"})
	if err != nil {
		panic(err)
	}
	if err := s.Listen(); err != nil {
		panic(err)
	}
	go func() { _ = s.Run(ctx) }()
	// ... start the engine with an SMSC at s.Addr() here ...
	if err := s.WaitBound(ctx, 1); err != nil {
		panic(err)
	}
	const phone = "+32475000001"
	go func() {
		for {
			mt, err := s.WaitMT(ctx, phone)
			if err != nil {
				return
			}
			fmt.Printf("%s: %s\n", mt.From, mt.Text)
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		d, err := s.DeliverMO(ctx, smsc.MO{From: phone, To: "4411", Text: in.Text()})
		if err != nil || !d.OK() {
			fmt.Println("not delivered:", d.Status, err)
		}
	}
}

// A `smspark sim --load` style run against an engine bound to s.
func ExampleLoad() {
	ctx := context.Background()
	s, err := smsc.New(smsc.Options{Addr: ":2775", SystemID: "smspark", Password: "secret"})
	if err != nil {
		panic(err)
	}
	go func() { _ = s.Run(ctx) }()
	rep, err := smsc.Load(ctx, s, smsc.LoadOptions{Phones: 100, MaxMOs: 10000, Seed: 1})
	fmt.Println(rep, err)
}
