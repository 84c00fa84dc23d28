import { useEffect, useRef, useState } from 'react';
import type { SavedSession, SessionExportRequest } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { desktop, onMenuCommand } from '../../app/desktop.ts';
import { errorMessage, formatBytes } from '../../components/format.ts';
import { useUi } from '../../stores/ui.ts';
import { downloadFile, readFile } from './files.ts';

type Notice = { kind: 'ok' | 'error'; text: string } | null;

/** Open, export, reopen a saved journal, clear; and dropping a file anywhere opens it. */
export function SessionActions() {
  const data = useTimelineData();
  const fileInput = useRef<HTMLInputElement>(null);
  const [menu, setMenu] = useState<null | 'export' | 'saved'>(null);
  const [format, setFormat] = useState<SessionExportRequest['format']>('har');
  const [redact, setRedact] = useState(true);
  const [onlyFiltered, setOnlyFiltered] = useState(false);
  const [redactHeaders, setRedactHeaders] = useState('');
  const [redactQuery, setRedactQuery] = useState('');
  const [saved, setSaved] = useState<SavedSession[]>([]);
  const [confirmClear, setConfirmClear] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const filterText = useUi((s) => s.filter.text);

  const open = async (file: File): Promise<void> => {
    try {
      const opened = await data.api.importSession(await readFile(file));
      setNotice({
        kind: 'ok',
        text: `Opened ${file.name}: ${opened.info.entries} entries${opened.notes.length > 0 ? ` (${opened.notes.join('; ')})` : ''}`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: `Cannot open ${file.name}: ${errorMessage(error)}` });
    }
  };

  useEffect(
    () =>
      onMenuCommand((command) => {
        if (command === 'export-session') setMenu('export');
        if (command === 'clear-session') setConfirmClear(true);
      }),
    [],
  );

  const openWithDialog = async (): Promise<void> => {
    const native = desktop();
    if (!native) {
      fileInput.current?.click();
      return;
    }
    try {
      const opened = await native.openSessionDialog();
      if (opened) setNotice({ kind: 'ok', text: `Opened: ${opened.info.entries} entries` });
    } catch (error) {
      setNotice({ kind: 'error', text: `Cannot open: ${errorMessage(error)}` });
    }
  };

  useEffect(() => {
    const over = (event: DragEvent): void => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const drop = (event: DragEvent): void => {
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      void open(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  });

  const exportNow = async (): Promise<void> => {
    try {
      const request: SessionExportRequest = { format, redact };
      const list = (text: string): string[] => text.split(/[\s,]+/).filter((item) => item !== '');
      if (redact && list(redactHeaders).length > 0) request.redactHeaders = list(redactHeaders);
      if (redact && list(redactQuery).length > 0) request.redactQuery = list(redactQuery);
      if (onlyFiltered && filterText.trim() !== '') request.filter = filterText.trim();
      const native = desktop();
      if (native) {
        const path = await native.saveSessionDialog(request);
        setNotice(path ? { kind: 'ok', text: `Saved ${path}` } : null);
      } else {
        downloadFile(await data.api.exportSession(request));
        setNotice(null);
      }
      setMenu(null);
    } catch (error) {
      setNotice({ kind: 'error', text: `Export failed: ${errorMessage(error)}` });
    }
  };

  return (
    <div className="session-actions">
      <input
        ref={fileInput}
        type="file"
        accept=".har,.ndjson,.json,application/json"
        hidden
        data-testid="open-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void open(file);
          event.target.value = '';
        }}
      />
      <button
        type="button"
        title="Open a HAR or Telltale NDJSON file (or drop it on the window)"
        onClick={() => void openWithDialog()}
      >
        Open…
      </button>
      <button
        type="button"
        onClick={() => {
          setMenu(menu === 'saved' ? null : 'saved');
          data.api
            .listSavedSessions()
            .then(setSaved)
            .catch(() => {
              setSaved([]);
            });
        }}
        aria-expanded={menu === 'saved'}
      >
        Saved
      </button>
      <button
        type="button"
        aria-expanded={menu === 'export'}
        onClick={() => {
          setMenu(menu === 'export' ? null : 'export');
        }}
      >
        Export…
      </button>
      <button
        type="button"
        className={confirmClear ? 'danger' : undefined}
        onClick={() => {
          if (!confirmClear) {
            setConfirmClear(true);
            setTimeout(() => {
              setConfirmClear(false);
            }, 4000);
            return;
          }
          setConfirmClear(false);
          useUi.getState().selectRow(null);
          data.api.clearSession().catch((error: unknown) => {
            setNotice({ kind: 'error', text: `Clear failed: ${errorMessage(error)}` });
          });
        }}
        title="Close every connection and start an empty session (the journal keeps the old one)"
      >
        {confirmClear ? 'Really clear?' : 'Clear'}
      </button>
      {notice && (
        <span
          className={notice.kind === 'error' ? 'error-text notice' : 'ok-text notice'}
          role="alert"
        >
          {notice.text}{' '}
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => {
              setNotice(null);
            }}
          >
            ✕
          </button>
        </span>
      )}
      {menu === 'export' && (
        <div className="popover" role="dialog" aria-label="Export session">
          <label>
            <input
              type="radio"
              name="format"
              checked={format === 'har'}
              onChange={() => {
                setFormat('har');
              }}
            />{' '}
            HAR 1.2 (Chrome DevTools)
          </label>
          <label>
            <input
              type="radio"
              name="format"
              checked={format === 'ndjson'}
              onChange={() => {
                setFormat('ndjson');
              }}
            />{' '}
            Telltale NDJSON (lossless)
          </label>
          <label>
            <input
              type="checkbox"
              checked={redact}
              onChange={(event) => {
                setRedact(event.target.checked);
              }}
            />{' '}
            Redact Authorization, Cookie, Set-Cookie
          </label>
          <label className="field">
            <span>Also redact headers</span>
            <input
              type="text"
              placeholder="X-Api-Key, X-Session"
              value={redactHeaders}
              disabled={!redact}
              onChange={(event) => {
                setRedactHeaders(event.target.value);
              }}
            />
          </label>
          <label className="field">
            <span>Also redact query parameters</span>
            <input
              type="text"
              placeholder="token, key"
              value={redactQuery}
              disabled={!redact}
              onChange={(event) => {
                setRedactQuery(event.target.value);
              }}
            />
          </label>
          <label>
            <input
              type="checkbox"
              checked={onlyFiltered}
              disabled={filterText.trim() === ''}
              onChange={(event) => {
                setOnlyFiltered(event.target.checked);
              }}
            />{' '}
            Only entries matching the filter
          </label>
          <button type="button" className="primary" onClick={() => void exportNow()}>
            Download
          </button>
        </div>
      )}
      {menu === 'saved' && (
        <div className="popover" role="dialog" aria-label="Saved sessions">
          {saved.length === 0 && <p className="empty">No saved sessions.</p>}
          {saved.map((session) => (
            <button
              type="button"
              key={session.name}
              disabled={session.current}
              onClick={() => {
                setMenu(null);
                data.api.openSavedSession(session.name).catch((error: unknown) => {
                  setNotice({
                    kind: 'error',
                    text: `Cannot open ${session.name}: ${errorMessage(error)}`,
                  });
                });
              }}
            >
              {session.name} · {formatBytes(session.size)} ·{' '}
              {new Date(session.modified).toLocaleString()}
              {session.current ? ' (open now)' : ''}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
