// Package gammagamma implements the gamma-gamma model of the mean value of
// a customer's purchases (Fader, Hardie & Lee 2005, "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis", Journal of Marketing
// Research 42(4):415–430; Fader & Hardie 2013, "The Gamma-Gamma Model of
// Monetary Value").
//
// Each purchase's value is Gamma(p, ν) with the customer's own rate ν, and
// ν ~ Gamma(q, γ) across customers. The mean value m̄ of a customer's x
// purchases then has a known distribution, and the customer's expected
// value per purchase shrinks m̄ toward the population mean pγ/(q−1).
//
// The model assumes that the value of a customer's purchases does not
// depend on how often the customer buys; FrequencyValueCorrelation checks
// that assumption on the data. It uses only customers with repeat
// purchases (x > 0), whose MonetaryValue is the mean of those purchases.
//
// # Limits
//
// The shapes measure two spreads: a purchase's value varies around its
// customer's mean with coefficient of variation 1/√p, the rate ν across
// customers with 1/√q. When the data say a spread is zero, the likelihood
// is highest in a limit of the model, and Fit returns the limit model,
// with the vanishing shape held at 1e10, status clv.AtBoundary, the limit
// in FitInfo.Reason and an error wrapping clv.ErrBoundary:
//
//   - q, γ → ∞ with pγ/q → μ (the customers' mean amounts differ no more
//     than single purchases do): every customer's expected value per
//     purchase is μ, whatever its own mean;
//   - p → ∞, γ → 0 with pγ → δ (every purchase of a customer is worth the
//     same, prices differ across customers): a customer's expected value is
//     its own mean m̄, the means following an inverse gamma distribution
//     with shape q and scale δ, whose mean δ/(q−1) values a new customer;
//   - both (one price for every purchase): the spend distribution is a
//     point mass at μ, and every expected value is μ; the likelihood has no
//     finite maximum, and the model's is that at the held shapes.
//
// With a spread near zero but not zero the maximum is at the boundary for
// about half of the samples, as for any variance whose true value is 0; on
// the others the fit converges, with a large shape.
package gammagamma
