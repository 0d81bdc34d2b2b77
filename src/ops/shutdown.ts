import type { FastifyInstance } from 'fastify';

/** Longest wait for in-flight requests on shutdown before their connections are cut. */
const DRAIN_DEADLINE_MS = 10_000;

/**
 * Graceful close: once closing starts, every response still being written says
 * `Connection: close`, so a keep-alive connection ends with its last in-flight request instead
 * of holding the shutdown until its idle timeout. After a deadline the rest are cut.
 */
export function registerGracefulClose(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    fastify.server.closeIdleConnections();
    setTimeout(() => {
      fastify.server.closeAllConnections();
    }, DRAIN_DEADLINE_MS).unref();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
}
