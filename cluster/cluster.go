// Package cluster decides which of several smspark engines sharing one
// database is the leader: the one that holds the SMSC binds, applies
// commands and sends replies. The others are standbys.
//
// Leadership is a lease kept in the shared database itself (no other
// coordinator): the leader renews it before it expires; when it does not,
// another engine takes it with the next epoch. Every commit of the leader
// checks, in the same transaction, that the lease still carries its epoch
// (the store's fencing, ErrFenced otherwise), so a leader that was paused
// or cut off can never write after another has taken over; it steps down
// as soon as it notices (a refused commit or a failed renewal).
package cluster

import (
	"errors"
	"fmt"
)

// ErrFenced means a write was refused because the writer's epoch is no
// longer the lease's: another engine has taken over, or the lease lapsed.
// Nothing of the refused write is stored; the writer must step down.
var ErrFenced = errors.New("not leader: fenced by a newer epoch")

// Role is an engine's place in the cluster.
type Role struct {
	// Leader is true while the engine holds the lease.
	Leader bool
	// Epoch is the lease's epoch the leader holds (0 for a standby): it
	// grows by one at every takeover.
	Epoch int64
}

// Standby is the role of an engine that does not hold the lease.
var Standby = Role{}

// String returns "leader (epoch N)" or "standby".
func (r Role) String() string {
	if r.Leader {
		return fmt.Sprintf("leader (epoch %d)", r.Epoch)
	}
	return "standby"
}

// Name returns "leader" or "standby", as status and metrics show it.
func (r Role) Name() string {
	if r.Leader {
		return "leader"
	}
	return "standby"
}
