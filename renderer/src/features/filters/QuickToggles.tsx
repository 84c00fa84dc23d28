import type { EntryKind } from '../../../../shared/model/entry.ts';
import { useUi, type DirectionFilter } from '../../stores/ui.ts';

const kindToggles: { label: string; kinds: EntryKind[]; title: string }[] = [
  { label: 'ping/pong', kinds: ['ping', 'pong'], title: 'Hide pings and pongs (P)' },
  { label: 'text', kinds: ['text'], title: 'Hide text messages' },
  { label: 'binary', kinds: ['binary'], title: 'Hide binary messages' },
  { label: 'events', kinds: ['event', 'comment'], title: 'Hide SSE events and comments' },
  {
    label: 'lifecycle',
    kinds: ['lifecycle', 'close'],
    title: 'Hide lifecycle notes and close frames',
  },
  { label: 'errors', kinds: ['error'], title: 'Hide errors' },
];

const directions: { value: DirectionFilter; label: string }[] = [
  { value: 'all', label: 'both' },
  { value: 'in', label: '↓ in' },
  { value: 'out', label: '↑ out' },
];

/** One-click toggles beside the query box: direction, kinds to hide, hide or highlight. */
export function QuickToggles() {
  const filter = useUi((s) => s.filter);
  const ui = useUi.getState;
  return (
    <div className="quick-toggles">
      <div className="segmented" role="group" aria-label="Direction">
        {directions.map((direction) => (
          <button
            key={direction.value}
            type="button"
            aria-pressed={filter.direction === direction.value}
            onClick={() => {
              ui().setFilter({ direction: direction.value });
            }}
          >
            {direction.label}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Hide kinds">
        <span className="group-label">Hide</span>
        {kindToggles.map((toggle) => (
          <button
            key={toggle.label}
            type="button"
            title={toggle.title}
            aria-pressed={toggle.kinds.every((kind) => filter.hiddenKinds.includes(kind))}
            onClick={() => {
              ui().toggleKinds(toggle.kinds);
            }}
          >
            {toggle.label}
          </button>
        ))}
      </div>
      <button
        type="button"
        aria-pressed={filter.mode === 'highlight'}
        title="Highlight matches instead of hiding the rest (H)"
        onClick={() => {
          ui().setFilter({ mode: filter.mode === 'hide' ? 'highlight' : 'hide' });
        }}
      >
        Highlight
      </button>
      {filter.onlyConnection !== null && (
        <button
          type="button"
          className="chip"
          title="Show every connection again"
          onClick={() => {
            ui().setFilter({ onlyConnection: null });
          }}
        >
          only {filter.onlyConnection.slice(0, 8)} ✕
        </button>
      )}
    </div>
  );
}
