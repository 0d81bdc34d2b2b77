import type { Channel } from '@grpc/grpc-js';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Logger } from '@nestjs/common';

const SCHEMES: Readonly<Record<string, string>> = {
  kurrentdb: 'kurrentdb',
  'kurrentdb+discover': 'kurrentdb+discover',
  kurrent: 'kurrent',
  'kurrent+discover': 'kurrent+discover',
  kdb: 'kdb',
  'kdb+discover': 'kdb+discover',
  // The client still accepts esdb:// but warns on every start; the two forms mean the same.
  esdb: 'kurrentdb',
  'esdb+discover': 'kurrentdb+discover',
};

/** Maps `esdb://` (EventStoreDB) connection strings to the equivalent `kurrentdb://` form; rejects other schemes. */
export function toKurrentDbConnectionString(raw: string): string {
  const trimmed = raw.trim();
  const match = /^([a-z+]+):\/\//i.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase();
  const mapped = scheme === undefined ? undefined : SCHEMES[scheme];
  if (scheme === undefined || mapped === undefined) {
    throw new Error(
      `not a KurrentDB connection string (expected kurrentdb://host:2113?… or esdb://host:2113?…)`,
    );
  }
  return `${mapped}://${trimmed.slice(scheme.length + 3)}`;
}

/** Never replace a client more often than this, however many calls fail at once. */
const MIN_REPLACE_INTERVAL_MS = 1000;

/**
 * The one client of a role (appends, reads, subscriptions), kept for the life of the store and
 * replaced only when it is known not to recover by itself:
 * - the read path (the client's native bridge) ends its connection loop for good after it failed to
 *   connect, and then reports every read as unavailable: after an unavailable or unanswered read the
 *   reader is replaced (the bridge has no way to tell a dead loop from a node that said "not ready");
 * - the gRPC path keeps a rejected server-features lookup after a failed gossip discovery, and that
 *   lookup has no deadline, so after a discovery failure or a call that got no answer at all the writer
 *   is replaced. A server that answered (a commit timeout, "not ready", a conflict) is no reason.
 * Replaced clients are closed, channels included, once the calls still running on them had their time.
 */
export class ClientSlot {
  private current: TrackedClient;
  private replaceWanted: string | undefined;
  private replacedAt = 0;
  private readonly retired = new Set<TrackedClient>();
  private closed = false;
  /** How many times the client was replaced (observability and tests). */
  replacements = 0;

  constructor(
    private readonly role: string,
    private readonly connectionString: string,
    private readonly logger: Logger,
    /** How long calls on a replaced client may still run before it is closed. */
    private readonly retireAfterMs: number,
  ) {
    this.current = track(KurrentDBClient.connectionString(connectionString));
  }

  /** The client, replaced first if a replacement is due. */
  get(): KurrentDBClient {
    if (this.replaceWanted !== undefined && Date.now() - this.replacedAt >= MIN_REPLACE_INTERVAL_MS) {
      this.logger.warn(`replacing the KurrentDB ${this.role} client (${this.replaceWanted})`);
      this.retire(this.current);
      this.current = track(KurrentDBClient.connectionString(this.connectionString));
      this.replaceWanted = undefined;
      this.replacedAt = Date.now();
      this.replacements += 1;
    }
    return this.current.client;
  }

  /** Asks for a fresh client on the next call, for the reason given. */
  replace(reason: string): void {
    if (!this.closed) this.replaceWanted ??= reason;
  }

  /** Closes the client and any replaced one: streams cancelled, channels closed. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [this.current, ...this.retired];
    this.retired.clear();
    await Promise.all(all.map(closeTracked));
  }

  private retire(old: TrackedClient): void {
    this.retired.add(old);
    setTimeout(() => {
      if (this.retired.delete(old)) void closeTracked(old);
    }, this.retireAfterMs).unref();
  }
}

interface TrackedClient {
  readonly client: KurrentDBClient;
  readonly channels: Set<Channel>;
}

/**
 * `dispose()` of @kurrent/kurrentdb-client 1.3 cancels the client's streams but leaves its gRPC
 * channel (and so its HTTP/2 connection) open. The channel is private; the client creates it through
 * its own `createChannel`, which is wrapped here to keep hold of it so that closing really closes.
 */
function track(client: KurrentDBClient): TrackedClient {
  const channels = new Set<Channel>();
  const internals = client as unknown as { createChannel?: () => Promise<Channel> };
  const create = internals.createChannel;
  if (typeof create === 'function') {
    internals.createChannel = async () => {
      const channel = await create();
      channels.add(channel);
      return channel;
    };
  }
  return { client, channels };
}

async function closeTracked({ client, channels }: TrackedClient): Promise<void> {
  await client.dispose().catch(() => undefined);
  for (const channel of channels) channel.close();
  channels.clear();
}
