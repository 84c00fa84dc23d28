import type { PayloadTree } from '../../../../shared/api.ts';
import { JsonTree } from './JsonTree.tsx';

export const payloadFormatLabels: Record<PayloadTree['format'], string> = {
  msgpack: 'MessagePack',
  cbor: 'CBOR',
};

/**
 * A binary payload that decoded as one msgpack or CBOR value, as a tree. Values JSON cannot say
 * come as `$` nodes (`$bytes`, `$ext`, `$tag`, `$map` for non-string keys…: docs/protocols.md).
 */
export function PayloadTreeView(props: { payload: PayloadTree }) {
  const { payload } = props;
  return (
    <div className="payload-tree" aria-label={`${payloadFormatLabels[payload.format]} tree`}>
      {payload.truncated && (
        <p className="note-mark" role="note">
          Clipped: a large or deep value shows its first parts ($more counts what is left out).
        </p>
      )}
      <JsonTree value={payload.tree} expandDepth={3} />
    </div>
  );
}
