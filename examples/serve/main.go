// Command serve answers scoring requests over HTTP with the models of a
// forecast run: it loads the model.json that examples/forecast writes and
// scores customers from their summaries exactly as the job did.
//
//	go run ./examples/forecast -out out                    # writes out/model.json
//	go run ./examples/serve -model out/model.json -addr localhost:8080
//
// Endpoints:
//
//	POST /v1/score  {"customers": [{"id", "frequency", "recency", "T", "monetary_value", "covariates"}, ...]}
//	                → {"customers": [{"id", "p_alive", "expected_purchases", "expected_avg_value", "clv", "churn_tier",
//	                   "discounted_purchases", "p_purchase_window", "p_churn_window", ..., "model_days_between_orders"}, ...]}
//	GET  /v1/customers/{id}   with -state: the customer's summary from the job's state and its forecast
//	                → {"model", ..., "state_observation_end", "customer": {"id", "frequency", "recency", "T",
//	                   "monetary_value", "p_alive", ..., "model_days_between_orders"}}; 404 for an id not in it
//	GET  /healthz   200 while the process serves
//	GET  /readyz    200 once a model (and with -state the state) is loaded, 503 before
//	GET  /metrics   Prometheus text exposition format
//
// The summaries are in the model's time unit (data.time_unit_hours of
// model.json), as the job's forecast.csv has them. The answer's fields
// are forecast.csv's columns, with its numbers (null for an empty cell).
// model.json records the job's -horizon, -discount, -margin and -window
// (its "scoring" object) and serve scores with them; a flag given
// overrides its one setting (-discount 0 too). A model.json written
// before it recorded them is scored with the flags, defaults included
// (those of examples/forecast).
//
// A model with static covariates (bgnbd-cov, mbgnbd-cov, paretonbd-cov, or
// a run whose purchases the spend model with covariates valued) scores a
// customer from the customer's covariates too: each customer of a request
// carries them, "covariates": {"column": value, ...}, the columns of the
// job's covariates file (its id column aside), a value a JSON string, or
// a JSON number standing for the file's text. They are encoded as the job
// encoded the file (forecast.CovariateEncoding, from model.json): a
// categorical column's value is one of the levels the run saw. A customer
// without them, or with a column missing, an unknown column or level, or
// a value of the wrong type, is a 400 naming the customer and the field
// (covariates.column). A model without covariates checks them as JSON and
// ignores them, so that a client sending them keeps being served across a
// reload to such a model. With -state, GET /v1/customers/{id} takes a
// customer's covariates from -covariates FILE (the job's covariates file,
// read with the model's encoding, reloaded as the state is, and when a
// new model is loaded); a customer without a row is scored with the mean
// profile, as the job scores one ("covariates_from": "mean_profile",
// else "file"). The model with time-varying covariates (paretonbd-dyn) is
// not served: it predicts a customer along the customer's covariate path
// from the first purchase over the horizon, on the job's time grid, which
// is the job's to assemble (forecast -dynamic-covariates FILE), not one
// row of a request.
//
// ?answers=false on either scoring endpoint leaves the answer columns
// out (a third of the scoring's time); -answers=false makes that the
// default, and ?answers=true then asks for them.
//
// With -state DIR (the job's -state directory) the server keeps the
// state's customers (forecast.Lookup: their ids and four numbers each,
// some 60 MB for 10⁶ customers) and answers GET /v1/customers/{id} (the
// id path-escaped) with the customer's summary at the model's end of
// observation and the numbers of the customer's row of the run's
// forecast.csv. The state is reloaded as the model is (on SIGHUP, and
// when the job renames a new state file over the old one); a state file
// that does not load leaves the one in use. A state with transactions
// after the model's end of observation, or one of an earlier end (the job
// writes model.json, then the state: a poll between the two sees the new
// model with the previous state), is answered 503 until the other follows.
//
// Requests are bounded: -max-body bytes and -max-batch customers (413
// beyond), at most -concurrency read and scored at once (the others wait),
// each answered within -timeout (503 beyond).
//
// A model file that does not load at the start is logged, and the server
// waits for it, not ready (/readyz 503, /v1/score 503), reloading it when
// it changes.
//
// The model is reloaded on SIGHUP and when the file changes (polled every
// -poll); a file that does not load leaves the model in use, and the
// failure is logged and counted in /metrics. Requests in flight finish
// on the model they started with. SIGINT or SIGTERM stop the server
// gracefully: it stops accepting connections and lets requests in flight
// finish (for at most -grace).
package main

import "github.com/clvkit/clvkit/internal/cli"

func main() { cli.Main("serve", run) }
