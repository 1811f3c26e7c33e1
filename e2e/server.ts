// Static server for the e2e tests: scripts/serve.ts on the repository root at 127.0.0.1 (a secure origin,
// as WebGPU needs) with its per-request streaming knobs in the query string, so one server covers every
// streaming path:
//   ?throttle=BYTES_PER_S   send the body slowly (in ~20 slices a second)
//   ?nolength=1             chunked transfer, no Content-Length
//   ?stall=BYTES            send BYTES, then hang (the client must cancel)
// and hostile responses under /hostile/ (hostile-routes.ts).
//   node --import ./scripts/register.mjs e2e/server.ts [--port 4178]
import { parseArgs } from 'node:util';
import { startServer } from '../scripts/serve.ts';
import { hostileRoute } from './hostile-routes.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4178' } } });

const running = await startServer({
  port: Number(values.port),
  fallback: false,
  queryKnobs: true,
  route: (url, _req, res) => {
    const hostile = /^\/hostile\/([\w-]+)$/.exec(url.pathname);
    return hostile !== null && hostileRoute(hostile[1], url.searchParams, res);
  },
});
console.log(`e2e server on ${running.url}`);
