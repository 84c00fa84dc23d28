import { useRef } from 'react';

export interface SplitterProps {
  /** `vertical`: a bar between columns, dragged sideways. */
  orientation: 'vertical' | 'horizontal';
  size: number;
  /** +1 when dragging right/down grows the pane, -1 when it shrinks it. */
  sign: 1 | -1;
  min: number;
  max: number;
  label: string;
  onResize(size: number): void;
}

/** A draggable (and keyboard-adjustable) bar that resizes one pane. */
export function Splitter(props: SplitterProps) {
  const start = useRef<{ pointer: number; size: number } | null>(null);
  const clamp = (size: number): number => Math.max(props.min, Math.min(props.max, size));
  const coordinate = (event: { clientX: number; clientY: number }): number =>
    props.orientation === 'vertical' ? event.clientX : event.clientY;
  return (
    <div
      className={`splitter splitter-${props.orientation}`}
      role="separator"
      aria-label={props.label}
      aria-orientation={props.orientation}
      aria-valuenow={props.size}
      aria-valuemin={props.min}
      aria-valuemax={props.max}
      tabIndex={0}
      onPointerDown={(event) => {
        start.current = { pointer: coordinate(event), size: props.size };
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        if (!start.current) return;
        props.onResize(
          clamp(start.current.size + props.sign * (coordinate(event) - start.current.pointer)),
        );
      }}
      onPointerUp={() => {
        start.current = null;
      }}
      onKeyDown={(event) => {
        const step = event.shiftKey ? 50 : 10;
        const grow = props.orientation === 'vertical' ? 'ArrowRight' : 'ArrowDown';
        const shrink = props.orientation === 'vertical' ? 'ArrowLeft' : 'ArrowUp';
        if (event.key === grow) props.onResize(clamp(props.size + props.sign * step));
        else if (event.key === shrink) props.onResize(clamp(props.size - props.sign * step));
        else return;
        event.preventDefault();
      }}
    />
  );
}
