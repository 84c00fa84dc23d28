import type { BreakpointState } from '../../../../shared/model/replay.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { useConnections } from '../../stores/connections.ts';
import { useInsight } from '../../stores/insight.ts';
import { PausedQueue } from './PausedQueue.tsx';
import { HandshakeRules, MessageRules } from './RuleEditors.tsx';

/** Proxy rules and the paused-messages queue, live from the core's breakpoint events. */
export function BreakpointsDialog(props: { onClose(): void }) {
  const data = useTimelineData();
  const state = useInsight((s) => s.breakpoints);
  const order = useConnections((s) => s.order);
  const byId = useConnections((s) => s.byId);
  const labelOf = (id: string): string => `#${order.indexOf(id) + 1} ${byId[id]?.url ?? id}`;
  const keep = (next: BreakpointState): void => {
    useInsight.getState().setBreakpoints(next);
  };
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <div
        className="dialog wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="breakpoints-title"
      >
        <h2 id="breakpoints-title">Breakpoints</h2>
        <section aria-label="Paused">
          <h3>Paused ({state.paused.length})</h3>
          <PausedQueue
            paused={state.paused}
            labelOf={labelOf}
            resolve={async (id, action, edited) => {
              // Not `undefined` as an argument: over the WebSocket transport it arrives as null.
              keep(
                await (edited
                  ? data.api.resolvePaused(id, action, edited)
                  : data.api.resolvePaused(id, action)),
              );
            }}
          />
        </section>
        <MessageRules
          rules={state.rules}
          apply={async (rules) => {
            keep(await data.api.setBreakpointRules(rules));
          }}
        />
        <HandshakeRules
          rules={state.handshakeRules}
          apply={async (rules) => {
            keep(await data.api.setHandshakeRules(rules));
          }}
        />
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => {
              props.onClose();
            }}
          >
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

/** The toolbar button: paused messages at a glance. */
export function BreakpointsButton(props: { onOpen(): void }) {
  const paused = useInsight((s) => s.breakpoints.paused.length);
  const active = useInsight((s) => s.breakpoints.rules.some((rule) => rule.enabled !== false));
  return (
    <button
      type="button"
      onClick={() => {
        props.onOpen();
      }}
      title="Breakpoints: proxy rules and paused messages (B)"
      className={paused > 0 ? 'attention' : undefined}
    >
      {active ? '◉' : '○'} Breakpoints{paused > 0 ? ` · ${paused} paused` : ''}
    </button>
  );
}
