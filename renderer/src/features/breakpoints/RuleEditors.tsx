import { useState } from 'react';
import type { BreakpointRule, HandshakeRule } from '../../../../shared/model/replay.ts';
import { errorMessage } from '../../components/format.ts';
import { draftOf, filterProblem, newRuleId, ruleOf, type HandshakeDraft } from './rules.ts';

const actions: BreakpointRule['action'][] = ['pause', 'drop', 'rewrite'];

/** Message rules: a filter (checked as you type), what to do with a match, on or off. */
export function MessageRules(props: {
  rules: BreakpointRule[];
  apply(rules: BreakpointRule[]): Promise<unknown>;
}) {
  const [draft, setDraftState] = useState(props.rules);
  const [base, setBase] = useState(props.rules);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  // Rules the core reports (boot, another window) replace the form unless it holds edits.
  if (props.rules !== base) {
    setBase(props.rules);
    if (!dirty) setDraftState(props.rules);
  }
  const setDraft = (next: BreakpointRule[]): void => {
    setDraftState(next);
    setDirty(true);
  };
  const problems = draft.map((rule) => filterProblem(rule.filter));
  const update = (index: number, patch: Partial<BreakpointRule>): void => {
    setDraft(draft.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)));
    setStatus(null);
  };
  return (
    <section aria-label="Message rules">
      <h3>Message rules</h3>
      <p className="hint-text">
        The first enabled rule whose filter matches a proxied message decides: pause it here, drop
        it, or forward the replacement text instead.
      </p>
      <ol className="rule-list">
        {draft.map((rule, index) => (
          <li key={rule.id} className="rule">
            <div className="field-row">
              <input
                type="checkbox"
                aria-label="Enabled"
                checked={rule.enabled !== false}
                onChange={(event) => {
                  update(index, { enabled: event.target.checked });
                }}
              />
              <input
                className={problems[index] ? 'grow invalid' : 'grow'}
                aria-label="Rule filter"
                aria-invalid={problems[index] !== null}
                placeholder="e.g. dir:out json:type=order (empty: every message)"
                value={rule.filter}
                onChange={(event) => {
                  update(index, { filter: event.target.value });
                }}
              />
              <select
                aria-label="Action"
                value={rule.action}
                onChange={(event) => {
                  update(index, { action: event.target.value as BreakpointRule['action'] });
                }}
              >
                {actions.map((action) => (
                  <option key={action} value={action}>
                    {action}
                  </option>
                ))}
              </select>
              <button
                type="button"
                aria-label="Remove rule"
                onClick={() => {
                  setDraft(draft.filter((_, i) => i !== index));
                }}
              >
                ✕
              </button>
            </div>
            {problems[index] && <p className="error-text">{problems[index]}</p>}
            {rule.action === 'rewrite' && (
              <input
                className="grow"
                aria-label="Replacement"
                placeholder="text forwarded instead"
                value={rule.replacement ?? ''}
                onChange={(event) => {
                  update(index, { replacement: event.target.value });
                }}
              />
            )}
          </li>
        ))}
      </ol>
      <div className="field-row">
        <button
          type="button"
          onClick={() => {
            setDraft([
              ...draft,
              { id: newRuleId('rule'), filter: '', action: 'pause', enabled: true },
            ]);
          }}
        >
          Add rule
        </button>
        <button
          type="button"
          className="primary"
          disabled={problems.some((problem) => problem !== null)}
          onClick={() => {
            props.apply(draft).then(
              () => {
                setDirty(false);
                setStatus(`Applied ${draft.length} rule${draft.length === 1 ? '' : 's'}.`);
              },
              (error: unknown) => {
                setStatus(`Not applied: ${errorMessage(error)}`);
              },
            );
          }}
        >
          Apply rules
        </button>
        <span aria-live="polite">{status ?? ''}</span>
      </div>
    </section>
  );
}

/** Handshake rules: header changes on WebSocket upgrades whose URL matches. */
export function HandshakeRules(props: {
  rules: HandshakeRule[];
  apply(rules: HandshakeRule[]): Promise<unknown>;
}) {
  const [draft, setDraftState] = useState<HandshakeDraft[]>(() => props.rules.map(draftOf));
  const [base, setBase] = useState(props.rules);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  if (props.rules !== base) {
    setBase(props.rules);
    if (!dirty) setDraftState(props.rules.map(draftOf));
  }
  const setDraft = (next: HandshakeDraft[]): void => {
    setDraftState(next);
    setDirty(true);
  };
  const built = draft.map(ruleOf);
  const update = (index: number, patch: Partial<HandshakeDraft>): void => {
    setDraft(draft.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)));
    setStatus(null);
  };
  return (
    <section aria-label="Handshake rules">
      <h3>Handshake rules</h3>
      <ol className="rule-list">
        {draft.map((rule, index) => {
          const result = built[index];
          return (
            <li key={rule.id} className="rule">
              <div className="field-row">
                <input
                  type="checkbox"
                  aria-label="Enabled"
                  checked={rule.enabled}
                  onChange={(event) => {
                    update(index, { enabled: event.target.checked });
                  }}
                />
                <input
                  className="grow"
                  aria-label="URL pattern"
                  placeholder="wss://api.example.com/* (empty: every upgrade)"
                  value={rule.url}
                  onChange={(event) => {
                    update(index, { url: event.target.value });
                  }}
                />
                <button
                  type="button"
                  aria-label="Remove handshake rule"
                  onClick={() => {
                    setDraft(draft.filter((_, i) => i !== index));
                  }}
                >
                  ✕
                </button>
              </div>
              <div className="field-row">
                <label className="field grow">
                  <span>Set (Name: value per line)</span>
                  <textarea
                    value={rule.set}
                    onChange={(event) => {
                      update(index, { set: event.target.value });
                    }}
                  />
                </label>
                <label className="field grow">
                  <span>Add</span>
                  <textarea
                    value={rule.add}
                    onChange={(event) => {
                      update(index, { add: event.target.value });
                    }}
                  />
                </label>
                <label className="field">
                  <span>Remove (names)</span>
                  <input
                    value={rule.remove}
                    onChange={(event) => {
                      update(index, { remove: event.target.value });
                    }}
                  />
                </label>
              </div>
              {typeof result === 'string' && <p className="error-text">{result}</p>}
            </li>
          );
        })}
      </ol>
      <div className="field-row">
        <button
          type="button"
          onClick={() => {
            setDraft([
              ...draft,
              { id: newRuleId('handshake'), url: '', set: '', add: '', remove: '', enabled: true },
            ]);
          }}
        >
          Add handshake rule
        </button>
        <button
          type="button"
          className="primary"
          disabled={built.some((rule) => typeof rule === 'string')}
          onClick={() => {
            const rules = built.filter((rule): rule is HandshakeRule => typeof rule !== 'string');
            props.apply(rules).then(
              () => {
                setDirty(false);
                setStatus(
                  `Applied ${rules.length} handshake rule${rules.length === 1 ? '' : 's'}.`,
                );
              },
              (error: unknown) => {
                setStatus(`Not applied: ${errorMessage(error)}`);
              },
            );
          }}
        >
          Apply handshake rules
        </button>
        <span aria-live="polite">{status ?? ''}</span>
      </div>
    </section>
  );
}
