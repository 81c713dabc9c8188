/** The shim's `k6/execution`: what the harness set for the current iteration. See state.ts. */
import { shimState, TestAborted } from './state.ts';

export const scenario = {
  get name() {
    return shimState().context.scenario;
  },
  get iterationInTest() {
    return shimState().context.iterationInTest;
  },
  get iterationInInstance() {
    return shimState().context.iterationInTest;
  },
  get startTime() {
    return shimState().startedAt;
  },
  executor: 'shim',
  progress: 0,
};

export const vu = {
  get idInTest() {
    return shimState().context.vu;
  },
  get idInInstance() {
    return shimState().context.vu;
  },
  get iterationInScenario() {
    return shimState().context.iterationInScenario;
  },
  get iterationInInstance() {
    return shimState().context.iter;
  },
  tags: {},
  metrics: { tags: {}, metadata: {} },
};

export const test = {
  abort(reason = ''): never {
    shimState().aborted = reason;
    throw new TestAborted(reason);
  },
  options: {},
};

export const instance = {
  get currentTestRunDuration() {
    return Date.now() - shimState().startedAt;
  },
  iterationsCompleted: 0,
  iterationsInterrupted: 0,
  vusActive: 1,
  vusInitialized: 1,
};

export default { scenario, vu, test, instance };
