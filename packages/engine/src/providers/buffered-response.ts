/** What a `BufferedResponse` holds besides what `Response` keeps. */
interface BufferedBody {
  bytes: Buffer;
  url: string;
  used: boolean;
  /** A stock Response over the same bytes, made when a rarely used part of the API is asked for. */
  stock: Response | undefined;
}

const STATE = Symbol('bufferedBody');

/**
 * A `Response` whose body is already in memory, read whole off the socket. `json()`, `text()` and
 * `arrayBuffer()` decode the bytes directly instead of through a web stream (~45 µs a call less than a
 * stock `Response`, and a run reads 16 answers); `body`, `blob()`, `formData()` and `clone()` work as on
 * any `Response`, through a stock one made on first use. The body can be read once, as fetch's can.
 */
export class BufferedResponse extends Response {
  declare readonly [STATE]: BufferedBody;

  constructor(bytes: Buffer, init: ResponseInit, url: string) {
    // No body handed to the base class: a stock body would be a ReadableStream made for nothing.
    super(null, init);
    Object.defineProperty(this, STATE, { value: { bytes, url, used: false, stock: undefined } satisfies BufferedBody });
  }
}

const state = (response: Response): BufferedBody => (response as BufferedResponse)[STATE];

function take(response: Response): Buffer {
  const s = state(response);
  if (s.used) throw new TypeError('Body is unusable: Body has already been read');
  s.used = true;
  return s.bytes;
}

function asStock(response: Response): Response {
  const s = state(response);
  if (!s.stock) {
    const empty = s.used || s.bytes.byteLength === 0 || response.status === 204 || response.status === 304;
    s.stock = new Response(empty ? null : s.bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    s.used = true;
  }
  return s.stock;
}

// The overrides live on the prototype (Node's typings declare Response's members as properties, which a
// class body may not redefine as accessors or methods).
Object.defineProperties(BufferedResponse.prototype, {
  url: {
    get(this: Response) {
      return state(this).url;
    },
  },
  body: {
    get(this: Response) {
      const s = state(this);
      if (s.stock) return s.stock.body;
      return s.used ? null : asStock(this).body;
    },
  },
  bodyUsed: {
    get(this: Response) {
      const s = state(this);
      return s.stock ? s.stock.bodyUsed : s.used;
    },
  },
  text: {
    async value(this: Response): Promise<string> {
      const s = state(this);
      return s.stock ? s.stock.text() : take(this).toString('utf8');
    },
  },
  json: {
    async value(this: Response): Promise<unknown> {
      const s = state(this);
      return s.stock ? (s.stock.json() as Promise<unknown>) : (JSON.parse(take(this).toString('utf8')) as unknown);
    },
  },
  arrayBuffer: {
    async value(this: Response): Promise<ArrayBuffer> {
      const s = state(this);
      if (s.stock) return s.stock.arrayBuffer();
      const bytes = take(this);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  },
  blob: {
    value(this: Response): Promise<Blob> {
      return asStock(this).blob();
    },
  },
  formData: {
    value(this: Response): Promise<FormData> {
      return asStock(this).formData();
    },
  },
  clone: {
    value(this: Response): Response {
      const s = state(this);
      if (s.stock) return s.stock.clone();
      if (s.used) throw new TypeError('Response.clone: Body has already been consumed.');
      return new BufferedResponse(s.bytes, { status: this.status, statusText: this.statusText, headers: this.headers }, s.url);
    },
  },
});
