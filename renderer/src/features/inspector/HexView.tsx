import { useState } from 'react';
import { hexLines } from './payload.ts';

const pageBytes = 16 * 1024;

/** Hex dump with offsets and ASCII; long payloads render a page at a time. */
export function HexView(props: { bytes: Uint8Array }) {
  const [shown, setShown] = useState(pageBytes);
  const end = Math.min(shown, props.bytes.length);
  const lines = hexLines(props.bytes, 0, end);
  return (
    <div className="hex-view" role="table" aria-label="Hex dump">
      {props.bytes.length === 0 && <p className="empty">(empty payload)</p>}
      {lines.map((line) => (
        <div className="hex-line" role="row" key={line.offset}>
          <span className="hex-offset" role="cell">
            {line.offset}
          </span>
          <span className="hex-bytes" role="cell">
            {line.hex}
          </span>
          <span className="hex-ascii" role="cell">
            {line.ascii}
          </span>
        </div>
      ))}
      {end < props.bytes.length && (
        <button
          type="button"
          onClick={() => {
            setShown(shown + pageBytes * 4);
          }}
        >
          Show more ({(props.bytes.length - end).toLocaleString('en')} bytes left)
        </button>
      )}
    </div>
  );
}
