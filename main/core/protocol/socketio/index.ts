export { socketIoDissector, EIO_TYPES } from './socketio.ts';
export { parseSioPacket, joinAttachments, placeholderNum, SIO_TYPES } from './socketio-packet.ts';
export type { SioPacket, SioType, SioParse } from './socketio-packet.ts';
