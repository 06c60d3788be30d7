/**
 * The A/B test the demo ships with: a first-order offer banner. The treatment shows a 15% coupon
 * and raises the purchase rate of people who see it while it runs, so the experiment statistics
 * have a real (modest) effect to find.
 */
import { avalanche } from './random.js';
import { DAY_MS } from './time.js';

export interface Experiment {
  experiment_id: string;
  experiment_name: string;
  startMs: number;
  endMs: number;
  control: { variation_id: string; variation_name: string };
  treatment: { variation_id: string; variation_name: string };
  /** Multiplier on the purchase rate of the treatment while the experiment runs. */
  lift: number;
}

/** Runs ten weeks from 40% into the range. */
export function planExperiment(startMs: number, endMs: number): Experiment {
  const begin = startMs + Math.floor(((endMs - startMs) * 0.4) / DAY_MS) * DAY_MS;
  return {
    experiment_id: 'exp_first_order_offer',
    experiment_name: 'First order offer banner',
    startMs: begin,
    endMs: Math.min(endMs, begin + 70 * DAY_MS),
    control: { variation_id: 'control', variation_name: 'No banner' },
    treatment: { variation_id: 'offer_15', variation_name: '15% off banner' },
    lift: 1.3,
  };
}

/** Assignment is by person, as a testing tool keyed on a stable id would do it. */
export function isTreatment(seed: number, personIndex: number): boolean {
  return (avalanche(seed ^ Math.imul(personIndex + 1, 0x27d4eb2f)) & 1) === 1;
}

export function isRunning(experiment: Experiment, ms: number): boolean {
  return ms >= experiment.startMs && ms < experiment.endMs;
}
