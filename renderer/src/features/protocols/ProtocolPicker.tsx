import { useState } from 'react';
import type { ProtocolName } from '../../../../shared/model/protocol.ts';
import { PROTOCOL_NAMES } from '../../../../shared/model/protocol.ts';
import { errorMessage } from '../../components/format.ts';
import { protocolLabels } from '../../stores/protocols.ts';

export type ProtocolSetting = ProtocolName | 'raw' | 'auto';

/** Reads a connection as a given protocol, as raw, or lets the core detect it again. */
export function ProtocolPicker(props: {
  current: ProtocolName | null;
  /** The user chose the current protocol (saved with the session), rather than detection. */
  chosenByUser?: boolean;
  set: (protocol: ProtocolSetting) => Promise<void>;
}) {
  const [value, setValue] = useState<ProtocolSetting>(
    props.chosenByUser && props.current ? props.current : 'auto',
  );
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  return (
    <div className="protocol-picker">
      <label>
        Read as{' '}
        <select
          aria-label="Read as protocol"
          value={value}
          disabled={state.busy}
          onChange={(event) => {
            const next = event.target.value as ProtocolSetting;
            setValue(next);
            setState({ busy: true });
            props.set(next).then(
              () => {
                setState({ busy: false });
              },
              (error: unknown) => {
                setState({ busy: false, error: errorMessage(error) });
              },
            );
          }}
        >
          <option value="auto">
            Detect{props.current ? ` (now ${protocolLabels[props.current]})` : ''}
          </option>
          <option value="raw">Raw (no protocol)</option>
          {PROTOCOL_NAMES.map((name) => (
            <option key={name} value={name}>
              {protocolLabels[name]}
            </option>
          ))}
        </select>
      </label>
      {state.error && <span className="error-text">{state.error}</span>}
    </div>
  );
}
