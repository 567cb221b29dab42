package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/forecast"
	"github.com/jackc/pgx/v5"
)

// The state table holds the job's incremental state (forecast.State, as
// State.Save writes it) in one row: (id 1, saved_at, customers, records,
// last_transaction, state bytea). It is read at the start of a run and
// written in the transaction that replaces the forecast table, so the
// two change together or not at all.

// loadStateTable reads the state in table, or returns an empty state
// when the table does not exist yet (the first run).
func loadStateTable(ctx context.Context, conn *pgx.Conn, table pgx.Identifier) (*forecast.State, error) {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table.Sanitize()).Scan(&exists); err != nil {
		return nil, fmt.Errorf("-state-table %s: %w", table.Sanitize(), err)
	}
	if !exists {
		return &forecast.State{}, nil
	}
	var b []byte
	err := conn.QueryRow(ctx, "SELECT state FROM "+table.Sanitize()+" WHERE id = 1").Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return &forecast.State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-state-table %s: %w", table.Sanitize(), err)
	}
	st, err := forecast.LoadState(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("-state-table %s: %w", table.Sanitize(), err)
	}
	return st, nil
}

// saveStateTable writes st into table within tx, creating the table if
// it is absent.
func saveStateTable(ctx context.Context, tx pgx.Tx, table pgx.Identifier, st *forecast.State) error {
	var b bytes.Buffer
	if err := st.Save(&b); err != nil {
		return err
	}
	t := table.Sanitize()
	if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+t+` (id smallint PRIMARY KEY CHECK (id = 1), saved_at timestamptz NOT NULL,
		customers bigint NOT NULL, records bigint NOT NULL, last_transaction timestamptz NOT NULL, state bytea NOT NULL)`); err != nil {
		return fmt.Errorf("creating %s: %w", t, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+t+` (id, saved_at, customers, records, last_transaction, state) VALUES (1, now(), $1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET saved_at = excluded.saved_at, customers = excluded.customers, records = excluded.records,
		last_transaction = excluded.last_transaction, state = excluded.state`,
		st.Customers(), st.Records, st.Last, b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", t, err)
	}
	return nil
}
