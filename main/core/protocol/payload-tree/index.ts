export { payloadTree, decodeMsgpack, MAX_TREE_INPUT_BYTES } from './decode.ts';
export type { PayloadTreeOptions, MsgpackDecoded } from './decode.ts';
export { toTree, hexOf, DEFAULT_TREE_LIMITS, PREVIEW_TREE_LIMITS } from './tree.ts';
export type { TreeLimits, ConvertedTree, ValueKinds } from './tree.ts';
export { entryPayloadTree } from './entry.ts';
