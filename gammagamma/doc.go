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
package gammagamma
