/**
 * UI state (zustand): what is selected, how the timeline is filtered and shown, pane sizes,
 * dialogs. Never the rows themselves (see timeline/row-buffer.ts). The filter and pane sizes are
 * remembered across reloads.
 */
import { create } from 'zustand';
import type { Settings } from '../../../shared/api.ts';
import type { EntryKind } from '../../../shared/model/entry.ts';
import { readJson, writeJson } from './persisted.ts';

export type DirectionFilter = 'all' | 'in' | 'out';
export type FilterMode = 'hide' | 'highlight';
/** What the detail pane shows about a connection when no row is selected. */
export type ConnectionTab = 'handshake' | 'llm' | 'findings' | 'protocol' | 'replay';
export type Dialog = null | 'connect' | 'help' | 'proxy' | 'breakpoints' | 'findings';

export interface FilterState {
  text: string;
  mode: FilterMode;
  hiddenKinds: EntryKind[];
  direction: DirectionFilter;
  /** "Show only this connection". */
  onlyConnection: string | null;
}

export interface PaneSizes {
  connections: number;
  detail: number;
  composer: number;
}

export interface UiState {
  selectedSeq: number | null;
  selectedConnectionId: string | null;
  filter: FilterState;
  follow: boolean;
  theme: Settings['theme'];
  timeDisplay: Settings['timeDisplay'];
  panes: PaneSizes;
  dialog: Dialog;
  connectionTab: ConnectionTab;
  selectRow(seq: number | null, connectionId?: string): void;
  selectConnection(id: string | null): void;
  setFilter(patch: Partial<FilterState>): void;
  toggleKinds(kinds: EntryKind[]): void;
  setFollow(follow: boolean): void;
  applySettings(settings: Partial<Settings>): void;
  setPane(name: keyof PaneSizes, size: number): void;
  openDialog(dialog: Dialog): void;
  /** Selects the connection, clears the row selection and shows that tab in the detail pane. */
  showConnection(id: string, tab: ConnectionTab): void;
  setConnectionTab(tab: ConnectionTab): void;
}

export const defaultFilter: FilterState = {
  text: '',
  mode: 'hide',
  hiddenKinds: [],
  direction: 'all',
  onlyConnection: null,
};

const defaultPanes: PaneSizes = { connections: 300, detail: 440, composer: 170 };

const filterKey = 'telltale.filter';
const panesKey = 'telltale.panes';

function isFilterState(value: unknown): value is FilterState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<FilterState>;
  return (
    typeof v.text === 'string' &&
    (v.mode === 'hide' || v.mode === 'highlight') &&
    Array.isArray(v.hiddenKinds) &&
    (v.direction === 'all' || v.direction === 'in' || v.direction === 'out') &&
    (v.onlyConnection === null || typeof v.onlyConnection === 'string')
  );
}

function isPanes(value: unknown): value is PaneSizes {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PaneSizes>;
  return (
    typeof v.connections === 'number' &&
    typeof v.detail === 'number' &&
    typeof v.composer === 'number'
  );
}

export const useUi = create<UiState>()((set, get) => ({
  selectedSeq: null,
  selectedConnectionId: null,
  filter: readJson(filterKey, defaultFilter, isFilterState),
  follow: true,
  theme: 'system',
  timeDisplay: 'absolute',
  panes: readJson(panesKey, defaultPanes, isPanes),
  dialog: null,
  connectionTab: 'handshake',
  selectRow(seq, connectionId) {
    set(
      connectionId === undefined
        ? { selectedSeq: seq }
        : { selectedSeq: seq, selectedConnectionId: connectionId },
    );
  },
  selectConnection(id) {
    set({ selectedConnectionId: id });
  },
  setFilter(patch) {
    const filter = { ...get().filter, ...patch };
    writeJson(filterKey, filter);
    set({ filter });
  },
  toggleKinds(kinds) {
    const hidden = new Set(get().filter.hiddenKinds);
    const allHidden = kinds.every((kind) => hidden.has(kind));
    for (const kind of kinds) {
      if (allHidden) hidden.delete(kind);
      else hidden.add(kind);
    }
    get().setFilter({ hiddenKinds: [...hidden] });
  },
  setFollow(follow) {
    if (get().follow !== follow) set({ follow });
  },
  applySettings(settings) {
    set({
      ...(settings.theme ? { theme: settings.theme } : {}),
      ...(settings.timeDisplay ? { timeDisplay: settings.timeDisplay } : {}),
    });
  },
  setPane(name, size) {
    const panes = { ...get().panes, [name]: Math.round(size) };
    writeJson(panesKey, panes);
    set({ panes });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  showConnection(id, tab) {
    set({ selectedConnectionId: id, selectedSeq: null, connectionTab: tab });
  },
  setConnectionTab(tab) {
    set({ connectionTab: tab });
  },
}));

/** True when the filter narrows the timeline at all. */
export function isFilterActive(filter: FilterState): boolean {
  return (
    filter.text.trim() !== '' ||
    filter.hiddenKinds.length > 0 ||
    filter.direction !== 'all' ||
    filter.onlyConnection !== null
  );
}
