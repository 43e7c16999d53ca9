// Child-process entry of tests/integration/lazy-packages.test.ts: imports each module given on the command line
// and prints, as one JSON line, the npm packages whose files the module loader resolved on the way. A resolve
// hook (module.register) sees every specifier, ESM or CommonJS package, and reports each resolved URL over a
// MessagePort; a last import of a marker specifier, which the hook sees after the others, tells when the list
// is whole (the port keeps its messages in order).
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const MARKER = 'tf-loaded-packages:done';
const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier === '${MARKER}') { port.postMessage(null); return { url: 'data:text/javascript,', shortCircuit: true }; }
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;
const { port1, port2 } = new MessageChannel();
const packages = new Set();
const done = new Promise((resolve) => {
  port1.on('message', (url) => {
    if (url === null) resolve();
    else {
      const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (match) packages.add(match[1]);
    }
  });
});
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });
for (const path of process.argv.slice(2)) await import(path);
await import(MARKER);
await done;
port1.close();
process.stdout.write(`${JSON.stringify([...packages].sort())}\n`);
