-- The cluster's leader lease: one row. The leader renews expires_at (the
-- database's clock) before it passes; another engine takes an expired
-- lease with epoch + 1. Every commit of the leader checks, in its own
-- transaction, that epoch is still the one it took (fencing).

-- +goose Up
CREATE TABLE lease (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    epoch      bigint      NOT NULL CHECK (epoch >= 0),
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
INSERT INTO lease (epoch, holder, expires_at) VALUES (0, '', '-infinity');

-- +goose Down
DROP TABLE lease;
