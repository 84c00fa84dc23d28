import { createHash } from 'node:crypto';
import net from 'node:net';

/** The Sec-WebSocket-Accept value for a key (RFC 6455 §4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
}

/**
 * A WebSocket "server" that answers the handshake and then writes exactly the bytes it is given,
 * valid or not: for testing how the client side records broken peers.
 */
export function rawWsServer(afterHandshake: (socket: net.Socket) => void): net.Server {
  return net.createServer((socket) => {
    socket.once('data', (request) => {
      const key = /sec-websocket-key: (.+)\r\n/i.exec(request.toString('latin1'))?.[1] ?? '';
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`,
      );
      afterHandshake(socket);
    });
  });
}
