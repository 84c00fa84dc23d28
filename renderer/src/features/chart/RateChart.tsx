import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTimelineData } from '../../app/data-context.ts';
import { formatBytes, formatRate } from '../../components/format.ts';
import { useUi } from '../../stores/ui.ts';
import { rateSeries, type RateSeries } from './series.ts';

const seconds = 60;
const height = 56;

/**
 * Messages/s (bars) and bytes/s (line) over the last minute for the selected connection (or all),
 * with a tick per second that saw a heartbeat (ping, pong, SSE comment): gaps in the ticks are
 * missed heartbeats.
 */
export function RateChart() {
  const data = useTimelineData();
  const version = useSyncExternalStore(data.stats.subscribe, data.stats.getVersion);
  const selected = useUi((s) => s.selectedConnectionId);
  const theme = useUi((s) => s.theme);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const summary = useRef<RateSeries | null>(null);

  useEffect(() => {
    const draw = (): void => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const series = rateSeries(data.stats, selected ? [selected] : [], Date.now() - 1000, seconds);
      summary.current = series;
      drawChart(canvas, series);
    };
    draw();
    const timer = setInterval(draw, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [data, selected, version, theme]);

  const last = summary.current;
  const lastMessages = last?.messages.at(-1) ?? 0;
  const lastBytes = last?.bytes.at(-1) ?? 0;
  return (
    <div className="rate-chart" aria-label="Rates over the last minute">
      <canvas ref={canvasRef} height={height} data-testid="rate-chart" />
      <div className="rate-legend">
        <span className="legend-messages">■ {formatRate(lastMessages)} msg/s</span>
        <span className="legend-bytes">― {formatBytes(lastBytes)}/s</span>
        <span className="legend-heartbeat">| heartbeats</span>
        <span>{selected ? 'selected connection' : 'all connections'} · last 60 s</span>
      </div>
    </div>
  );
}

function drawChart(canvas: HTMLCanvasElement, series: RateSeries): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const style = getComputedStyle(canvas);
  const colour = (name: string): string => style.getPropertyValue(name).trim() || '#888';
  const plotHeight = height - 8;
  const step = width / series.messages.length;
  const maxMessages = Math.max(1, ...series.messages);
  const maxBytes = Math.max(1, ...series.bytes);

  context.fillStyle = colour('--accent');
  context.globalAlpha = 0.55;
  series.messages.forEach((value, i) => {
    const barHeight = (value / maxMessages) * plotHeight;
    context.fillRect(i * step + 1, plotHeight - barHeight, Math.max(1, step - 2), barHeight);
  });
  context.globalAlpha = 1;

  context.strokeStyle = colour('--out');
  context.lineWidth = 1.5;
  context.beginPath();
  series.bytes.forEach((value, i) => {
    const x = i * step + step / 2;
    const y = plotHeight - (value / maxBytes) * plotHeight;
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();

  context.fillStyle = colour('--in');
  series.heartbeats.forEach((value, i) => {
    if (value > 0) context.fillRect(i * step + step / 2 - 1, height - 6, 2, 6);
  });
}
