/**
 * The SSE decoding thread (a worker_thread, see sse-decode-offload.ts): one SseDecoder per
 * stream, fed batches of copied body bytes in stream order; each batch is answered with the
 * decoder's outputs for it, so the forwarding thread only frames, copies and records.
 */
import { parentPort } from 'node:worker_threads';
import { SseDecoder } from '../protocol/sse/sse-decoder.ts';
import type { SseOutput } from '../protocol/sse/sse-output.ts';
import type { FromDecodeWorker, ToDecodeWorker } from './sse-decode-offload.ts';

interface Stream {
  decoder: SseDecoder;
  outputs: SseOutput[];
}

const streams = new Map<number, Stream>();

function streamOf(id: number): Stream {
  let stream = streams.get(id);
  if (stream === undefined) {
    const outputs: SseOutput[] = [];
    stream = {
      outputs,
      decoder: new SseDecoder({
        onOutput: (out) => {
          if (out.kind !== 'retry') outputs.push(out);
        },
      }),
    };
    streams.set(id, stream);
  }
  return stream;
}

const port = parentPort;
if (port === null) throw new Error('sse-decode-worker runs as a worker thread');

port.on('message', (message: ToDecodeWorker) => {
  const stream = streamOf(message.stream);
  if (message.op === 'data') {
    stream.decoder.feed(new Uint8Array(message.bytes, 0, message.length));
  } else {
    if (!message.discard) stream.decoder.end();
    streams.delete(message.stream);
  }
  const reply: FromDecodeWorker = {
    stream: message.stream,
    batch: message.batch,
    outputs: stream.outputs.splice(0),
    ended: message.op === 'end',
  };
  port.postMessage(reply);
});
