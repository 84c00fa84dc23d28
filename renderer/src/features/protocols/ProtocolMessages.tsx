import { useState } from 'react';
import type { ProtocolEntryDetail } from '../../../../shared/api.ts';
import type {
  MessageRef,
  ProtocolFieldValue,
  ProtocolMessage,
  ProtocolPair,
} from '../../../../shared/model/protocol.ts';
import { formatFieldValue, formatLatency } from './format.ts';
import { JsonTree } from '../inspector/JsonTree.tsx';
import { protocolLabels } from '../../stores/protocols.ts';

/**
 * An entry's protocol messages: kind, summary and key fields, malformed reason, the decoded tree
 * (folded), and each pair with its latency and a jump to the other end.
 */
export function ProtocolMessages(props: {
  detail: ProtocolEntryDetail;
  /** The payload's own JSON view already shows the same tree: start every tree folded. */
  foldTrees?: boolean;
  onJump: (ref: MessageRef) => void;
}) {
  const { annotation, trees, pairs } = props.detail;
  if (annotation.messages.length === 0) return null;
  return (
    <section className="protocol-messages" aria-label="Protocol messages">
      {annotation.messages.map((message) => (
        <MessageView
          key={message.index}
          message={message}
          tree={trees[message.index]}
          pairs={pairs.filter((pair) => endOf(pair, annotation.seq, message.index) !== null)}
          seq={annotation.seq}
          openTree={annotation.messages.length === 1 && props.foldTrees !== true}
          onJump={props.onJump}
        />
      ))}
    </section>
  );
}

/** Which end of the pair this message is, or null when it is neither. */
function endOf(pair: ProtocolPair, seq: number, index: number): 'request' | 'answer' | null {
  if (pair.request.seq === seq && pair.request.index === index) return 'request';
  if (pair.answer.seq === seq && pair.answer.index === index) return 'answer';
  return null;
}

function MessageView(props: {
  message: ProtocolMessage;
  tree: unknown;
  pairs: ProtocolPair[];
  seq: number;
  /** One message opens its tree; a batch starts folded so its messages fit on screen. */
  openTree: boolean;
  onJump: (ref: MessageRef) => void;
}) {
  const { message } = props;
  const [open, setOpen] = useState(props.openTree);
  const fields = Object.entries(message.fields);
  return (
    <div className="protocol-message" data-kind={message.kind}>
      <div>
        <span className="badge" title={message.protocol}>
          {protocolLabels[message.protocol]}
        </span>{' '}
        <strong>{message.kind}</strong> <span className="summary">{message.summary}</span>
      </div>
      {message.malformed && (
        <p className="error-text" role="note">
          Malformed ({message.malformed.code}): {message.malformed.message}
        </p>
      )}
      {props.pairs.map((pair) => {
        const end = endOf(pair, props.seq, message.index);
        const other = end === 'request' ? pair.answer : pair.request;
        return (
          <div key={`${pair.kind}:${pair.key}`} className="protocol-pair">
            {end === 'request' ? 'Answered by ' : 'Answers '}
            <button
              type="button"
              className="link"
              title={`${pair.kind} ${pair.key}: open the ${end === 'request' ? 'answer' : 'request'}`}
              onClick={() => {
                props.onJump(other);
              }}
            >
              #{other.seq}
              {other.index > 0 && `·${String(other.index)}`}
            </button>{' '}
            ({pair.kind} {pair.key}) after {formatLatency(pair.latencyMs)}
          </div>
        );
      })}
      {fields.length > 0 && (
        <dl className="protocol-fields">
          {fields.map(([name, value]) => (
            <Field key={name} name={name} value={value} />
          ))}
        </dl>
      )}
      {props.tree !== undefined && (
        <>
          <button
            type="button"
            aria-expanded={open}
            onClick={() => {
              setOpen(!open);
            }}
          >
            {open ? '▾' : '▸'} Decoded
          </button>
          {open && <JsonTree value={props.tree} />}
        </>
      )}
    </div>
  );
}

function Field(props: { name: string; value: ProtocolFieldValue }) {
  return (
    <>
      <dt>{props.name}</dt>
      <dd>{formatFieldValue(props.value)}</dd>
    </>
  );
}
