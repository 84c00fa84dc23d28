import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import { useTimelineData } from '../../app/data-context.ts';
import { formatClock, formatRelative } from '../../components/format.ts';
import { useConnections } from '../../stores/connections.ts';
import { useInsight } from '../../stores/insight.ts';
import { useProtocols } from '../../stores/protocols.ts';
import { useUi } from '../../stores/ui.ts';
import { registerTimelineCommands } from './commands.ts';
import { useFixedWindow } from './useFixedWindow.ts';
import { ROW_HEIGHT, TimelineRow } from './TimelineRow.tsx';
import { timelineView } from './view.ts';

/** The virtualized timeline: fixed-height rows, follow-tail, keyboard and mouse selection. */
export function Timeline() {
  const data = useTimelineData();
  useSyncExternalStore(data.subscribe, data.getVersion);
  const view = timelineView(data);
  const follow = useUi((s) => s.follow);
  const selectedSeq = useUi((s) => s.selectedSeq);
  const stalls = useInsight((s) => s.stalls);
  useSyncExternalStore(data.previews.subscribe, data.previews.getVersion);
  const channels = useProtocols((s) => s.overview.channels);
  const dissected = useMemo(
    () => new Set(channels.flatMap((channel) => channel.connectionIds)),
    [channels],
  );
  const timeDisplay = useUi((s) => s.timeDisplay);
  const connections = useConnections((s) => s.byId);
  const order = useConnections((s) => s.order);
  const scrollRef = useRef<HTMLDivElement>(null);

  const {
    start,
    end,
    totalHeight,
    scrollToIndex,
    onScroll: onWindowScroll,
  } = useFixedWindow(scrollRef, view.count, ROW_HEIGHT, 12);

  useLayoutEffect(() => {
    if (follow && view.count > 0) scrollToIndex(view.count - 1, 'end');
  }, [follow, view.count, scrollToIndex]);

  const select = useCallback((seq: number, connectionId: string) => {
    useUi.getState().selectRow(seq, connectionId);
  }, []);

  const selectedIndex = selectedSeq === null ? -1 : data.buffer.indexOfSeq(selectedSeq);
  const selectedPosition = selectedIndex < 0 ? -1 : view.positionOf(selectedIndex);

  useEffect(() => {
    const selectAt = (position: number): void => {
      if (view.count === 0) return;
      const clamped = Math.max(0, Math.min(view.count - 1, position));
      const row = data.buffer.row(view.indexAt(clamped));
      if (!row) return;
      useUi.getState().selectRow(row.seq, row.connectionId);
      useUi.getState().setFollow(clamped === view.count - 1 && useUi.getState().follow);
      scrollToIndex(clamped, 'auto');
    };
    registerTimelineCommands({
      move(delta) {
        if (delta < 0) useUi.getState().setFollow(false);
        selectAt(
          selectedPosition < 0 ? (delta > 0 ? 0 : view.count - 1) : selectedPosition + delta,
        );
      },
      first() {
        useUi.getState().setFollow(false);
        selectAt(0);
      },
      last() {
        selectAt(view.count - 1);
        useUi.getState().setFollow(true);
      },
      focus() {
        scrollRef.current?.focus();
      },
    });
    return () => {
      registerTimelineCommands(null);
    };
  }, [data, view, selectedPosition, scrollToIndex]);

  const onScroll = (): void => {
    onWindowScroll();
    const element = scrollRef.current;
    if (!element) return;
    const atBottom =
      element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT * 1.5;
    useUi.getState().setFollow(atBottom);
  };

  const positions = useMemo(() => new Map(order.map((id, position) => [id, position])), [order]);
  const labelOf = (id: string): string => {
    const position = positions.get(id);
    return position === undefined ? id.slice(0, 6) : `#${position + 1}`;
  };

  const positionsOnScreen: number[] = [];
  for (let position = start; position < end; position++) positionsOnScreen.push(position);
  // Protocol words only for the rows on screen, and only on connections a dissector reads.
  const previewSeqs: number[] = [];
  for (const position of positionsOnScreen) {
    const index = view.indexAt(position);
    const connectionId = data.buffer.row(index)?.connectionId;
    if (connectionId !== undefined && dissected.has(connectionId))
      previewSeqs.push(data.buffer.seqAt(index));
  }
  const previewKey = previewSeqs.join(',');
  useEffect(() => {
    if (previewKey !== '') data.previews.want(previewKey.split(',').map(Number));
  }, [data, previewKey]);
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-head" role="row">
        <span className="cell time">{timeDisplay === 'absolute' ? 'Time' : 'Since open'}</span>
        <span className="cell dir">Dir</span>
        <span className="cell kind">Kind</span>
        <span className="cell size">Size</span>
        <span className="cell conn">Conn</span>
        <span className="cell preview">Preview</span>
      </div>
      <div
        ref={scrollRef}
        className="timeline-scroll"
        role="grid"
        aria-rowcount={view.count}
        tabIndex={0}
        onScroll={onScroll}
        data-testid="timeline"
      >
        <div style={{ height: totalHeight, position: 'relative' }}>
          {positionsOnScreen.map((position) => {
            const index = view.indexAt(position);
            const row = data.buffer.row(index);
            if (!row) return null;
            const connection = connections[row.connectionId];
            const time =
              timeDisplay === 'relative' && connection
                ? formatRelative(row.time, connection.openedAt)
                : formatClock(row.time);
            const highlighted = view.highlighting && view.isHighlighted(index);
            return (
              <TimelineRow
                key={row.seq}
                row={row}
                time={time}
                connectionLabel={labelOf(row.connectionId)}
                selected={row.seq === selectedSeq}
                highlighted={highlighted}
                dimmed={view.highlighting && !highlighted}
                top={position * ROW_HEIGHT}
                stallMs={stalls.get(row.seq)}
                protocolPreview={
                  dissected.has(row.connectionId) ? data.previews.get(row.seq) : undefined
                }
                onSelect={select}
              />
            );
          })}
        </div>
        {view.count === 0 && (
          <p className="empty">
            {data.buffer.length === 0
              ? 'No traffic yet. Open a connection (N) or point an app at the proxy.'
              : 'Nothing matches the filter.'}
          </p>
        )}
      </div>
      {!follow && view.count > 0 && (
        <button
          type="button"
          className="follow-button"
          onClick={() => {
            useUi.getState().setFollow(true);
          }}
          title="Resume following new rows (End)"
        >
          Follow new rows ↓
        </button>
      )}
    </section>
  );
}
