import { COMPOSER_SEND_KEYS, SHORTCUTS } from './shortcuts.ts';

const keyNames: Record<string, string> = {
  ArrowDown: '↓',
  ArrowUp: '↑',
  Escape: 'Esc',
  ' ': 'Space',
};

/** The keyboard shortcuts, from the same table the handler uses. */
export function HelpDialog(props: { onClose(): void }) {
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.action}>
                <td>
                  {shortcut.keys.map((key, i) => (
                    <span key={key}>
                      {i > 0 && ' or '}
                      <kbd>{keyNames[key] ?? key}</kbd>
                    </span>
                  ))}
                </td>
                <td>{shortcut.label}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>{COMPOSER_SEND_KEYS}</kbd>
              </td>
              <td>Send the composer&apos;s message</td>
            </tr>
          </tbody>
        </table>
        <div className="dialog-actions">
          <button
            type="button"
            autoFocus
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
