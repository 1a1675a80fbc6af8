package sessions

import (
	"context"
	"fmt"
	"time"
)

// txn collects what one command changes and answers.
type txn struct {
	now    time.Time
	change Change
	notice Notice
	lang   string
	reply  Reply
	// secrets are the change's credential messages with their clear text.
	secrets []Message
	// barrier makes the command wait for a commit even when it changed
	// nothing (a redelivery waits until the first delivery is durable).
	barrier bool
}

// newTxn starts a command's transaction at now.
func newTxn(now time.Time) *txn { return &txn{now: now} }

// empty reports whether the change writes nothing.
func (c *Change) empty() bool {
	return len(c.Sessions) == 0 && len(c.Settings) == 0 && len(c.Accounts) == 0 &&
		len(c.DeletedAccounts) == 0 && len(c.Messages) == 0 && len(c.Journal) == 0 && len(c.Acked) == 0 &&
		len(c.VoucherUses) == 0 && len(c.Grants) == 0
}

// transact is the one way a command changes the engine. Under the lock it
// refuses work while the engine is broken, forgets what the clock made
// stale, ends the sessions whose time passed and sends the reminders that
// are due, then lets apply change t and memory. Whatever t then holds is
// committed, also when apply returns an error: memory never keeps a change
// the store will not have. transact waits until the change is durable and
// hands its messages to the Sender, then returns apply's error; an error
// wrapping ErrStore when the store failed (nothing of the command
// happened); ctx.Err() when ctx is done before it started.
//
// apply runs under mu and must do no I/O: read what it needs before.
func (e *Engine) transact(ctx context.Context, t *txn, apply func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	if e.broken != nil {
		e.mu.Unlock()
		return fmt.Errorf("%w: %w", ErrStore, e.broken)
	}
	e.forget(t.now)
	e.forgetRecent(t.now)
	e.expire(t, t.now)
	err := apply(t)
	if t.change.empty() && !t.barrier {
		e.mu.Unlock()
		return err
	}
	p := e.enqueue(t.change)
	e.mu.Unlock()
	if derr := e.durable(ctx, p); derr != nil {
		return derr
	}
	e.hand(t.change.Messages, t.secrets)
	return err
}
