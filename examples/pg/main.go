// Command pg is clvkit's job with PostgreSQL in and out: it reads the
// transactions (or the per-customer summaries) with a query, streaming
// the rows into the job's summarizer, fits and scores as the forecast
// command does, and writes forecast.csv's rows into a table with COPY.
//
//	go run . -query 'SELECT customer_id, date, amount FROM transactions ORDER BY date' -table analytics.forecast
//	go run . -dsn postgres://app@db/shop -query "$(cat summaries.sql)" -summaries -end 2024-06-30 -table forecast
//
// The connection is -dsn (a URL or key=value string), else libpq's PG*
// environment variables and defaults (the local socket, the login user).
//
// The query gives the customer id, the time of the purchase and its amount
// as its first, second and third columns (any names; a time is a date, a
// timestamp or text the CSV job reads; an id text or a number); two
// columns are a log without amounts. Each customer's rows must come in
// time order: end the query with ORDER BY the time. With -summaries it
// gives customer_id, frequency, recency, T and monetary_value in the
// models' unit, as the README's SQL does, and -end is needed.
//
// The table (schema-qualified or not) is created if absent and replaced
// atomically: the rows are copied into a new table, which takes the
// table's name in the same transaction, so readers see yesterday's rows or
// today's, and a run that fails leaves yesterday's table as it was. Views
// that depend on the table block the swap (the run then fails, saying so).
// Its columns are forecast.csv's, typed (text, double precision, smallint,
// date); its empty cells are NULL.
//
// With -state-table NAME the job runs every day on the new transactions
// only (forecast.RunIncremental): the table holds the job's state
// (forecast.State, as State.Save writes it, in one bytea row with its
// customers, transactions and last transaction beside). It is read at
// the start (absent: the first run, on the whole log) and written in the
// transaction that replaces the forecast table, so a run that fails
// leaves yesterday's state and yesterday's forecast. The query gives the
// transactions after the state's last one, which it may take as $1:
//
//	go run . -query 'SELECT customer_id, date, amount FROM transactions WHERE date > $1 ORDER BY line' \
//		-table analytics.forecast -state-table analytics.clv_state
//
// The table then equals a full run's on the whole log, cell for cell.
//
// Progress goes to stderr; errors end it with exit status 1, a bad flag
// with exit status 2.
package main

import "github.com/clvkit/clvkit/internal/cli"

func main() { cli.Main("pg", run) }
