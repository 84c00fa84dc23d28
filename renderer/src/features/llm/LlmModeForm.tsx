import { useState } from 'react';
import type { LlmFlavor, LlmModeOverride } from '../../../../shared/model/llm.ts';
import { errorMessage } from '../../components/format.ts';
import { flavorLabels } from './figures.ts';

const flavors = Object.keys(flavorLabels) as LlmFlavor[];

/** How to read this connection: detected, a given wire format, or generic with a JSON text path. */
export function LlmModeForm(props: {
  flavor: LlmFlavor | null;
  setMode(mode: LlmModeOverride | null): Promise<unknown>;
}) {
  const [flavor, setFlavor] = useState<LlmFlavor | 'auto'>('auto');
  const [textPath, setTextPath] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const apply = (): void => {
    const mode: LlmModeOverride | null =
      flavor === 'auto'
        ? null
        : flavor === 'generic' && textPath.trim() !== ''
          ? { flavor, textPath: textPath.trim() }
          : { flavor };
    props.setMode(mode).then(
      () => {
        setStatus(mode ? `Read as ${flavorLabels[mode.flavor]}.` : 'Detecting again.');
      },
      (error: unknown) => {
        setStatus(`Not changed: ${errorMessage(error)}`);
      },
    );
  };
  return (
    <div className="field-row llm-mode">
      <label className="field">
        <span>Read as</span>
        <select
          aria-label="Read as"
          value={flavor}
          onChange={(event) => {
            setFlavor(event.target.value as LlmFlavor | 'auto');
          }}
        >
          <option value="auto">
            Detect{props.flavor ? ` (now ${flavorLabels[props.flavor]})` : ''}
          </option>
          {flavors.map((name) => (
            <option key={name} value={name}>
              {flavorLabels[name]}
            </option>
          ))}
        </select>
      </label>
      {flavor === 'generic' && (
        <label className="field">
          <span>Text at JSON path</span>
          <input
            aria-label="Text at JSON path"
            placeholder="$.choices[0].text (empty: find it)"
            value={textPath}
            onChange={(event) => {
              setTextPath(event.target.value);
            }}
          />
        </label>
      )}
      <button type="button" onClick={apply}>
        Apply
      </button>
      <span aria-live="polite">{status ?? ''}</span>
    </div>
  );
}
