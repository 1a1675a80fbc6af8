package main

import (
	"os"
	"testing"

	"smspark/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL server the tests that need one
// start (pgtest starts it on first use).
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestE2EPostgres runs the end-to-end SMPP tests of the worked examples,
// concatenation (a long MO reassembled, a long reply split), throttling
// and delivery receipts against the PostgreSQL store, each on a new
// database.
func TestE2EPostgres(t *testing.T) {
	for _, mode := range bindModes {
		t.Run("worked examples/"+mode, func(t *testing.T) {
			e2eWorkedExamples(t, e2eOptions{mode: mode, database: pgtest.DB(t)})
		})
	}
	t.Run("long UCS-2 MO", func(t *testing.T) { e2eLongUCS2MO(t, pgtest.DB(t)) })
	t.Run("long reply split", func(t *testing.T) { e2eLongReplySplit(t, pgtest.DB(t)) })
	t.Run("throttling obeyed", func(t *testing.T) { e2eThrottlingObeyed(t, pgtest.DB(t)) })
	t.Run("receipts", func(t *testing.T) { e2eReceipts(t, pgtest.DB(t)) })
}
