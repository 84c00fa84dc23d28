/**
 * Keyboard commands the timeline answers (moving the selection needs its current view); the
 * mounted Timeline registers them and the global shortcut handler calls them.
 */
export interface TimelineCommands {
  move(delta: number): void;
  first(): void;
  last(): void;
  focus(): void;
}

let current: TimelineCommands | null = null;

export function registerTimelineCommands(commands: TimelineCommands | null): void {
  current = commands;
}

export function timelineCommands(): TimelineCommands | null {
  return current;
}
