/** The shim's `k6/metrics`: custom metrics record tagged samples. See state.ts for what it does not emulate. */
import { contextTags, record, type Sample, type Tags } from './state.ts';

class Metric {
  readonly name: string;
  private readonly type: Sample['type'];

  constructor(name: string, type: Sample['type']) {
    this.name = name;
    this.type = type;
  }

  add(value: number | boolean, tags: Tags = {}): void {
    record({ metric: this.name, type: this.type, value: Number(value), tags: { ...contextTags(), ...tags } });
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Trend extends Metric {
  constructor(name: string) {
    super(name, 'trend');
  }
}
