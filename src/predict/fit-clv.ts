import { randomUUID } from 'node:crypto';
import { TesseraError, type WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import { fitBgNbd, fitGammaGamma, type TimeUnit } from '../models/index.js';
import type { Store } from '../store/index.js';
import { toModelInput } from './customer-histories.js';
import { formatEpochDay, parseEpochDay } from './epoch-day.js';
import { buildFitReport, type ClvFitReport } from './fit-report.js';
import { saveFit } from './fit-store.js';
import { buildHoldoutReport } from './holdout-report.js';
import { readHistories, readOrderDayRange } from './read-histories.js';

export interface FitClvOptions {
  /** Last day of the calibration period, `YYYY-MM-DD` (default: the last day with an order). */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
}

/**
 * Fits BG/NBD and Gamma-Gamma on the store's orders up to the calibration end and keeps the fit.
 * Orders after the calibration end, if any, become the holdout the report checks the fit against.
 */
export async function fitClv(store: Store, workspace: WorkspaceConfig, options: FitClvOptions = {}): Promise<ClvFitReport> {
  const requestedEnd = options.calibrationEnd === undefined ? undefined : parseEpochDay(options.calibrationEnd, '--calibration-end');
  await refreshFacts(store, workspace);
  const range = await readOrderDayRange(store);
  if (!range) throw new TesseraError('invalid_argument', 'there are no orders to fit: import orders first (tessera import … --format orders)');
  const calibrationEnd = requestedEnd ?? range.last;
  if (calibrationEnd < range.first) {
    throw new TesseraError('invalid_argument', `--calibration-end ${formatEpochDay(calibrationEnd)} is before the first order (${formatEpochDay(range.first)})`);
  }
  const timeUnit = options.timeUnit ?? 'day';
  const holdoutEnd = Math.max(calibrationEnd, range.last);
  const histories = await readHistories(store, calibrationEnd, holdoutEnd);
  const input = toModelInput(histories, calibrationEnd, timeUnit);

  const purchases = fitBgNbd(input);
  const spendRows = Array.from(input.frequency, (frequency, i) => ({ frequency, monetary: input.monetary[i] as number }));
  const spend = fitGammaGamma(spendRows);

  const unitDays = timeUnit === 'week' ? 7 : 1;
  const holdout =
    holdoutEnd > calibrationEnd
      ? buildHoldoutReport(purchases, input, histories.holdout, {
          start: formatEpochDay(calibrationEnd + 1),
          end: formatEpochDay(holdoutEnd),
          length: (holdoutEnd - calibrationEnd) / unitDays,
        })
      : null;
  const report = buildFitReport({ fitId: randomUUID(), fittedAt: new Date(), timeUnit, calibrationEnd: formatEpochDay(calibrationEnd) }, purchases, spend, holdout);
  await saveFit(store, report);
  return report;
}
