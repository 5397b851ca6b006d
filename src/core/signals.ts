/**
 * An AbortSignal that aborts on the first SIGINT or SIGTERM (a cancelled workflow sends SIGINT, then
 * SIGTERM; Ctrl-C sends SIGINT). `onSignal` hears which one, once.
 */
export function abortOnSignals(onSignal?: (signal: NodeJS.Signals) => void): AbortSignal {
  const controller = new AbortController();
  const handle = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    onSignal?.(signal);
    controller.abort();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return controller.signal;
}
