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
/** Cohorts by first-order month: size, retention and revenue per month offset, future cells null. */
export { computeCohorts, type CohortReport } from './cohort-report.js';
export { buildCohortTable, type Cohort, type CohortCellRow } from './cohort-table.js';
/** Rule segments as data: the zod schemas of rules and definitions, and their validation. */
export { Rule, SegmentDefinition, SegmentId, ValueOp, CountOp, FACTS, ITEM_FIELDS, parseOrThrow, type Comparison, type Scalar } from './rule-definition.js';
/** Compiles a rule to a parameterized boolean condition over customer keys. */
export { compileRule, populationRelation, passesCount, type RuleContext } from './compile-rule.js';
/** Stored segment definitions. */
export { saveSegment, listSegments, getSegment, deleteSegment, type StoredSegment } from './segment-store.js';
/** Evaluating rules: members, counts, the live preview. */
export { evaluationPoint, membersQuery, countMembers, listMembers, previewRule, type SegmentMember } from './segment-members.js';
/** The JSON documents of `tessera segments` and the read API, built once for both. */
export { segmentsListReport, segmentShowReport, segmentMembersReport, formatMembers, type MembersReport } from './segment-reports.js';
/** Membership kept over time: entering and leaving recorded with time, daily size snapshots. */
export { refreshMemberships, readSegmentHistory, type MembershipChange, type SegmentHistory } from './segment-history.js';
