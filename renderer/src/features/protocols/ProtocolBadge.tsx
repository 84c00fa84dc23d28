import type { ProtocolBadgeInfo } from '../../stores/protocols.ts';
import { protocolLabels } from '../../stores/protocols.ts';

/** The connection's protocol at a glance; struck through when the dissector gave up on it. */
export function ProtocolBadge(props: { info: ProtocolBadgeInfo; onOpen: () => void }) {
  const { info } = props;
  const label = protocolLabels[info.protocol];
  const title = info.fallback
    ? `Shown raw: not ${label} (${info.fallback.reason}). Open the protocol view`
    : `${label}${info.channel ? ` (chosen by ${info.channel.chosenBy})` : ''}: open the protocol view`;
  return (
    <button
      type="button"
      className={`marker protocol-marker${info.fallback ? ' protocol-fallback' : ''}`}
      data-protocol={info.protocol}
      title={title}
      aria-label={info.fallback ? `${label}, fell back to raw` : `protocol ${label}`}
      onClick={(event) => {
        event.stopPropagation();
        props.onOpen();
      }}
    >
      {info.fallback ? <s>{label}</s> : label}
      {info.channel && info.channel.unanswered > 0 && ` ?${String(info.channel.unanswered)}`}
    </button>
  );
}
