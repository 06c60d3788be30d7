// Segmentation: RFM, the recency-frequency matrix and its movement, cohorts, and rule segments
// declared as data and compiled to parameterized SQL.

/** Pure RFM scoring (quintile cut points, scores, the 25 named cells) as metrics.md defines it. */
export { scoreRfm, cutPoints, quantileLinear, rfmSegmentOf, rfmSegmentCells, RFM_SEGMENT_NAMES, type RfmSegmentName, type Score } from './rfm-score.js';
/** The recency-frequency matrix bands. */
export { recencyBand, frequencyBand, matrixCells, RECENCY_BANDS, FREQUENCY_BANDS, type RecencyBand, type FrequencyBand } from './rf-matrix.js';
/** RFM, the matrix and its movement as of a day, read from the metric facts. */
export { computeRfm, readRfm, readMovement, lastDataDay, type RfmReport, type RfmCustomer, type RfmOptions, type MatrixCell, type Movement, type MovementCell } from './rfm-report.js';
/** Reporting days: parsing, their end instant, shifting by a year or a month. */
export { parseDay, asOfDay, shiftDay, type AsOf } from './as-of.js';
/** Cohorts by first-order month or by acquisition source: size, retention and revenue per month offset, future cells null. */
export { computeCohorts, COHORT_BY, NO_SOURCE, type CohortReport, type CohortBy } from './cohort-report.js';
/** Cohorts by acquisition source laid out (pure): retention over the customers who have lived each offset. */
export { buildSourceCohortTable, type SourceCohort, type SourceStartRow } from './source-cohort-table.js';
export { buildCohortTable, type Cohort, type CohortCellRow } from './cohort-table.js';
/** Rule segments as data: the zod schemas of rules and definitions, and their validation. */
export { Rule, SegmentDefinition, SegmentId, ValueOp, CountOp, FACTS, ITEM_FIELDS, parseOrThrow, type Comparison, type Scalar } from './rule-definition.js';
/** Compiles a rule to a parameterized boolean condition over customer keys, or to the query of its members. */
export { compileRule, ruleRelation, populationRelation, passesCount, type RuleContext } from './compile-rule.js';
/** Stored segment definitions. */
export { saveSegment, listSegments, getSegment, deleteSegment, type StoredSegment } from './segment-store.js';
/** Evaluating rules: members, counts, the live preview. */
export { evaluationPoint, membersQuery, countMembers, listMembers, previewRule, type SegmentMember } from './segment-members.js';
/** The JSON documents of `tessera segments` and the read API, built once for both. */
export { segmentsListReport, segmentShowReport, segmentMembersReport, formatMembers, type MembersReport } from './segment-reports.js';
/** Membership kept over time: entering and leaving recorded with time, daily size snapshots. */
export { refreshMemberships, readSegmentHistory, type MembershipChange, type SegmentHistory } from './segment-history.js';
/** The retention view: per segment, month-to-date sales against last month and last year, top products, movement year over year. */
export { computeSegmentRetention, readSegmentRetention } from './retention-report.js';
/** The retention view's windows: month to date and the same days of last month and last year. */
export { retentionWindows, monthToDate } from './retention-windows.js';
/** The segments a customer is in now (open membership spells). */
export { customerSegments, type CustomerSegment } from './customer-segments.js';
/** Exact quantiles (quantile_cont's numbers) of a column read from its histogram, for the RFM cut points. */
export { exactQuantiles } from './exact-quantiles.js';
