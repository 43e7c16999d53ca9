import { ResponseHeaders } from './response-headers.js';

/** The status line and headers of an answer, as `node:http` read them. */
export interface BufferedResponseInit {
  status: number;
  statusText: string;
  /** `IncomingMessage.rawHeaders`: name, value, name, value, … */
  rawHeaders: readonly string[];
}

/**
 * An answer whose body is already in memory, read whole off the socket: what the keep-alive fetch hands
 * the SDKs for every non-streaming answer. It is not an undici `Response` (issue 13: building one, with its
 * `Headers`, cost more than everything the SDKs then read from it): status, headers and url are plain
 * fields (`ResponseHeaders` reads the raw header list), and `json()`, `text()`, `arrayBuffer()` and
 * `bytes()` decode the bytes directly. What the SDKs never touch on this path — `body`, `blob()`,
 * `formData()` and `clone()` — works as on any `Response`, through a stock one made on first use. The
 * body can be read once, as fetch's can.
 */
export class BufferedResponse implements Response {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  readonly url: string;
  readonly redirected = false;
  readonly type: Response['type'] = 'basic';
  #bytes: Buffer;
  #used = false;
  /** A stock Response over the same bytes, made when a rarely used part of the API is asked for. */
  #stock: Response | undefined;

  constructor(bytes: Buffer, init: BufferedResponseInit, url: string) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.ok = init.status >= 200 && init.status <= 299;
    this.headers = new ResponseHeaders(init.rawHeaders);
    this.url = url;
    this.#bytes = bytes;
  }

  get bodyUsed(): boolean {
    return this.#stock ? this.#stock.bodyUsed : this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stock) return this.#stock.body as ReadableStream<Uint8Array> | null;
    return this.#used ? null : (this.#asStock().body as ReadableStream<Uint8Array> | null);
  }

  async text(): Promise<string> {
    return this.#stock ? this.#stock.text() : this.#take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return this.#stock ? (this.#stock.json() as Promise<unknown>) : (JSON.parse(this.#take().toString('utf8')) as unknown);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#stock) return this.#stock.arrayBuffer();
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  blob(): Promise<Blob> {
    return this.#asStock().blob();
  }

  formData(): Promise<FormData> {
    return this.#asStock().formData();
  }

  clone(): Response {
    if (this.#stock) return this.#stock.clone();
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, rawHeaders: this.#rawPairs() }, this.url);
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  #asStock(): Response {
    if (!this.#stock) {
      const empty = this.#used || this.#bytes.byteLength === 0 || this.status === 204 || this.status === 304;
      const pairs = [...this.headers];
      this.#stock = new Response(empty ? null : this.#bytes, { status: this.status, statusText: this.statusText, headers: pairs });
      this.#used = true;
    }
    return this.#stock;
  }

  #rawPairs(): string[] {
    return [...this.headers].flat();
  }
}
