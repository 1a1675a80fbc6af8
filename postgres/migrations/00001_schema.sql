-- smspark's schema. Each record is kept whole as JSON (doc, the domain
-- type as the bbolt store encodes it) beside the columns that key, index
-- and constrain it. Times that order or key records are Unix nanoseconds
-- (bigint), exactly as the engine has them.

-- +goose Up
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);

CREATE TABLE sessions (
    id       bigint PRIMARY KEY,
    plate    text   NOT NULL CHECK (plate <> ''),
    number   text   NOT NULL,
    zone     text   NOT NULL,
    account  text   NOT NULL,
    running  boolean NOT NULL,
    end_ns   bigint,            -- when it ended; NULL while running
    doc      jsonb  NOT NULL,
    CHECK (running = (end_ns IS NULL)),
    -- A plate has at most one running session. An exclusion constraint is
    -- a unique partial index that can be checked at commit: a batch may
    -- start a plate's new session before it ends the old one.
    CONSTRAINT one_running_session_per_plate
        EXCLUDE USING btree (plate WITH =) WHERE (running) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX sessions_ended ON sessions (end_ns, id) WHERE NOT running;
CREATE INDEX sessions_number ON sessions (number, id);
CREATE INDEX sessions_plate ON sessions (plate, id);

CREATE TABLE settings (
    number text PRIMARY KEY CHECK (number <> ''),
    doc    jsonb NOT NULL
);

CREATE TABLE accounts (
    id  text PRIMARY KEY CHECK (id <> ''),
    doc jsonb NOT NULL
);

-- A number belongs to at most one account (checked at commit, so a batch
-- may move it in either order).
CREATE TABLE account_numbers (
    number     text NOT NULL CHECK (number <> ''),
    account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT one_account_per_number PRIMARY KEY (number) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX account_numbers_account ON account_numbers (account_id);

CREATE TABLE grants (
    id  text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE outbox (
    id         bigint PRIMARY KEY,
    recipient  text   NOT NULL,
    status     text   NOT NULL,
    created_ns bigint NOT NULL,
    doc        jsonb  NOT NULL
);
CREATE INDEX outbox_queued ON outbox (id) WHERE status = 'queued';

CREATE TABLE smsc_message_ids (
    smsc       text   NOT NULL,
    message_id text   NOT NULL,
    outbox_id  bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    PRIMARY KEY (smsc, message_id)
);
CREATE INDEX smsc_message_ids_outbox ON smsc_message_ids (outbox_id);

CREATE TABLE journal (
    received_ns bigint  NOT NULL,
    key         text    NOT NULL,
    ack_pending boolean NOT NULL,
    doc         jsonb   NOT NULL,
    PRIMARY KEY (received_ns, key)
);
CREATE INDEX journal_ack_pending ON journal (received_ns, key) WHERE ack_pending;

CREATE TABLE parts (
    key   bytea PRIMARY KEY,
    value bytea NOT NULL
);

CREATE TABLE orders (
    id          text PRIMARY KEY CHECK (id <> ''),
    city        text NOT NULL,
    address_key text NOT NULL,
    year        integer NOT NULL,
    doc         jsonb NOT NULL
);
CREATE INDEX orders_address ON orders (city, address_key, year, id);

-- Voucher codes are unique: the primary key.
CREATE TABLE vouchers (
    code     text PRIMARY KEY CHECK (code <> ''),
    order_id text NOT NULL,
    doc      jsonb NOT NULL
);
CREATE INDEX vouchers_order ON vouchers (order_id);

CREATE TABLE permits (
    id       text PRIMARY KEY CHECK (id <> ''),
    until_ns bigint NOT NULL,
    doc      jsonb  NOT NULL
);
CREATE INDEX permits_until ON permits (until_ns, id);

CREATE TABLE permit_plates (
    plate     text NOT NULL CHECK (plate <> ''),
    permit_id text NOT NULL REFERENCES permits (id) ON DELETE CASCADE,
    PRIMARY KEY (plate, permit_id)
);

CREATE TABLE day_cards (
    id     text PRIMARY KEY CHECK (id <> ''),
    number text NOT NULL CHECK (number <> ''),
    doc    jsonb NOT NULL
);
CREATE INDEX day_cards_number ON day_cards (number, id);

CREATE TABLE day_card_days (
    day     text NOT NULL,
    card_id text NOT NULL REFERENCES day_cards (id) ON DELETE CASCADE,
    PRIMARY KEY (day, card_id)
);

CREATE TABLE api_keys (
    hash text PRIMARY KEY,
    id   text NOT NULL UNIQUE,
    doc  jsonb NOT NULL
);

CREATE TABLE idempotent_responses (
    scope      text   NOT NULL,
    key        text   NOT NULL,
    created_ns bigint NOT NULL,
    doc        jsonb  NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE payment_nonces (
    nonce   text   PRIMARY KEY,
    used_ns bigint NOT NULL
);

CREATE TABLE audit (
    seq   bigserial PRIMARY KEY,
    at_ns bigint NOT NULL,
    doc   jsonb  NOT NULL
);
CREATE INDEX audit_at ON audit (at_ns, seq);

-- +goose Down
DROP TABLE audit, payment_nonces, idempotent_responses, api_keys, day_card_days, day_cards,
    permit_plates, permits, vouchers, orders, parts, journal, smsc_message_ids, outbox, grants,
    account_numbers, accounts, settings, sessions, meta;
