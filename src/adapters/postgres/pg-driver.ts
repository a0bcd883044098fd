/**
 * The `pg` driver, loaded without loading Node's fetch implementation. When pg 8 is first loaded it
 * asks whether it runs on Cloudflare Workers: where `navigator` is missing (Node 20; Node 21+ has
 * one) it constructs a fetch `Response` to find out, which loads undici: 20-50 ms of start-up in
 * every process that connects to PostgreSQL. A `navigator` like Node 21's answers it instead, and
 * is removed again once pg is loaded.
 */
const lent = !Reflect.has(globalThis, 'navigator');
if (lent) Reflect.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
let pg: typeof import('pg').default;
try {
  pg = (await import('pg')).default;
} finally {
  if (lent) Reflect.deleteProperty(globalThis, 'navigator');
}

export default pg;
