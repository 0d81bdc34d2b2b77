import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { StoreUnavailableError, type EventStore } from './event-store.js';

const MAX_WAIT_BETWEEN_MS = 5000;

/**
 * Waits until the event store answers for its head (on a cluster: until a leader exists), retrying
 * StoreUnavailableError with a growing wait and a log line each time; any other error is thrown.
 * Start-up calls this first, so a service started with its cluster (or during an election) waits
 * instead of failing. Returns the head.
 */
export async function waitForEventStore(
  store: EventStore,
  logger: Pick<Logger, 'warn' | 'log'>,
  signal?: AbortSignal,
): Promise<bigint> {
  let wait = 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const head = await store.headPosition();
      if (attempt > 1) logger.log(`the event store answers (after ${attempt} attempts)`);
      return head;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || signal?.aborted) throw error;
      logger.warn(`waiting for the event store (${error.message}); next attempt in ${wait} ms`);
      await delay(wait, undefined, signal ? { signal } : undefined);
      wait = Math.min(wait * 2, MAX_WAIT_BETWEEN_MS);
    }
  }
}
