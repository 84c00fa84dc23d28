/**
 * SIGINT and SIGTERM ask for a clean stop: close the connection, finish the save, exit 0.
 * The handlers stay installed until the process exits, so repeats (a terminal sends SIGINT to
 * the whole process group; impatient users press Ctrl+C again) never cut a save short; the
 * stop itself is bounded in time by the closing code.
 */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const handler = (): void => {
    if (!controller.signal.aborted) controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller.signal;
}

/** Resolves when `stop` fires (at once if it already has). */
export function untilStopped(stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) resolve();
    else
      stop.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
}
