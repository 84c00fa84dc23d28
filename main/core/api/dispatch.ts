import type { CommandName, InspectorCommands } from '../../../shared/api.ts';
import { apiCommandNames } from '../../../shared/api.ts';
import { maxCommandBytes } from '../../../shared/ipc.ts';
import { ApiError } from './api-error.ts';
import { commandArgs } from './schemas.ts';

const known = new Set<string>(apiCommandNames);

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && known.has(name);
}

/**
 * The one gate every host calls: the command must exist, its arguments must fit the schema and
 * the size limit, or nothing happens and the caller gets a clear error.
 * `serializedBytes` is the size of the message that carried the arguments, when the transport
 * knows it (the WebSocket server does); otherwise it is measured here.
 */
export async function dispatchCommand(
  service: InspectorCommands,
  name: unknown,
  args: unknown,
  serializedBytes?: number,
): Promise<unknown> {
  if (!isCommandName(name)) {
    throw new ApiError(
      'unknown-command',
      `unknown command ${JSON.stringify(String(name)).slice(0, 80)}`,
    );
  }
  const size = serializedBytes ?? jsonSize(args);
  if (size > maxCommandBytes) {
    throw new ApiError(
      'too-large',
      `arguments of ${name} are ${size} bytes; the limit is ${maxCommandBytes}`,
    );
  }
  const parsed = commandArgs[name].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ApiError(
      'invalid-arguments',
      `${name}: invalid arguments${where}: ${issue?.message ?? 'rejected'}`,
    );
  }
  // Applied to its own object: `this` stays the service.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const method = service[name] as (...a: unknown[]) => Promise<unknown>;
  return method.apply(service, parsed.data as unknown[]);
}

function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value ?? null).length;
  } catch {
    return Infinity;
  }
}
