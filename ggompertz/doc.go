// Package ggompertz implements the Gamma-Gompertz/NBD model of Bemmaor &
// Glady (2012), "Modeling Purchasing Behavior with Sudden 'Death': A
// Flexible Customer Lifetime Model", Management Science 58(5):1012-1021,
// with static covariates in the parametrisation of the R package CLVTools
// (its ggomnbd).
//
// While alive, a customer buys in a Poisson process with rate λ ~
// Gamma(r, α). The customer's lifetime is Gompertz with shape b and an
// individual scale η ~ Gamma(s, β): P(alive at τ | η) = exp(−η(e^{bτ} − 1)),
// so that across customers
//
//	S(τ) = (β / (β + e^{bτ} − 1))^s
//
// (the Gamma-Gompertz distribution). b > 0 lets the dropout hazard change
// with the customer's age; as b → 0 with β/b = κ fixed, S(τ) →
// (κ/(κ+τ))^s and the model becomes the Pareto/NBD with s and β = κ.
// That limit is where a fit on data without a visible age effect runs
// off (CLVTools stops at b ≈ 2e-7 on its apparel data): the fit works in
// (r, α, b, s, κ), reaches b = 0 itself, and returns the limit model with
// status clv.AtBoundary (see FitContext). LimitScoreTest tells without a
// fit whether the data point away from that limit: the score test of
// b = 0 at the Pareto/NBD's estimate, in one pass over the data.
//
// The likelihood of a customer with x repeat purchases, the last at t_x,
// observed to T (Bemmaor & Glady 2012, eq. 4; CLVTools' ggomnbd), is
//
//	L = Γ(r+x)/Γ(r) · α^r · [ (α+T)^−(r+x) · S(T) + ∫_{t_x}^T (α+τ)^−(r+x) f(τ) dτ ],
//
// f = −S' the lifetime density; the integral is computed by Gauss–Legendre
// quadrature on pieces whose number does not grow with x, T or the
// parameters beyond a fixed cap (quad.go). The fit integrates once per
// distinct x over the gaps between its rows' distinct t_x and T where
// that is cheaper, a row's integral then a sum of its gaps' (grid.go).
// P(alive), the conditional
// expected purchases and the discounted expected residual transactions
// (DERT) follow from the same pieces. The conditional expected purchases
// factor as P(alive)·A(x, T, t) (IfAlive, IfAliveCurve,
// ProbabilityAliveAt: interval.AliveFactored and AliveCurve), and the
// survival integral of A is run once along many horizons
// (ConditionalExpectedPurchasesAt, IfAliveCurve). The answers in calendar
// terms of clv.NextPurchaseModel (answers.go) integrate the density of the
// time to the next purchase, P(alive)·E[λe^{−λu} | alive]·S(T+u)/S(T), by
// the same quadrature, a positive integrand.
//
// CovModel carries static covariates (FitCovariates), with its answers
// per customer (CovModel.Outlook, OutlookAll) and CovLimitScoreTest, the
// score test of b = 0 at the Pareto/NBD with the same covariates
// (paretonbd.CovModel's estimate).
package ggompertz
