// Command serve answers scoring requests over HTTP with the models of a
// forecast run: it loads the model.json that examples/forecast writes and
// scores customers from their summaries exactly as the job did.
//
//	go run ./examples/forecast -out out                    # writes out/model.json
//	go run ./examples/serve -model out/model.json -addr localhost:8080
//
// Endpoints:
//
//	POST /v1/score  {"customers": [{"id", "frequency", "recency", "T", "monetary_value"}, ...]}
//	                → {"customers": [{"id", "p_alive", "expected_purchases", "expected_avg_value", "clv", "churn_tier",
//	                   "discounted_purchases", "p_purchase_window", "p_churn_window", ..., "model_days_between_orders"}, ...]}
//	GET  /healthz   200 while the process serves
//	GET  /readyz    200 once a model is loaded, 503 before
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
