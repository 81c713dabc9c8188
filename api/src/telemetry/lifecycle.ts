/**
 * A handle between the instrumentation module (loaded with --import) and the server: the
 * server flushes buffered spans before it exits. Without telemetry it does nothing.
 */
let shutdownHook: () => Promise<void> = async () => {};

export function onTelemetryShutdown(hook: () => Promise<void>): void {
  shutdownHook = hook;
}

export function shutdownTelemetry(): Promise<void> {
  return shutdownHook().catch(() => {});
}
