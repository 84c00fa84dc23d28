import { describe, expect, it } from 'vitest';
import { defaultFilter } from '../../stores/ui.ts';
import { filterQueries } from './queries.ts';

describe('filterQueries', () => {
  it('asks nothing of main when nothing is filtered', () => {
    expect(filterQueries(defaultFilter)).toEqual({ hide: null, highlight: null });
  });

  it('joins the text and the toggles in one hide query', () => {
    expect(
      filterQueries({
        ...defaultFilter,
        text: 'kind:text',
        hiddenKinds: ['ping', 'pong'],
        direction: 'in',
        onlyConnection: 'c1',
      }),
    ).toEqual({
      hide: {
        filter: 'kind:text',
        kinds: ['text', 'binary', 'close', 'event', 'comment', 'lifecycle', 'error'],
        direction: 'in',
        connectionId: 'c1',
      },
      highlight: null,
    });
  });

  it('highlights the text but still hides by the toggles in highlight mode', () => {
    expect(
      filterQueries({ ...defaultFilter, mode: 'highlight', text: 'hello', direction: 'out' }),
    ).toEqual({
      hide: { direction: 'out' },
      highlight: { filter: 'hello' },
    });
  });

  it('returns null for text that does not parse, so the last good queries stay', () => {
    expect(filterQueries({ ...defaultFilter, text: 'size>' })).toBeNull();
  });
});
