/**
 * The rule engine: connections and entries go in as they happen (O(1) per entry, see facts.ts),
 * and so do the protocol views' annotations (protocol-diagnostics.ts); `findings(now)` re-checks
 * only connections that changed, open ones (their idle time grows) and the URL/origin groups
 * that changed, and returns every current finding.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { ProtocolAnnotation } from '../../../shared/model/protocol.ts';
import { RULES } from './catalog.ts';
import { ConnectionFacts } from './facts.ts';
import { headerValue, originOf } from './headers.ts';
import { ProtocolDiagnostics } from './protocol-diagnostics.ts';
import { deflateRule, http1LimitRule, stormRule } from './rules-group.ts';
import { carriesMcpSession, endpointOf, mcpSessionRule } from './rules-mcp.ts';
import { sseRules, wantsEventStream, type RuleContext } from './rules-sse.ts';
import { deflateWithTakeover, wsRules } from './rules-ws.ts';
import {
  resolveOptions,
  type DiagnosticsOptions,
  type Finding,
  type ResolvedOptions,
} from './types.ts';

const RULE_ORDER = new Map(Object.keys(RULES).map((rule, i) => [rule, i]));

class Group {
  readonly members: ConnectionFacts[] = [];
  readonly ids = new Set<string>();
  findings: Finding[] = [];
  dirty = false;
  add(f: ConnectionFacts): void {
    if (this.ids.has(f.connection.id)) return;
    this.ids.add(f.connection.id);
    this.members.push(f);
  }
}

export class DiagnosticsEngine {
  readonly options: ResolvedOptions;
  readonly #facts = new Map<string, ConnectionFacts>();
  readonly #order = new Map<string, number>();
  readonly #perConnection = new Map<string, Finding[]>();
  readonly #dirty = new Set<string>();
  /** Event streams per URL (reconnects), per origin (HTTP/1.1 limit); deflate sockets per origin. */
  readonly #reconnectsByUrl = new Map<string, Group>();
  readonly #streamsByOrigin = new Map<string, Group>();
  readonly #deflateByOrigin = new Map<string, Group>();
  /** HTTP exchanges and streams per endpoint, once one of them carried `Mcp-Session-Id`. */
  readonly #mcpByEndpoint = new Map<string, Group>();
  readonly #protocols = new ProtocolDiagnostics((id) => this.#facts.get(id)?.connection);
  readonly #lastStreamOfUrl = new Map<string, ConnectionFacts>();
  readonly #streams = new Set<string>();
  readonly #groupsOf = new Map<string, Group[]>();
  readonly #open = new Set<string>();

  constructor(options: DiagnosticsOptions = {}) {
    this.options = resolveOptions(options);
  }

  observeConnection(connection: Connection): void {
    let f = this.#facts.get(connection.id);
    if (f === undefined) {
      f = new ConnectionFacts(connection, this.options);
      this.#facts.set(connection.id, f);
      this.#order.set(connection.id, this.#order.size);
    } else {
      f.connection = connection;
    }
    this.#dirty.add(connection.id);
    if (connection.state === 'open' || connection.state === 'connecting')
      this.#open.add(connection.id);
    else this.#open.delete(connection.id);
    this.#classify(f);
    this.#protocols.connectionChanged(connection.id);
  }

  observeEntry(entry: Entry): void {
    const f = this.#facts.get(entry.connectionId);
    if (f === undefined) return;
    f.observe(entry);
    this.#dirty.add(entry.connectionId);
  }

  /** One entry's protocol messages, in seq order, with the channel the views put it in. */
  observeAnnotation(annotation: ProtocolAnnotation, channelId: string): void {
    this.#protocols.observe(annotation, channelId);
    // An MCP initialize seen after its connection changes its endpoint's verdict.
    if (annotation.messages.some((m) => m.fields.method === 'initialize')) {
      const url = this.#facts.get(annotation.connectionId)?.connection.url;
      const group = url === undefined ? undefined : this.#mcpByEndpoint.get(endpointOf(url));
      if (group !== undefined) group.dirty = true;
    }
  }

  /** The protocol views were rebuilt: what was learnt from annotations is read again. */
  resetProtocols(): void {
    this.#protocols.reset();
    for (const group of this.#mcpByEndpoint.values()) group.dirty = true;
  }

  /** Every current finding, by connection (in the order they appeared), then by rule. */
  findings(now: number = Date.now()): Finding[] {
    const ctx: RuleContext = { options: this.options, now };
    // Open connections' idle time grows with the clock: they are always re-checked.
    for (const id of this.#open) this.#dirty.add(id);
    for (const id of this.#dirty) {
      const f = this.#facts.get(id);
      if (f === undefined) continue;
      const out: Finding[] = [];
      sseRules(f, ctx, out);
      wsRules(f, ctx, out);
      if (out.length > 0) this.#perConnection.set(id, out);
      else this.#perConnection.delete(id);
    }
    this.#dirty.clear();
    for (const group of this.#reconnectsByUrl.values()) {
      if (!group.dirty) continue;
      group.findings = [];
      stormRule(group.members, ctx, group.findings);
      group.dirty = false;
    }
    for (const [origin, group] of this.#streamsByOrigin) {
      if (!group.dirty) continue;
      group.findings = [];
      http1LimitRule(origin, group.members, ctx, group.findings);
      group.dirty = false;
    }
    for (const [origin, group] of this.#deflateByOrigin) {
      if (!group.dirty) continue;
      group.findings = [];
      deflateRule(origin, group.members, ctx, group.findings);
      group.dirty = false;
    }
    for (const [endpoint, group] of this.#mcpByEndpoint) {
      if (!group.dirty) continue;
      group.findings = [];
      mcpSessionRule(endpoint, group.members, ctx, group.findings, (id) =>
        this.#protocols.isInitialize(id),
      );
      group.dirty = false;
    }
    const all: Finding[] = [];
    for (const list of this.#perConnection.values()) all.push(...list);
    const groupMaps = [
      this.#reconnectsByUrl,
      this.#streamsByOrigin,
      this.#deflateByOrigin,
      this.#mcpByEndpoint,
    ];
    for (const groups of groupMaps) {
      for (const group of groups.values()) all.push(...group.findings);
    }
    all.push(...this.#protocols.findings(this.options, now));
    return all.sort(
      (a, b) =>
        (this.#order.get(a.connectionId) ?? 0) - (this.#order.get(b.connectionId) ?? 0) ||
        (RULE_ORDER.get(a.rule) ?? 0) - (RULE_ORDER.get(b.rule) ?? 0),
    );
  }

  /** Puts a connection in the groups the cross-connection rules read. */
  #classify(f: ConnectionFacts): void {
    const c = f.connection;
    const id = c.id;
    const isStream = c.kind === 'sse' || (c.kind === 'http' && wantsEventStream(c));
    if (isStream) {
      if (!this.#streams.has(id)) {
        this.#streams.add(id);
        // A reconnect: linked by `resumes`, or the previous stream to the URL ended before.
        const linked = c.resumes === undefined ? undefined : this.#facts.get(c.resumes);
        const last = this.#lastStreamOfUrl.get(c.url);
        const lastEnded =
          last?.connection.closedAt !== undefined && last.connection.closedAt <= c.openedAt + 1;
        f.previous = linked ?? (lastEnded ? last : undefined);
        this.#lastStreamOfUrl.set(c.url, f);
      }
      // Reconnects are GETs (EventSource) or say what they resume; repeated POSTs are new calls.
      if (
        c.method === 'GET' ||
        c.resumes !== undefined ||
        headerValue(c.requestHeaders, 'last-event-id') !== undefined
      ) {
        this.#join(this.#reconnectsByUrl, c.url, f);
      }
      if (c.kind === 'sse') this.#join(this.#streamsByOrigin, originOf(c.url), f);
    }
    if (c.kind === 'ws' && deflateWithTakeover(c.extensions)) {
      this.#join(this.#deflateByOrigin, originOf(c.url), f);
    }
    if (c.kind !== 'ws') {
      const endpoint = endpointOf(c.url);
      if (carriesMcpSession(f) || this.#mcpByEndpoint.has(endpoint)) {
        this.#join(this.#mcpByEndpoint, endpoint, f);
      }
    }
    // A member's state changed (a close ends its interval): its groups are re-checked.
    for (const group of this.#groupsOf.get(id) ?? []) group.dirty = true;
  }

  #join(groups: Map<string, Group>, key: string, f: ConnectionFacts): void {
    let group = groups.get(key);
    if (group === undefined) {
      group = new Group();
      groups.set(key, group);
    }
    if (!group.ids.has(f.connection.id)) {
      group.add(f);
      const list = this.#groupsOf.get(f.connection.id) ?? [];
      list.push(group);
      this.#groupsOf.set(f.connection.id, list);
    }
    group.dirty = true;
  }
}
