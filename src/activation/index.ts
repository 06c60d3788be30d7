// Acting on the data: KPI alerts (later triggers, destinations and audience exports).

/** Evaluates the alert rules of the config: fires and resolves alerts per rule and period. */
export { evaluateAlerts, checkAlertRules, type AlertCheck, type AlertDeps } from './evaluate-alerts.js';
/** Stored alerts, newest first. */
export { listAlerts } from './alert-store.js';
/** Which period a rule looks at, and up to which day data counts as complete. */
export { alertWindow, alertCutoff, type AlertWindow } from './alert-window.js';
/** Alert conditions: whether one holds, and in words. */
export { conditionHolds, describeCondition, type AlertFigures } from './alert-condition.js';
