/**
 * Writes to stdout without losing lines when it is a pipe, and without dying when the reader
 * goes away (`telltale connect … | head` must end quietly).
 */
let broken = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') broken = true;
  else throw error;
});

export function writeStdout(text: string): void {
  if (!broken) process.stdout.write(text);
}

export function flushStdout(): Promise<void> {
  if (broken) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.write('', () => {
      resolve();
    });
  });
}
