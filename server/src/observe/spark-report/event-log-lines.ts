import { MAGIC_BYTES_NEEDED, decompress, detectCompression } from './compression.js';

/**
 * Splits a byte stream of an event log into lines, decompressing it first when its magic bytes
 * show a compressed format. `onCutOff` receives a sentence when compressed data ends early.
 */
export async function* readEventLogLines(
  source: AsyncIterable<Uint8Array>,
  onCutOff: (sentence: string) => void,
): AsyncIterable<string> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await readHead(iterator);
  const compression = detectCompression(concat(head));
  const bytes = decompress(compression, prepend(head, iterator), onCutOff);

  // The streaming decoder keeps a UTF-8 character split across chunks whole.
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of bytes) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    yield* lines;
  }
  rest += decoder.decode();
  if (rest !== '') {
    yield rest;
  }
}

/** Reads chunks until there are enough bytes to recognize the format, or the stream ends. */
async function readHead(iterator: AsyncIterator<Uint8Array>): Promise<Uint8Array[]> {
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < MAGIC_BYTES_NEEDED) {
    const next = await iterator.next();
    if (next.done) {
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  return head;
}

async function* prepend(head: Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* head;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    yield next.value;
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
