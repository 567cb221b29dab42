// Package campaign measures what a marketing campaign brought: it compares
// what the contacted customers actually bought in a window after the
// campaign date with what a purchase model fitted on the log up to that
// date expected them to buy without it, with predictive intervals, and,
// given a control group that was not contacted, sets the
// difference-in-differences estimate beside the model's.
//
// # Method
//
// Let G be a group of n contacted customers with summaries (x_i, t_x,i,
// T_i) at the campaign date (T measured to the date), Y_i the purchases
// customer i makes in the window (T_i, T_i+t], and A = Σ Y_i what they
// actually bought. Without the campaign they would have bought B = Σ Y_i⁰,
// whose distribution the model gives. The campaign's effect on these
// customers is Δ = A − B (the purchases it caused among them, a realized
// quantity: zero for a campaign without effect). The estimate is
//
//	Δ̂ = A − E[B],  E[B] = Σ E[Y_i | x_i, t_x,i, T_i]  (the fitted model),
//
// and its interval comes from the distribution of the error Δ̂ − Δ =
// B − E[B]. Given parameters θ_d the customers' counts are independent, so
// B has mean μ_d = Σ E_d[Y_i] and variance v = Σ Var[Y_i], the process
// noise, taken at the fitted parameters for every draw (Var from the
// model's distribution of purchases, P(Y = k), summed until what is left
// is below 10⁻¹⁰; in closed form for models that give it,
// clv.AlivePurchaseMoment, as Pareto/NBD does). For many customers B is
// close to normal; over parameter draws θ_1..θ_D (e.g. from the models'
// SampleParams, the Laplace approximation) its distribution is the
// mixture
//
//	F(b) = (1/D) Σ_d Φ((b − μ_d)/√v),
//
// and the interval of Δ at level L is [A − b_hi, A − b_lo] with
// F(b_lo) = (1−L)/2, F(b_hi) = (1+L)/2. Revenue is the same with each
// customer's purchases valued by the spend model: μ_d = Σ s_i E_d[Y_i]
// with s_i the expected value per purchase, and the variance of
// Σ_{k≤Y_i} S_ik, E[Y](E[S²] − E[S_k S_l]) + E[Y²] E[S_k S_l] − E[Y]² s_i²,
// which for spend models that give the values' second moments
// (clv.ValueMoments, as Gamma-Gamma does) carries the values' own scatter
// (one customer's values share their ν) and for other spend models takes
// them at s_i.
// Incremental profit is margin · Δ_revenue − cost · n and the return on
// the campaign's cost ROI = profit / (cost · n), their intervals from
// Δ_revenue's.
//
// The finite number D of draws leaves a Monte-Carlo error in the
// intervals' ends, which Result.MCError estimates from the draws (the
// delta method at the mixture's quantiles) as a share of the interval's
// half-width: about √(f/(z²D) + f²/(2D)), f the share of the interval's
// variance that comes from the parameters and z the level's normal
// quantile (6% at f = 0.3 with 40 draws at 90%, 15% at f = 1); it tells
// whether more draws are worth their time.
//
// The work is done once per distinct (x, t_x, T) among the contacted and
// control customers (the grouping kernel, internal/rows), on all cores:
// the process variances once, and for each draw the expected purchases of
// every distinct row, A(x, T, t) once per distinct (x, T) and P(alive)
// per row. For 10⁶ customers on day-rounded dates (179,000 distinct rows;
// BenchmarkMeasure1e6, on a shared 2-core machine) a draw costs 10–16 ms
// of CPU (BG/NBD, Pareto/NBD) and the rest 0.35–0.47 CPU-seconds with the
// groups given by their indices into the customers (Input.ContactedAt,
// ControlAt), 0.7–0.95 by ids, whose lookup is then half the cost: with 40
// draws and indices 0.86–1.04 CPU-seconds in all.
//
// # With a control group
//
// With a control group C of m customers not contacted, r = n/m, two more
// estimates of Δ are reported, each scaled to the n contacted customers:
//
//	difference-in-differences  Δ̂_DiD = (A − E[B]) − r (A_C − E[B_C]),
//	difference in means        Δ̂_diff = A − r A_C.
//
// Δ̂_DiD subtracts the model's error on the control group (actual −
// expected where nothing happened) from its error on the contacted: a
// model whose baseline is off by the same share in both groups cancels.
// Its interval is that of the mixture over draws of
// N(μ_d − E[B] − r(μ_C,d − E[B_C]), v + r² v_C), in which most of the
// parameters' uncertainty cancels. Δ̂_diff uses no model: with contacted
// and control drawn at random from the same customers it is unbiased, its
// interval normal with variance (n + r² m) s_C², s_C² the variance of the
// control customers' outcomes. When Δ̂ and Δ̂_DiD disagree by more than
// their intervals allow, the model's baseline is not fair to these
// customers.
//
// # Assumptions
//
// The purchase model describes the customers' behaviour without the
// campaign, fitted on the log up to the date (the campaign did not act
// before it); customers act independently of one another given the
// parameters; the window's purchases are counted as the summaries count
// them (purchases on one day merged); the normal approximation of a sum
// needs groups whose expected purchases are not tiny (its coverage is
// tested at 90% on groups of about 1,250 one-time buyers expecting about
// 80 purchases in the window); the process variance under the fitted
// parameters stands for that under every draw; the spend model's
// parameters are taken as fitted (the draws are of the purchase model's).
// Δ is the effect on the customers contacted (not on the whole base),
// realized in this window.
//
// A log of dates counts the campaign date's own purchases in the summaries
// but measures T to the start of that day (the convention of Summarize and
// the Python lifetimes package): customers first seen a few weeks before
// the date then look a day less active than they are, and the model
// expects a few percent too much of them. A control group shows such a
// bias in its actual − expected, and the difference in differences
// removes it.
package campaign
