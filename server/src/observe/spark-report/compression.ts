import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress, ZstdErrorCode } from 'fzstd';
import { SparkEventLogError } from './errors.js';

export type LogCompression = 'none' | 'zstd' | 'gzip';

/** Bytes needed to recognize every supported or rejected format. */
export const MAGIC_BYTES_NEEDED = 8;

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const GZIP_MAGIC = [0x1f, 0x8b];
/** Spark's lz4 codec writes lz4-java's LZ4BlockOutputStream format, which starts with "LZ4Block". */
const LZ4_BLOCK_MAGIC = [...'LZ4Block'].map((char) => char.charCodeAt(0));
/** Spark's snappy codec writes snappy-java's stream format, which starts with 0x82 "SNAPPY" 0x00. */
const SNAPPY_MAGIC = [0x82, ...[...'SNAPPY'].map((char) => char.charCodeAt(0)), 0x00];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte);
}

/**
 * Detects the compression from the first bytes, because a copied or renamed log may have lost
 * Spark's codec suffix (such as app-123.zstd). Raises SparkEventLogError for lz4 and snappy.
 * NOTE: those two are rejected because Spark writes them in lz4-java's and snappy-java's own
 * stream framings, which this reader does not decode.
 */
export function detectCompression(head: Uint8Array): LogCompression {
  if (startsWith(head, ZSTD_MAGIC)) {
    return 'zstd';
  }
  if (startsWith(head, GZIP_MAGIC)) {
    return 'gzip';
  }
  const rejected = startsWith(head, LZ4_BLOCK_MAGIC) ? 'lz4' : startsWith(head, SNAPPY_MAGIC) ? 'snappy' : null;
  if (rejected !== null) {
    throw new SparkEventLogError(
      `The log is compressed with Spark's ${rejected} codec, which this reader cannot decode. ` +
        'Run the application with spark.eventLog.compression.codec=zstd, or pass a zstd-compressed or plain copy of the log.',
    );
  }
  return 'none';
}

/**
 * Decompresses a stream of bytes. `onCutOff` receives a sentence when the compressed stream ends
 * early, as the log of a running or crashed application does. The bytes decoded before the cut
 * are still yielded.
 */
export function decompress(
  compression: LogCompression,
  source: AsyncIterable<Uint8Array>,
  onCutOff: (sentence: string) => void,
): AsyncIterable<Uint8Array> {
  switch (compression) {
    case 'zstd':
      return decompressZstd(source, onCutOff);
    case 'gzip':
      return decompressGzip(source, onCutOff);
    case 'none':
      return source;
  }
}

async function* decompressZstd(
  source: AsyncIterable<Uint8Array>,
  onCutOff: (sentence: string) => void,
): AsyncIterable<Uint8Array> {
  const decoded: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    decoded.push(chunk);
  });

  for await (const chunk of source) {
    pushZstd(decoder, chunk, false);
    yield* decoded.splice(0);
  }

  try {
    pushZstd(decoder, new Uint8Array(0), true);
  } catch (error) {
    if (!isZstdError(error, ZstdErrorCode.UnexpectedEOF)) {
      throw error;
    }
    onCutOff('The zstd-compressed data ends mid-frame, so the log was cut off while it was being written.');
  }
  yield* decoded.splice(0);
}

/** Pushes into fzstd, turning its errors other than a premature end into SparkEventLogError. */
function pushZstd(decoder: Decompress, chunk: Uint8Array, final: boolean): void {
  try {
    decoder.push(chunk, final);
  } catch (error) {
    if (isZstdError(error, ZstdErrorCode.UnexpectedEOF)) {
      throw error;
    }
    throw new SparkEventLogError(`The zstd data is invalid (${String(error)}). Copy the log again from spark.eventLog.dir.`);
  }
}

function isZstdError(error: unknown, code: number): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === code;
}

async function* decompressGzip(
  source: AsyncIterable<Uint8Array>,
  onCutOff: (sentence: string) => void,
): AsyncIterable<Uint8Array> {
  const gunzip = createGunzip();
  // pipeline, unlike pipe, passes a read error of the source on to the gunzip stream.
  pipeline(Readable.from(source), gunzip, () => {});
  try {
    for await (const chunk of gunzip) {
      yield chunk as Uint8Array;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') {
      onCutOff('The gzip-compressed data ends early, so the log was cut off while it was being written.');
      return;
    }
    if (code?.startsWith('Z_')) {
      throw new SparkEventLogError(`The gzip data is invalid (${String(error)}). Copy the log again.`);
    }
    throw error;
  }
}
