// Predictive customer value: the models of src/models fitted on the store's orders, predictions
// kept per customer as computed traits, and product recommendations from order baskets.

/** Fits BG/NBD and Gamma-Gamma on the orders up to a calibration end, with a holdout report, and stores the fit. */
export { fitClv, type FitClvOptions } from './fit-clv.js';
/** The report of a fit, as `clv fit --json` prints it. */
export type { ClvFitReport } from './fit-report.js';
/** The calibration/holdout table of a fit. */
export type { HoldoutBucket, HoldoutReport, HoldoutRow } from './holdout-report.js';
/** The latest stored fit, or undefined. */
export { readLatestFit } from './fit-store.js';
/** Scores every customer with the latest fit and replaces the stored predictions. */
export { predictClv, type ClvPredictReport, type PredictClvOptions } from './predict-clv.js';
/** Stored predictions: one customer's, or a page of them by CLV. */
export { readPrediction, readPredictionRun, readPredictions, type CustomerPrediction, type ListedPrediction } from './predictions-store.js';
/** Recommendations for a product page ("frequently bought together", "customers who bought this also bought"). */
export { recommendProduct } from './recommendations.js';
/** Next-product suggestions for a customer that skip what they bought. */
export { recommendCustomer } from './recommendations.js';
/** Shapes of the recommendation answers. */
export type { RecommendationSettings } from './recommendations.js';
/** Shapes of the recommendation answers. */
export type { CustomerRecommendations, ProductRecommendations, RecommendedProduct } from './recommender.js';
/** Whole days since 1970-01-01 of a `YYYY-MM-DD` date, a user error naming `what` otherwise. */
export { parseEpochDay } from './epoch-day.js';
/** The customer id an identifier (type:value) or a customer id stands for. */
