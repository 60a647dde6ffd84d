import { Tokenizer } from '@huggingface/tokenizers';

/** The slice of a tokenizer the lab uses; keeps callers independent of the library. */
export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The token's own text (for showing single tokens, e.g. top-k predictions). */
  tokenText(id: number): string;
  readonly vocabSize: number;
}

export class TokenizerError extends Error {
  readonly code = 'bad-tokenizer';
}

/** Builds a tokenizer from the parsed contents of `tokenizer.json` (and optional `tokenizer_config.json`). */
export function loadTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown = {}): TextTokenizer {
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || !('model' in tokenizerJson)) {
    throw new TokenizerError(
      'This is not a Hugging Face tokenizer.json (no "model" section). Drop the tokenizer.json that came with the model.',
    );
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(tokenizerJson, tokenizerConfig ?? {});
  } catch (e) {
    throw new TokenizerError(`tokenizer.json could not be read: ${(e as Error).message}`);
  }
  const vocabSize = tok.get_vocab(true).size;
  return {
    vocabSize,
    // The lab scores raw text windows, so no special tokens are added around them.
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: false }),
    tokenText: (id) => tok.decode([id], { skip_special_tokens: false }),
  };
}
