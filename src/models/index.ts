// Pure math: customer-base models, association rules, experiment statistics. No I/O here.

/** Per-customer (x, t_x, T, m_x) from a transaction log, as lifetimes' summary_data_from_transaction_data. */
export { summarizeCustomers } from './customer-summary.js';
/** Whole days since 1970-01-01 (UTC) of a Date or an epoch-day number. */
export { toEpochDay } from './customer-summary.js';
/** Transaction, summary row, and options of `summarizeCustomers`; TimeUnit is 'day' or 'week' (days / 7). */
export type { CustomerSummary, SummaryOptions, TimeUnit, Transaction } from './customer-summary.js';

/** Collapses customers with identical (x, t_x, T) into weighted rows: the input every fit is fastest on. */
export { groupHistories } from './grouped-summary.js';
/** A customer's (x, t_x, T), as rows, as columns, or grouped with weights. */
export type { GroupedHistories, PurchaseHistory, PurchaseHistoryColumns } from './grouped-summary.js';

/** Parameters, fit result and fit options shared by BG/NBD and MBG/NBD, and the name of each variant. */
export type { BetaGeometricVariant, BgNbdFit, BgNbdFitOptions, BgNbdParams } from './beta-geometric.js';
/** Maximum-likelihood BG/NBD fit. */
export { fitBgNbd } from './bgnbd.js';
/** BG/NBD log-likelihood with its analytic gradient. */
export { bgNbdLogLikelihood } from './bgnbd.js';
/** BG/NBD expected repeat purchases E[X(t)] of a new customer. */
export { bgNbdExpectedPurchases } from './bgnbd.js';
/** BG/NBD expected purchases in the next t given a customer's history. */
export { bgNbdConditionalExpectedPurchases } from './bgnbd.js';
/** BG/NBD probability that a customer is still alive. */
export { bgNbdProbabilityAlive } from './bgnbd.js';

/** Maximum-likelihood MBG/NBD fit (dropout possible after the first purchase too). */
export { fitModifiedBgNbd } from './modified-bgnbd.js';
/** MBG/NBD log-likelihood with its analytic gradient. */
export { modifiedBgNbdLogLikelihood } from './modified-bgnbd.js';
/** MBG/NBD expected repeat purchases E[X(t)] of a new customer. */
export { modifiedBgNbdExpectedPurchases } from './modified-bgnbd.js';
/** MBG/NBD expected purchases in the next t given a customer's history. */
export { modifiedBgNbdConditionalExpectedPurchases } from './modified-bgnbd.js';
/** MBG/NBD probability that a customer is still alive. */
export { modifiedBgNbdProbabilityAlive } from './modified-bgnbd.js';

/** Maximum-likelihood Pareto/NBD fit. */
export { fitParetoNbd } from './pareto-nbd.js';
/** Pareto/NBD log-likelihood with its analytic gradient. */
export { paretoNbdLogLikelihood } from './pareto-nbd.js';
/** Pareto/NBD expected repeat purchases E[X(t)] of a new customer. */
export { paretoNbdExpectedPurchases } from './pareto-nbd.js';
/** Pareto/NBD expected purchases in the next t given a customer's history. */
export { paretoNbdConditionalExpectedPurchases } from './pareto-nbd.js';
/** Pareto/NBD probability that a customer is still alive. */
export { paretoNbdProbabilityAlive } from './pareto-nbd.js';
/** Pareto/NBD parameters, fit result and fit options. */
export type { ParetoNbdFit, ParetoNbdFitOptions, ParetoNbdParams } from './pareto-nbd.js';

/** Maximum-likelihood Gamma-Gamma spend fit on customers with repeat purchases. */
export { fitGammaGamma } from './gamma-gamma.js';
/** Gamma-Gamma log-likelihood with its analytic gradient. */
export { gammaGammaLogLikelihood } from './gamma-gamma.js';
/** Expected mean transaction value of a customer (lifetimes' conditional_expected_average_profit). */
export { gammaGammaExpectedSpend } from './gamma-gamma.js';
/** Gamma-Gamma parameters, fit result, options and input. */
export type { GammaGammaFit, GammaGammaFitOptions, GammaGammaParams, SpendHistory } from './gamma-gamma.js';

/** Discounted monthly lifetime value of one customer under any purchase model, as lifetimes' customer_lifetime_value. */
export { customerLifetimeValue } from './lifetime-value.js';
/** The same for many customers under BG/NBD or MBG/NBD, sharing work across equal (x, T). */
export { estimateLifetimeValues } from './lifetime-value.js';
/** Options and input of the lifetime-value functions. */
export type { BatchLifetimeValueOptions, LifetimeValueOptions, ValueHistory } from './lifetime-value.js';

/** Item-pair rules with support, confidence and lift over baskets. */
export { mineAssociationRules } from './association-rules.js';
/** "Customers who bought X also bought": strongest rules from one item. */
export { findAlsoBought } from './association-rules.js';
/** Next-item suggestions for a customer, excluding what they already bought. */
export { suggestNextItems } from './association-rules.js';
/** Association rule, mined rule set, thresholds and suggestion types. */
export type { AssociationOptions, AssociationRule, AssociationRules, ItemSuggestion } from './association-rules.js';

/** Draws synthetic (x, t_x, T) from BG/NBD or MBG/NBD, for tests, demos and benchmarks. */
export { simulateBgNbd } from './simulate.js';
/** Draws synthetic (x, t_x, T) from Pareto/NBD. */
export { simulateParetoNbd } from './simulate.js';
/** Draws synthetic mean repeat spend from Gamma-Gamma. */
export { simulateSpend } from './simulate.js';
/** Options and output of `simulateBgNbd`. */
export type { ParetoSimulationOptions, SimulatedHistories, SimulationOptions } from './simulate.js';
/** A seeded pseudo-random generator with uniform, normal, exponential, gamma and beta draws. */
export { createRandom } from './random.js';
/** The generator's interface. */
export type { Random } from './random.js';

/** ln Γ(x), ψ(x), ln B(a, b), ₂F₁ and log-sum-exp helpers. */
export { digamma, hypergeometric2F1, logAddExp, logBeta, logGamma, logSumExp } from './special-functions.js';
/** BFGS minimiser with a strong-Wolfe line search. */
export { minimizeBfgs } from './optimizer.js';
/** Objective, options and result of `minimizeBfgs`. */
export type { MinimizeOptions, MinimizeResult, Objective } from './optimizer.js';
