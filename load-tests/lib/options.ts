/** The options every scenario shares; a scenario file adds its executors, its steps and its own thresholds. */
import type { Options, Scenario, Threshold } from 'k6/options';
import { type SloOptions, type Step, sloThresholds } from './slo.ts';
import { summaryTrendStats } from './summary.ts';

export const LIFECYCLE_STEPS: Step[] = ['register', 'login', 'create', 'list', 'read', 'complete', 'related', 'delete'];

export function scenarioOptions(spec: {
  scenarios: Record<string, Scenario>;
  steps: Step[];
  slo?: SloOptions;
  thresholds?: Record<string, Threshold[]>;
}): Options {
  return {
    scenarios: spec.scenarios,
    thresholds: { ...sloThresholds(spec.steps, spec.slo), ...spec.thresholds },
    summaryTrendStats,
    // Registering the pool is scrypt-bound, and may wait out the auth limit once (Retry-After, up to 60 s).
    setupTimeout: '3m',
    teardownTimeout: '1m',
    // Only the tags the dashboards split by become labels; url would be one series per todo id.
    systemTags: ['status', 'method', 'name', 'scenario', 'expected_response', 'check', 'error_code'],
  };
}
