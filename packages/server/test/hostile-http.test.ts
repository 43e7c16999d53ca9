import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp | undefined;
const unexpected: unknown[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  unexpected.length = 0;
});

/** Starts the app with unexpected errors (500s) collected instead of printed. */
async function start(): Promise<TestApp> {
  t = await startTestApp();
  // The error handler reports 500s through console.error by default; none of these requests may cause one.
  t.app.app.removeAllListeners('error');
  t.app.app.on('error', (err: unknown) => unexpected.push(err));
  return t;
}

/** Sends raw bytes and reads the answer until the server closes; resolves the status line, headers and body. */
function rawHttp(app: TestApp, head: string, body = ''): Promise<{ status: number; body: string }> {
  const port = Number(new URL(app.url).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (chunk) => {
      out += chunk.toString('latin1');
      // Once the whole JSON body is here, the test has its answer (a 413 may come before the body is sent).
      const [headers = '', rest = ''] = out.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(headers)?.[1];
      if (length !== undefined && Buffer.byteLength(rest, 'latin1') >= Number(length)) socket.destroy();
    });
    socket.on('close', () => {
      const [headers = '', rest = ''] = out.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
      resolve({ status, body: rest });
    });
    socket.on('error', reject);
    socket.write(`${head}Host: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n${body}`);
  });
}

describe('hostile HTTP requests get a 4xx with { error } and log nothing', () => {
  it.each(['TRACE', 'PROPFIND', 'MKCOL', 'LOCK'])('%s → 405', async (method) => {
    const app = await start();
    for (const path of ['/runs', '/start-multi', '/']) {
      const res = await rawHttp(app, `${method} ${path} HTTP/1.1\r\n`);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(JSON.parse(res.body)).toEqual({ error: expect.stringMatching(/method/i) });
    }
    expect(unexpected).toEqual([]);
  });

  it('a body whose Content-Encoding does not decode → 400 naming the encoding', async () => {
    const app = await start();
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await rawHttp(
        app,
        `POST /start-multi HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: ${encoding}\r\nContent-Length: 17\r\n`,
        '{"ticker":"ACME"}',
      );
      expect(res.status, encoding).toBe(400);
      expect(JSON.parse(res.body).error).toContain(`could not be decoded as ${encoding}`);
    }
    expect(unexpected).toEqual([]);
  });

  it.each(['2147483648', '4294967296', '9007199254740991'])('Content-Length %s → 413 at once, before any body byte', async (length) => {
    const app = await start();
    // No body is ever sent: the answer must come from the header alone (it used to wait for the request timeout).
    const res = await rawHttp(app, `POST /start-multi HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n`);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatch(/larger than the limit/);
  });

  it('10 000 bad tickers → a short 400 naming the first ten and counting the rest', async () => {
    const app = await start();
    const symbols = Array.from({ length: 10_000 }, (_, i) => `bad$${i}`).join(',');
    const res = await fetch(`${app.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ company_symbols: symbols }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(2_000);
    expect(JSON.parse(text).error).toMatch(/^invalid tickers: "bad\$0" contains "\$"/);
    expect(JSON.parse(text).error).toContain('and 9990 more');
  });

  it('a 100 KB ticker and a body of 5 000 unknown fields are echoed short', async () => {
    const app = await start();
    const long = await fetch(`${app.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ company_symbols: `A${'!'.repeat(100_000)}` }),
    });
    const longText = await long.text();
    expect(long.status).toBe(400);
    expect(longText.length).toBeLessThan(500);
    expect(longText).toContain('(100001 characters)');

    const fields = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field_${'x'.repeat(i % 50)}${i}`, 1]));
    const unknown = await fetch(`${app.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ company_symbols: 'ACME', ...fields }),
    });
    const unknownText = await unknown.text();
    expect(unknown.status).toBe(400);
    expect(unknownText.length).toBeLessThan(2_000);
    expect(unknownText).toContain('and 4990 more');
  });

  it.each([['null'], ['[]'], ['true'], ['{}']])('max_debate_rounds: %s is refused, not coerced to a number', async (value) => {
    const app = await start();
    const res = await fetch(`${app.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"company_symbols":"ACME","max_debate_rounds":${value},"offline_latency_ms":${value}}`,
    });
    const body = (await res.json()) as { error: string };
    expect(res.status).toBe(400);
    // Not coerced: null / [] became 0 ("at least 1 round") and true became 1 (accepted).
    expect(body.error).toMatch(/max_debate_rounds: Invalid input: expected number, received/);
    expect(app.manager.started).toHaveLength(0);
  });
});
