import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { protocolBadges } from '../../stores/protocols.ts';
import { makeChannel, makeOverview } from '../../timeline/test-protocols.ts';
import { ProtocolBadge } from './ProtocolBadge.tsx';
import { ProtocolView } from './ProtocolView.tsx';

afterEach(cleanup);

describe('protocolBadges', () => {
  it('gives every connection of a channel its protocol, and a fallback wins', () => {
    const badges = protocolBadges(
      makeOverview({
        channels: [makeChannel({ connectionIds: ['c1', 'c2'] })],
        fallbacks: [
          { connectionId: 'c2', protocol: 'socketio', reason: 'not an Engine.IO packet' },
        ],
      }),
    );
    expect(badges.get('c1')?.protocol).toBe('jsonrpc');
    expect(badges.get('c2')?.fallback?.reason).toBe('not an Engine.IO packet');
    expect(badges.has('c3')).toBe(false);
  });
});

describe('ProtocolBadge', () => {
  it('names the protocol with its unanswered count and opens the view without selecting the row', () => {
    const onOpen = vi.fn();
    const parent = vi.fn();
    render(
      <div onClick={parent}>
        <ProtocolBadge info={{ protocol: 'jsonrpc', channel: makeChannel() }} onOpen={onOpen} />
      </div>,
    );
    const badge = screen.getByRole('button', { name: 'protocol JSON-RPC' });
    expect(badge.textContent).toBe('JSON-RPC ?1');
    fireEvent.click(badge);
    expect(onOpen).toHaveBeenCalledOnce();
    expect(parent).not.toHaveBeenCalled();
  });

  it('strikes the protocol through on a fallback', () => {
    render(
      <ProtocolBadge
        info={{
          protocol: 'mqtt',
          fallback: { connectionId: 'c1', protocol: 'mqtt', reason: 'bad fixed header' },
        }}
        onOpen={vi.fn()}
      />,
    );
    const badge = screen.getByRole('button', { name: 'MQTT, fell back to raw' });
    expect(badge.title).toContain('bad fixed header');
  });
});

describe('ProtocolView', () => {
  it('shows the channel, its unanswered requests (each opens its entry) and sets the protocol', async () => {
    const onSeq = vi.fn();
    const setProtocol = vi.fn(() => Promise.resolve());
    render(
      <ProtocolView
        connectionId="c1"
        overview={makeOverview()}
        setProtocol={setProtocol}
        onSeq={onSeq}
        showTables={false}
      />,
    );
    expect(screen.getByText('Chosen by').nextSibling?.textContent).toBe('sniff');
    const table = screen.getByRole('region', { name: 'Unanswered requests' });
    expect(table.textContent).toContain('call');
    fireEvent.click(screen.getByRole('button', { name: '#12' }));
    expect(onSeq).toHaveBeenCalledWith(12, 'c1');
    await act(async () => {
      fireEvent.change(screen.getByRole('combobox', { name: 'Read as protocol' }), {
        target: { value: 'raw' },
      });
      await Promise.resolve();
    });
    expect(setProtocol).toHaveBeenCalledWith('raw');
  });

  it('lists the oldest 200 unanswered requests and says how many there are, and shows a user choice', () => {
    const base = makeOverview();
    const first = base.unanswered[0];
    if (!first) throw new Error('fixture');
    const many = Array.from({ length: 250 }, (_, i) => ({
      ...first,
      key: String(i),
      request: { ...first.request, seq: i + 1 },
    }));
    render(
      <ProtocolView
        connectionId="c1"
        overview={makeOverview({
          channels: [makeChannel({ chosenBy: 'user', unanswered: 250 })],
          unanswered: many,
        })}
        setProtocol={vi.fn(() => Promise.resolve())}
        onSeq={vi.fn()}
        showTables={false}
      />,
    );
    const region = screen.getByRole('region', { name: 'Unanswered requests' });
    expect(region.querySelectorAll('tbody tr')).toHaveLength(200);
    expect(region.textContent).toContain('The oldest 200 of 250.');
    expect(
      screen.getByRole<HTMLSelectElement>('combobox', { name: 'Read as protocol' }).value,
    ).toBe('jsonrpc');
  });

  it('says why a connection fell back to raw, and shows a failed change', async () => {
    render(
      <ProtocolView
        connectionId="c1"
        overview={makeOverview({
          channels: [],
          unanswered: [],
          fallbacks: [{ connectionId: 'c1', protocol: 'stomp', reason: 'no NUL terminator' }],
        })}
        setProtocol={() => Promise.reject(new Error('unknown connection'))}
        onSeq={vi.fn()}
        showTables={false}
      />,
    );
    expect(screen.getByText(/did not read as STOMP \(no NUL terminator\)/)).toBeTruthy();
    await act(async () => {
      fireEvent.change(screen.getByRole('combobox', { name: 'Read as protocol' }), {
        target: { value: 'stomp' },
      });
      await Promise.resolve();
    });
    expect(screen.getByText('unknown connection')).toBeTruthy();
  });
});
