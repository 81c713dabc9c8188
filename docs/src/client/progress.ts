/** Which exercises the learner has passed, kept in this browser only. */
const KEY = 'flowlab.progress';

function read(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

export function passedAt(id: string): string | undefined {
  return read()[id];
}

export function markPassed(id: string): void {
  localStorage.setItem(KEY, JSON.stringify({ ...read(), [id]: new Date().toISOString() }));
}

export function passedCount(): number {
  return Object.keys(read()).length;
}
