// k6's runtime has a console (log, info, warn, error, debug), but @types/k6 does not declare it, and
// the DOM library that usually does would also bring fetch, window and the rest, which k6 does not have.
declare global {
  var console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}

export {};
