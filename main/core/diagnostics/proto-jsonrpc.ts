/**
 * JSON-RPC 2.0 (MCP included) over one channel: requests never answered, answers given twice or
 * to ids nobody asked, and the error responses by code. Either side may call the other, so ids
 * are kept per direction of the request.
 */
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { idKey } from '../protocol/dissect/text.ts';
import { finding, plural } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  other,
  Sightings,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

/** Answered ids remembered per channel to tell a second answer from a stray one. */
const maxAnsweredKept = 10_000;
/** Distinct error codes (and methods per code) told apart; the rest are only counted. */
const maxCodesKept = 100;

interface ErrorCode {
  code: number;
  message: string;
  count: number;
  methods: Map<string, number>;
}

export class JsonRpcTracker implements ProtocolTracker {
  readonly #pending = new Pending<{ method: string; id: string }>();
  readonly #answered = new Set<string>();
  readonly #requests = { out: 0, in: 0 };
  readonly #duplicates = new Sightings();
  readonly #unknown = new Sightings();
  readonly #errors = new Map<number, ErrorCode>();
  readonly #errorSightings = new Sightings();

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    const id = m.fields.id;
    if (m.kind === 'request') {
      if (id === undefined || id === null) return;
      const key = `${a.direction}\u0000${idKey(id)}`;
      this.#requests[a.direction]++;
      this.#answered.delete(key);
      this.#pending.add(key, {
        seq: a.seq,
        time: a.time,
        connectionId: a.connectionId,
        data: { method: callName(m), id: idKey(id) },
      });
      return;
    }
    if (m.kind !== 'response' && m.kind !== 'error') return;
    let method: string | undefined;
    // A null id answers nothing by design (the server could not read the request's id).
    if (id !== undefined && id !== null) {
      const key = `${other(a.direction)}\u0000${idKey(id)}`;
      const request = this.#pending.take(key);
      if (request !== undefined) {
        method = request.data.method;
        this.#remember(key);
      } else if (this.#answered.has(key)) {
        this.#duplicates.add(a, `#${idKey(id)}`);
      } else if (this.#requests[other(a.direction)] > 0) {
        // Only where requests that way were seen: a capture that missed them proves nothing.
        this.#unknown.add(a, `#${idKey(id)}`);
      }
    }
    if (m.kind === 'error') this.#error(a, m, method);
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    unansweredFinding(
      RULE.jsonrpcUnanswered,
      this.#pending,
      channel,
      { one: 'request', many: 'requests', without: 'a response' },
      (w) => `${w.data.method} #${w.data.id} (${age(w, channel)})`,
      out,
    );
    this.#duplicates.report(
      RULE.jsonrpcDuplicateResponse,
      out,
      (count, examples) =>
        `${plural(count, 'response')} answered a request that was already answered: ${examples}.`,
    );
    this.#unknown.report(
      RULE.jsonrpcUnknownId,
      out,
      (count, examples) =>
        `${plural(count, 'response')} carried an id that no request had: ${examples}.`,
    );
    const errors = this.#errorSightings;
    if (errors.count > 0 && errors.connectionId !== undefined) {
      const codes = [...this.#errors.values()]
        .sort((x, y) => y.count - x.count)
        .map((e) => {
          const methods = [...e.methods]
            .sort((x, y) => y[1] - x[1])
            .slice(0, 3)
            .map(([name, n]) => `${name} ×${n}`)
            .join(', ');
          return `${e.code} "${e.message}" ×${e.count}${methods === '' ? '' : ` (${methods})`}`;
        });
      out.push(
        finding(
          RULE.jsonrpcErrorResponses,
          errors.connectionId,
          `${plural(errors.count, 'error response')}: ${codes.slice(0, 5).join('; ')}${codes.length > 5 ? '; …' : ''}.`,
          { seqs: errors.seqs },
        ),
      );
    }
  }

  #error(a: ProtocolAnnotation, m: ProtocolMessage, method: string | undefined): void {
    const code = m.fields.errorCode;
    if (typeof code !== 'number') return;
    this.#errorSightings.add(a);
    let entry = this.#errors.get(code);
    if (entry === undefined) {
      if (this.#errors.size >= maxCodesKept) return;
      entry = {
        code,
        message: typeof m.fields.errorMessage === 'string' ? m.fields.errorMessage : '',
        count: 0,
        methods: new Map(),
      };
      this.#errors.set(code, entry);
    }
    entry.count++;
    if (method !== undefined && (entry.methods.has(method) || entry.methods.size < maxCodesKept)) {
      entry.methods.set(method, (entry.methods.get(method) ?? 0) + 1);
    }
  }

  #remember(key: string): void {
    this.#answered.add(key);
    if (this.#answered.size <= maxAnsweredKept) return;
    for (const oldest of this.#answered) {
      this.#answered.delete(oldest);
      break;
    }
  }
}

/** The method, with what an MCP call is about (`tools/call search`). */
function callName(m: ProtocolMessage): string {
  const about = m.fields.tool ?? m.fields.prompt ?? m.fields.resource;
  const method = String(m.fields.method);
  return typeof about === 'string' ? `${method} ${about}` : method;
}
