import { useEffect, useState } from 'react';
import type { ProtocolEntryDetail } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { useProtocols } from '../../stores/protocols.ts';

/**
 * The opened entry in its protocol's words. Fetched again when the protocol views change, so a
 * request opened before its answer arrived shows the pair once it does.
 */
export function useProtocolDetail(seq: number): ProtocolEntryDetail | null {
  const data = useTimelineData();
  const overview = useProtocols((s) => s.overview);
  const [detail, setDetail] = useState<ProtocolEntryDetail | null>(null);
  useEffect(() => {
    let current = true;
    data.api
      .getProtocolDetail(seq)
      .then((next) => {
        if (current) setDetail(next);
      })
      .catch(() => {
        // No protocol view (an older core): the raw payload views are all there is.
        if (current) setDetail(null);
      });
    return () => {
      current = false;
    };
  }, [data, seq, overview]);
  return detail;
}
