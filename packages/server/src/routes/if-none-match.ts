/**
 * Whether a request's `If-None-Match` names `etag` (RFC 9110 §13.1.2): `*`, or a tag of its comma-separated list
 * equal to `etag` by weak comparison (`W/"x"` matches `"x"`). The origin server answers such a GET 304 whatever
 * the request's `Cache-Control` says — koa's `ctx.fresh` would not: it gives the whole answer to every request
 * with `no-cache`, which fetch() itself adds to any request carrying `If-None-Match`.
 */
export function ifNoneMatchNames(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || opaque(tag) === wanted;
  });
}
