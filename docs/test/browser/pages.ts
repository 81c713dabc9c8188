/** Every page of the walkthrough, with what its Run it panel must show. */

import { type StepName, stepRuns } from '../../src/lab/steps.ts';
import { dashboardSlug, dashboards } from '../../src/lib/dashboard-pages.ts';

export const stepPages = (Object.keys(stepRuns) as StepName[]).map((step) => ({
  step,
  path: `/learn/steps/${step}/`,
  span: stepRuns[step].span,
}));

export const otherPages = [
  '/learn/',
  '/learn/picture/diagram/',
  '/learn/picture/dual-write/',
  '/learn/picture/error-model/',
  '/learn/picture/failure-modes/',
  '/learn/picture/metrics/',
  '/learn/picture/logs/',
  '/learn/recent/',
  '/learn/traces/',
  '/learn/explore/',
  '/learn/drills/',
  '/learn/dashboards/',
  // The reference (the README's long sections).
  ...[
    'request-path',
    'curl',
    'web-client',
    'walkthrough',
    'telemetry',
    'error-model',
    'api',
    'data-flow',
    'full-lab',
    'load-tests',
    'services',
    'security',
    'configuration',
    'migrations',
  ].map((page) => `/learn/reference/${page}/`),
  // One page per provisioned dashboard, generated: a new dashboard is tested without a new line here.
  ...dashboards().map((d) => `/learn/dashboards/${dashboardSlug(d.uid)}/`),
];
