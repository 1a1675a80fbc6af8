package postgres

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"

	"smspark/sessions"
	"smspark/vouchers"
)

var _ sessions.Store = (*DB)(nil)

// Commit makes changes durable, in order. It is a group commit: the
// calls that arrive while a transaction is being written share the next
// one (see group.go), written as one round trip for the vouchers it uses,
// one pipelined batch of writes and one COMMIT, so one WAL flush for the
// whole group. synchronous_commit is left on: when Commit returns, the
// changes are durable, and only then does the engine ack its MOs.
//
// Within a change it writes sessions, settings, accounts, deleted
// accounts, outbox messages, grants, voucher uses, journal entries, acks
// confirmed and NextID (which only grows), as the bbolt store does.
//
// The batch must leave each plate with at most one running session and
// each number in at most one account; the database checks both when the
// transaction commits, so a batch may end a plate's session and start
// another in either order.
//
// If anything of a call fails nothing of that call is written (and the
// calls it was grouped with are written without it). Returns the
// context's error if ctx is done before the call is queued, ErrClosed,
// cluster.ErrFenced once the lease has left the epoch given to Fence,
// ErrInvalidChange (an empty key, a broken invariant, a voucher that
// cannot be used), an error wrapping vouchers.ErrVoucherNotFound for an
// unknown voucher, or the driver's error; all wrapped.
func (db *DB) Commit(ctx context.Context, changes []sessions.Change) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	if err := db.group.commit(changes); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// writeCalls applies the calls' changes in one transaction. It runs under
// the DB's own context (one call's cancelled context must not fail the
// calls grouped with it); Close cancels it.
func (db *DB) writeCalls(calls [][]sessions.Change) error {
	var changes []sessions.Change
	for _, c := range calls {
		changes = append(changes, c...)
	}
	ctx := db.life
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := db.fence(ctx, tx); err != nil {
			return err
		}
		used, err := usedVouchers(ctx, tx, changes)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for i, c := range changes {
			if err := queueChange(b, c, used); err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return constraintErr(err)
}

// usedVouchers reads, and locks, the vouchers the changes use.
func usedVouchers(ctx context.Context, tx pgx.Tx, changes []sessions.Change) (map[string]vouchers.Voucher, error) {
	var codes []string
	for _, c := range changes {
		for _, u := range c.VoucherUses {
			codes = append(codes, u.Code)
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	vs, err := all[vouchers.Voucher](ctx, tx, "voucher",
		`SELECT doc FROM vouchers WHERE code = ANY($1) ORDER BY code FOR UPDATE`, codes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]vouchers.Voucher, len(vs))
	for _, v := range vs {
		out[v.Code] = v
	}
	return out, nil
}

// queueChange queues c's writes on b; used holds the vouchers, updated as
// the change uses them.
func queueChange(b *pgx.Batch, c sessions.Change, used map[string]vouchers.Voucher) error {
	for _, s := range c.Sessions {
		if err := queueSession(b, s); err != nil {
			return err
		}
	}
	for _, s := range c.Settings {
		if s.Number == "" {
			return fmt.Errorf("settings: %w: empty number", ErrInvalidChange)
		}
		if err := queueDoc(b, "settings", s, `INSERT INTO settings (number, doc) VALUES ($1, $2)
			ON CONFLICT (number) DO UPDATE SET doc = EXCLUDED.doc`, s.Number); err != nil {
			return err
		}
	}
	for _, a := range c.Accounts {
		if err := queueAccount(b, a); err != nil {
			return err
		}
	}
	for _, id := range c.DeletedAccounts {
		b.Queue(`DELETE FROM accounts WHERE id = $1`, id)
	}
	for _, m := range c.Messages {
		if err := queueMessage(b, m); err != nil {
			return err
		}
	}
	for _, g := range c.Grants {
		if err := queueDoc(b, "grant", g, `INSERT INTO grants (id, doc) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, g.ID); err != nil {
			return err
		}
	}
	for _, u := range c.VoucherUses {
		if err := queueVoucherUse(b, u, used); err != nil {
			return err
		}
	}
	for _, j := range c.Journal {
		if err := queueDoc(b, "journal entry", j, `INSERT INTO journal (received_ns, key, ack_pending, doc)
			VALUES ($1, $2, $3, $4) ON CONFLICT (received_ns, key) DO UPDATE
			SET ack_pending = EXCLUDED.ack_pending, doc = EXCLUDED.doc`, ns(j.Received), j.Key, j.AckPending); err != nil {
			return err
		}
	}
	queueAcks(b, c.Acked)
	if c.NextID > math.MaxInt64 {
		return fmt.Errorf("next id: %w: %d", ErrInvalidChange, c.NextID)
	}
	b.Queue(`INSERT INTO meta (name, value) VALUES ('next_id', $1)
		ON CONFLICT (name) DO UPDATE SET value = GREATEST(meta.value, EXCLUDED.value)`, int64(c.NextID))
	return nil
}

// queueDoc queues sql with args and v's JSON as the last argument.
func queueDoc(b *pgx.Batch, what string, v any, sql string, args ...any) error {
	raw, err := encode(what, v)
	if err != nil {
		return err
	}
	b.Queue(sql, append(args, raw)...)
	return nil
}

func queueSession(b *pgx.Batch, s sessions.Session) error {
	if s.Plate == "" {
		return fmt.Errorf("session %d: %w: empty plate", s.ID, ErrInvalidChange)
	}
	if s.ID > math.MaxInt64 {
		return fmt.Errorf("session %d: %w: id out of range", s.ID, ErrInvalidChange)
	}
	var end *int64
	if !s.Running() {
		e := ns(s.End)
		end = &e
	}
	return queueDoc(b, "session", s, `INSERT INTO sessions (id, plate, number, zone, account, running, end_ns, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET plate = EXCLUDED.plate,
		number = EXCLUDED.number, zone = EXCLUDED.zone, account = EXCLUDED.account, running = EXCLUDED.running,
		end_ns = EXCLUDED.end_ns, doc = EXCLUDED.doc`,
		int64(s.ID), s.Plate, s.Number, s.Zone, s.Account, s.Running(), end)
}

// queueAccount puts a and its numbers: the numbers it no longer holds
// leave the index; a number another account holds is the database's to
// refuse at commit unless the batch takes it from that account too.
func queueAccount(b *pgx.Batch, a sessions.Account) error {
	if a.ID == "" {
		return fmt.Errorf("account: %w: empty id", ErrInvalidChange)
	}
	for _, n := range a.Numbers {
		if n == "" {
			return fmt.Errorf("account %q: %w: empty number", a.ID, ErrInvalidChange)
		}
	}
	if err := queueDoc(b, "account", a, `INSERT INTO accounts (id, doc) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, a.ID); err != nil {
		return err
	}
	numbers := slices.Compact(slices.Sorted(slices.Values(a.Numbers)))
	if numbers == nil {
		numbers = []string{} // an empty array, not NULL: NOT number = ANY(NULL) is NULL
	}
	b.Queue(`DELETE FROM account_numbers WHERE account_id = $1 AND NOT number = ANY($2)`, a.ID, numbers)
	b.Queue(`INSERT INTO account_numbers (number, account_id)
		SELECT n, $1 FROM unnest($2::text[]) AS n
		WHERE NOT EXISTS (SELECT 1 FROM account_numbers WHERE number = n AND account_id = $1)`,
		a.ID, numbers)
	return nil
}

func queueMessage(b *pgx.Batch, m sessions.Message) error {
	if m.ID > math.MaxInt64 {
		return fmt.Errorf("message %d: %w: id out of range", m.ID, ErrInvalidChange)
	}
	if err := queueDoc(b, "message", m, `INSERT INTO outbox (id, recipient, status, created_ns, doc)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET recipient = EXCLUDED.recipient,
		status = EXCLUDED.status, created_ns = EXCLUDED.created_ns, doc = EXCLUDED.doc`,
		int64(m.ID), m.To, m.Status, ns(m.Created)); err != nil {
		return err
	}
	for _, id := range m.SMSCIDs {
		b.Queue(`INSERT INTO smsc_message_ids (smsc, message_id, outbox_id) VALUES ($1, $2, $3)
			ON CONFLICT (smsc, message_id) DO UPDATE SET outbox_id = EXCLUDED.outbox_id`, m.SMSC, id, int64(m.ID))
	}
	return nil
}

func queueVoucherUse(b *pgx.Batch, u sessions.VoucherUse, used map[string]vouchers.Voucher) error {
	v, ok := used[u.Code]
	if !ok {
		return fmt.Errorf("voucher %q: %w: %w", u.Code, vouchers.ErrVoucherNotFound, ErrNotFound)
	}
	v, err := v.Activate(u.Plate, u.At, u.Session)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidChange, err)
	}
	used[u.Code] = v
	return queueDoc(b, "voucher", v, `UPDATE vouchers SET doc = $2 WHERE code = $1`, v.Code)
}

// Load returns what the engine needs at start, from one snapshot: the
// running sessions (ordered by ID), every number's settings (by number),
// every account (by ID), the grants, and NextID: the stored value, but at
// least 1 and above every stored session and message ID. Returns the
// context's error, ErrClosed, ErrCorrupt or the driver's error, wrapped.
func (db *DB) Load(ctx context.Context) (sessions.State, error) {
	var st sessions.State
	if err := db.usable(ctx); err != nil {
		return st, fmt.Errorf("postgres: load: %w", err)
	}
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			if st.Running, err = all[sessions.Session](ctx, tx, "session",
				`SELECT doc FROM sessions WHERE running ORDER BY id`); err != nil {
				return err
			}
			if st.Settings, err = all[sessions.Settings](ctx, tx, "settings",
				`SELECT doc FROM settings ORDER BY number`); err != nil {
				return err
			}
			if st.Accounts, err = all[sessions.Account](ctx, tx, "account",
				`SELECT doc FROM accounts ORDER BY id`); err != nil {
				return err
			}
			if st.Grants, err = all[sessions.Grant](ctx, tx, "grant",
				`SELECT doc FROM grants ORDER BY id`); err != nil {
				return err
			}
			var next int64
			err = tx.QueryRow(ctx, `SELECT GREATEST(1,
				COALESCE((SELECT value FROM meta WHERE name = 'next_id'), 0),
				COALESCE((SELECT max(id) + 1 FROM sessions), 0),
				COALESCE((SELECT max(id) + 1 FROM outbox), 0))`).Scan(&next)
			st.NextID = uint64(next)
			return err
		})
	if err != nil {
		return sessions.State{}, fmt.Errorf("postgres: load: %w", err)
	}
	return st, nil
}
