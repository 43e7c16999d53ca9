import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../src/providers/buffered-response.js';
import { ResponseHeaders } from '../../src/providers/response-headers.js';

// The light answer the keep-alive fetch hands the SDKs (issue 13) must read like undici's Response and
// Headers over the same bytes and raw header list: undici's own objects are the oracle here.

const RAW = [
  'Content-Type',
  'application/json',
  'X-Request-Id',
  'req_1',
  'Vary',
  'Accept',
  'set-cookie',
  'a=1',
  'vary',
  'Origin',
  'Set-Cookie',
  'b=2',
  'retry-after-ms',
  '1234',
];

function undiciHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

const answer = (body: string, status = 200, raw: readonly string[] = RAW) =>
  new BufferedResponse(
    Buffer.from(body),
    { status, statusText: status === 200 ? 'OK' : 'Too Many Requests', rawHeaders: raw },
    'http://h/v1/x',
  );

describe('ResponseHeaders', () => {
  const ours = new ResponseHeaders(RAW);
  const theirs = undiciHeaders(RAW);

  it('looks names up case-insensitively and joins repeated values, as Headers.get does', () => {
    for (const name of ['content-type', 'CONTENT-TYPE', 'x-request-id', 'vary', 'Vary', 'set-cookie', 'retry-after-ms', 'absent']) {
      expect(ours.get(name)).toBe(theirs.get(name));
      expect(ours.has(name)).toBe(theirs.has(name));
    }
    expect(ours.get('vary')).toBe('Accept, Origin');
  });

  it('iterates like Headers: lowercase names in order, cookies apart', () => {
    expect([...ours]).toEqual([...theirs]);
    expect([...ours.entries()]).toEqual([...theirs.entries()]);
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    expect([...ours.values()]).toEqual([...theirs.values()]);
    expect(ours.getSetCookie()).toEqual(['a=1', 'b=2']);
    const seen: string[] = [];
    ours.forEach((value, name, parent) => {
      expect(parent).toBe(ours);
      seen.push(`${name}=${value}`);
    });
    expect(seen).toEqual([...theirs].map(([name, value]) => `${name}=${value}`));
    expect(Object.fromEntries(new Headers(ours))).toEqual(Object.fromEntries(theirs));
  });

  it('is read-only, as the headers of a fetched Response are', () => {
    expect(() => ours.set()).toThrow(TypeError);
    expect(() => ours.append()).toThrow(TypeError);
    expect(() => ours.delete()).toThrow(TypeError);
    expect(ours.get('content-type')).toBe('application/json');
  });
});

describe('BufferedResponse', () => {
  it('carries status, ok and url, and parses its body once', async () => {
    const response = answer('{"a":[1,"é"]}');
    expect(response).toMatchObject({ status: 200, statusText: 'OK', ok: true, url: 'http://h/v1/x', redirected: false, bodyUsed: false });
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(await response.json()).toEqual({ a: [1, 'é'] });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(answer('{}', 429).ok).toBe(false);
  });

  it('reads as text, bytes and ArrayBuffer without sharing memory with the socket buffers', async () => {
    expect(await answer('héllo').text()).toBe('héllo');
    const bytes = await answer('héllo').bytes();
    expect(Buffer.from(bytes).toString('utf8')).toBe('héllo');
    const buffer = await answer('abc').arrayBuffer();
    expect(buffer.byteLength).toBe(3);
  });

  it('serves body, blob, formData and clone through a stock Response with the same bytes and headers', async () => {
    const streamed = answer('{"n":1}');
    const reader = streamed.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('{"n":1}');
    expect(streamed.bodyUsed).toBe(true);

    expect(await (await answer('blob body').blob()).text()).toBe('blob body');
    const form = await answer('a=1&b=2', 200, ['content-type', 'application/x-www-form-urlencoded']).formData();
    expect(form.get('b')).toBe('2');

    const original = answer('{"c":3}');
    const copy = original.clone();
    expect(copy.headers.get('vary')).toBe('Accept, Origin');
    expect(await copy.json()).toEqual({ c: 3 });
    expect(await original.json()).toEqual({ c: 3 });
    expect(() => original.clone()).toThrow(TypeError);
  });

  it('has no body for 204', () => {
    const empty = new BufferedResponse(Buffer.alloc(0), { status: 204, statusText: 'No Content', rawHeaders: [] }, 'http://h/');
    expect(empty.body).toBeNull();
  });
});
