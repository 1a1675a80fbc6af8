package postgres

import (
	"smspark/groupcommit"
	"smspark/sessions"
)

// CommitStats describes one transaction of Commit, for metrics;
// its Units are the MO journal entries it wrote.
type CommitStats = groupcommit.Stats

// mosIn counts the MO journal entries in one Commit call's changes.
func mosIn(changes []sessions.Change) int {
	n := 0
	for _, ch := range changes {
		n += len(ch.Journal)
	}
	return n
}
