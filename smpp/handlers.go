package smpp

import "github.com/fiorix/go-smpp/smpp/pdu"

// delivered is a decoded deliver_sm or data_sm waiting for a handler.
type delivered struct {
	d      delivery
	respID pdu.ID
	seq    uint32
}

// enqueue queues a delivery for the conn's handlers. The handlers are
// goroutines of the conn, started as the load needs them, up to
// HandlerWorkers, each handling one delivery after another until the conn
// ends: no goroutine per MO. A delivery that arrives while every handler
// is busy waits (at most HandlerQueue of them); only when that many wait
// is it answered ESME_RX_T_APPN at once (the SMSC delivers it again), and
// counted. Called by readLoop only.
//
// The channel holds the waiting deliveries and those promised to a free
// or new handler that has not taken its one yet: HandlerQueue +
// HandlerWorkers. idle counts the handlers free and not promised a
// delivery, waiting the deliveries no handler was promised; readLoop
// alone takes from idle, a handler alone from waiting.
func (cn *conn) enqueue(w delivered) {
	switch {
	case cn.idle.Load() > 0:
		cn.idle.Add(-1)
	case cn.started < cn.c.opts.HandlerWorkers:
		cn.started++
		cn.wg.Add(1)
		go cn.handleLoop()
	case cn.waiting.Load() < int32(cn.c.opts.HandlerQueue):
		cn.waiting.Add(1)
	default:
		cn.refuse(w)
		return
	}
	cn.mu.Lock()
	cn.handlers++
	cn.mu.Unlock()
	select {
	case cn.queue <- w:
	default: // not reached while the counts hold
		cn.handled()
		cn.refuse(w)
	}
}

// refuse answers a delivery no handler can take ESME_RX_T_APPN.
func (cn *conn) refuse(w delivered) {
	cn.c.m.handlerRefusal(cn.b.smsc.Name)
	cn.log.Warn().Msg("smpp: every handler busy and the queue full, asking the SMSC to deliver again")
	cn.reply(w.respID, statusRxTempAppn, w.seq, cstringBody(""))
}

// handleLoop handles deliveries until readLoop closes the queue: its
// promised one, then a waiting one while there is one, else it is free
// again.
func (cn *conn) handleLoop() {
	defer cn.wg.Done()
	for w := range cn.queue {
		cn.handleOne(w)
		cn.handled()
		if !cn.takeWaiting() {
			cn.idle.Add(1)
		}
	}
}

// takeWaiting takes one waiting delivery's count, false when none waits.
func (cn *conn) takeWaiting() bool {
	for {
		n := cn.waiting.Load()
		if n == 0 {
			return false
		}
		if cn.waiting.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// handled counts a delivery done, for shutdown's drain.
func (cn *conn) handled() {
	cn.mu.Lock()
	cn.handlers--
	cn.mu.Unlock()
	cn.signal()
}

// handleOne hands one delivery to the Handler and answers it: OK, or
// ESME_RX_T_APPN when the Handler failed (the SMSC delivers it again).
func (cn *conn) handleOne(w delivered) {
	status := statusOK
	ack, err := cn.handle(w.d, w.seq)
	if err != nil {
		status = statusRxTempAppn
	}
	pos := cn.reply(w.respID, status, w.seq, cstringBody(""))
	if ack != nil && pos != 0 {
		// Until the SMSC answers something written after it, this resp
		// may be lost with the link.
		ack.pos.Store(pos)
		cn.probe()
	}
}
