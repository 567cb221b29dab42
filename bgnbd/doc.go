// Package bgnbd implements the beta-geometric/negative binomial (BG/NBD)
// model of repeat purchasing of Fader, Hardie & Lee (2005), "Counting Your
// Customers" the Easy Way: An Alternative to the Pareto/NBD Model,
// Marketing Science 24(2):275–284.
//
// While active, a customer buys at the times of a Poisson process with rate
// λ; after each purchase, the customer drops out with probability p. Across
// customers, λ ~ Gamma(r, α) (shape r, rate α) and p ~ Beta(a, b). From each
// customer's summary (x = Frequency, t_x = Recency, T; see clv.Customer) the
// model gives the probability that the customer is still active, the
// expected number of purchases in a coming period, and its distribution.
//
// Fit estimates the parameters by maximum likelihood; New builds a Model
// from known parameters for scoring without fitting. A Model is immutable
// and safe for concurrent use, and round-trips through encoding/json.
package bgnbd
