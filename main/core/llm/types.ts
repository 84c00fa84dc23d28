/** The LLM summary's shape lives in the contract (shared/model/llm.ts): the UI shows it as is. */
export type * from '../../../shared/model/llm.ts';
