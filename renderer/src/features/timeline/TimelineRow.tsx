import { memo } from 'react';
import { rowFlags } from '../../../../shared/model/wire.ts';
import { formatBytes } from '../../components/format.ts';
import type { RowView } from '../../timeline/row-buffer.ts';

export const ROW_HEIGHT = 22;

export interface TimelineRowProps {
  row: RowView;
  time: string;
  connectionLabel: string;
  selected: boolean;
  highlighted: boolean;
  /** Rows outside a highlight are dimmed while highlighting. */
  dimmed: boolean;
  top: number;
  /** An LLM stall ended at this row: the gap before it, in ms. */
  stallMs?: number | undefined;
  /** The entry in its protocol's words, when a dissector read it (shown before the raw preview). */
  protocolPreview?: string | undefined;
  onSelect(seq: number, connectionId: string): void;
}

const arrows = { in: '↓', out: '↑' } as const;

/** One fixed-height line of the timeline; memoised so that a new batch re-renders only new rows. */
export const TimelineRow = memo(function TimelineRow(props: TimelineRowProps) {
  const { row } = props;
  const compressed = (row.flags & rowFlags.compressed) !== 0;
  const classes = ['row', `dir-${row.direction}`, `kind-${row.kind}`];
  if (props.selected) classes.push('selected');
  if (props.highlighted) classes.push('highlighted');
  if (props.dimmed) classes.push('dimmed');
  return (
    <div
      className={classes.join(' ')}
      role="row"
      aria-selected={props.selected}
      data-seq={row.seq}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT }}
      onMouseDown={() => {
        props.onSelect(row.seq, row.connectionId);
      }}
    >
      <span className="cell time" role="cell">
        {props.time}
      </span>
      <span
        className="cell dir"
        role="cell"
        title={row.direction === 'in' ? 'in: toward the client' : 'out: toward the server'}
      >
        {arrows[row.direction]}
      </span>
      <span className="cell kind" role="cell">
        <span className="badge">{row.kind}</span>
      </span>
      <span
        className="cell size"
        role="cell"
        title={
          compressed
            ? `${row.payloadSize} B payload, ${row.wireSize} B on the wire`
            : `${row.payloadSize} B`
        }
      >
        {formatBytes(row.payloadSize)}
        {compressed && <span className="wire"> ({formatBytes(row.wireSize)})</span>}
      </span>
      <span className="cell conn" role="cell">
        {props.connectionLabel}
      </span>
      <span
        className={
          (row.flags & rowFlags.binaryPreview) !== 0 ? 'cell preview mono' : 'cell preview'
        }
        role="cell"
      >
        {props.stallMs !== undefined && (
          <span
            className="stall-mark"
            title={`LLM stall: no content for ${(props.stallMs / 1000).toFixed(2)} s before this delta`}
          >
            ⏸ {(props.stallMs / 1000).toFixed(1)} s{' '}
          </span>
        )}
        {(row.flags & rowFlags.hasNotes) !== 0 && (
          <span className="note-mark" title="the decoder left notes on this entry">
            ⚠{' '}
          </span>
        )}
        {interventionOf(row.flags) && (
          <span
            className="intervention-mark"
            title={`Telltale ${interventionOf(row.flags) ?? ''} this message`}
          >
            {interventionOf(row.flags)}{' '}
          </span>
        )}
        {props.protocolPreview ? (
          <>
            <span className="protocol-preview">{props.protocolPreview}</span>{' '}
            <span className="raw-preview">{row.preview}</span>
          </>
        ) : (
          row.preview
        )}
      </span>
    </div>
  );
}, sameRow);

/** How Telltale took part in the message, from the row flags (Entry.intervention). */
function interventionOf(flags: number): 'injected' | 'edited' | 'dropped' | undefined {
  if ((flags & rowFlags.injected) !== 0) return 'injected';
  if ((flags & rowFlags.edited) !== 0) return 'edited';
  if ((flags & rowFlags.dropped) !== 0) return 'dropped';
  return undefined;
}

/** Rows are rebuilt from the buffer on each render; equal content means no DOM work. */
function sameRow(a: TimelineRowProps, b: TimelineRowProps): boolean {
  return (
    a.row.seq === b.row.seq &&
    a.time === b.time &&
    a.connectionLabel === b.connectionLabel &&
    a.selected === b.selected &&
    a.highlighted === b.highlighted &&
    a.dimmed === b.dimmed &&
    a.top === b.top &&
    a.stallMs === b.stallMs &&
    a.protocolPreview === b.protocolPreview &&
    a.onSelect === b.onSelect
  );
}
