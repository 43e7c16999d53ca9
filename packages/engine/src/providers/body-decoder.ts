import zlib from 'node:zlib';

/** Where decoded body bytes go (an `AnswerHandler`). */
export interface DecodedBodySink {
  /** Takes decoded bytes; false asks the decoder to pause until `resume()`. */
  take(chunk: Buffer): boolean;
  /** The decoded body's end. */
  finish(): void;
  /** A decoding failure (a corrupt or cut-off compressed body). */
  fail(cause: Error): void;
}

/** A body decompressor fed with the bytes as they arrive. */
export interface BodyDecoder {
  write(chunk: Buffer): void;
  end(): void;
  resume(): void;
  destroy(): void;
}

/**
 * The decompressor for a `Content-Encoding` (gzip, deflate, br), or undefined for any other (the body is
 * taken as sent). The transport asks for no compression, so this is only for servers that compress anyway;
 * inflating runs on the calling thread as the answer arrives, as `node:http` clients do.
 */
export function decoderFor(contentEncoding: string, sink: DecodedBodySink): BodyDecoder | undefined {
  const encoding = contentEncoding.trim().toLowerCase();
  const stream =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (stream === undefined) return undefined;
  stream.on('data', (chunk: Buffer) => {
    if (!sink.take(chunk)) stream.pause();
  });
  stream.once('end', () => sink.finish());
  stream.once('error', (error) => sink.fail(error));
  return {
    write: (chunk) => void stream.write(chunk),
    end: () => void stream.end(),
    resume: () => void stream.resume(),
    destroy: () => void stream.destroy(),
  };
}
