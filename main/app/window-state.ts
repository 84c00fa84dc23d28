import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

/** Remembers the window's size and position between runs. */
export class WindowState {
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
  }

  load(): Partial<Rectangle> | undefined {
    try {
      const raw = JSON.parse(readFileSync(this.#path, 'utf8')) as Record<string, unknown>;
      const bounds: Partial<Rectangle> = {};
      for (const key of ['x', 'y', 'width', 'height'] as const) {
        const value = raw[key];
        if (typeof value === 'number' && Number.isFinite(value)) bounds[key] = Math.round(value);
      }
      return bounds;
    } catch {
      return undefined;
    }
  }

  track(win: BrowserWindow): void {
    const save = (): void => {
      if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
      try {
        mkdirSync(dirname(this.#path), { recursive: true });
        writeFileSync(this.#path, JSON.stringify(win.getNormalBounds()));
      } catch {
        // Losing the window position is not worth an error dialog.
      }
    };
    win.on('resized', save);
    win.on('moved', save);
    win.on('close', save);
  }
}
