import type { KeyBuilder, RedisConnection } from '@lf/redis';

/**
 * Wakes long-polls and SSE streams when a case's event stream grows, over ONE Redis Pub/Sub connection per
 * gateway: every script that appends a case event also PUBLISHes the entry id on the case's channel
 * (libs/redis addCaseEvent). So 1000 concurrent waiters cost one connection, one subscription per watched
 * case (shared by all its waiters) and no polling; a blocking XREAD per waiter would cost a connection each.
 *
 * A notification is only a wake-up: readers then read the stream or the case, which stay the source of
 * truth. After the connection comes back (ioredis re-subscribes by itself) every waiter is woken to re-read,
 * since notifications published while it was down are lost.
 */
export interface CaseWatchListener {
  /** A new event (its stream id), or no id after a reconnect: something may have changed, re-read. */
  onChange(streamId?: string): void;
  /** The gateway is shutting down: answer now. */
  onClose(): void;
}

export class WatchLimitError extends Error {
  constructor(limit: number) {
    super(`${limit} case watchers already open`);
    this.name = 'WatchLimitError';
  }
}

export class WatchUnavailableError extends Error {
  constructor(reason: string) {
    super(`case notifications unavailable: ${reason}`);
    this.name = 'WatchUnavailableError';
  }
}

export interface CaseWatcherOptions {
  /** Long-polls plus SSE streams held at once. */
  maxWatchers: number;
  /** How long to wait for Redis to confirm a subscription before giving up (503). Default 2 s. */
  subscribeTimeoutMs?: number;
}

interface Channel {
  listeners: Set<CaseWatchListener>;
  subscribed: Promise<void>;
}

export class CaseWatcher {
  private readonly channels = new Map<string, Channel>();
  private watchers = 0;
  private closed = false;
  private readonly subscribeTimeoutMs: number;

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly keys: KeyBuilder,
    private readonly options: CaseWatcherOptions,
  ) {
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 2000;
    subscriber.on('message', (channel: string, message: string) => {
      const entry = this.channels.get(channel);
      if (entry) for (const listener of [...entry.listeners]) listener.onChange(message);
    });
    subscriber.on('ready', () => {
      for (const entry of this.channels.values()) for (const listener of [...entry.listeners]) listener.onChange();
    });
  }

  /** Waiters currently registered. */
  get size(): number {
    return this.watchers;
  }

  /**
   * Registers `listener` for the case's events and resolves once Redis has confirmed the subscription, so a
   * read made after this cannot miss an event. Returns the function that unregisters (idempotent).
   * Throws WatchLimitError when `maxWatchers` are open, WatchUnavailableError when Redis does not confirm.
   */
  async watch(caseId: string, listener: CaseWatchListener): Promise<() => void> {
    if (this.closed) throw new WatchUnavailableError('the gateway is shutting down');
    if (this.watchers >= this.options.maxWatchers) throw new WatchLimitError(this.options.maxWatchers);
    const name = this.keys.eventsChannel(caseId);
    let entry = this.channels.get(name);
    if (!entry) {
      const created: Channel = { listeners: new Set(), subscribed: Promise.resolve() };
      created.subscribed = this.subscriber.subscribe(name).then(
        () => undefined,
        (err: unknown) => {
          // Let the next waiter try afresh instead of inheriting this failure.
          if (this.channels.get(name) === created) this.channels.delete(name);
          throw err;
        },
      );
      created.subscribed.catch(() => undefined);
      this.channels.set(name, created);
      entry = created;
    }
    const joined = entry;
    joined.listeners.add(listener);
    this.watchers++;
    let done = false;
    const unwatch = () => {
      if (done) return;
      done = true;
      this.watchers--;
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.channels.get(name) === joined) {
        this.channels.delete(name);
        // Ordered after the SUBSCRIBE on the same connection, so the final state is right even mid-flight.
        this.subscriber.unsubscribe(name).catch(() => undefined);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        joined.subscribed,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no reply within ${this.subscribeTimeoutMs} ms`)), this.subscribeTimeoutMs))),
      ]);
    } catch (err) {
      unwatch();
      throw new WatchUnavailableError(err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
    }
    return unwatch;
  }

  /** Tells every waiter to answer now, and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of [...this.channels.values()]) for (const listener of [...entry.listeners]) listener.onClose();
    this.channels.clear();
    if (this.subscriber.status === 'wait') {
      this.subscriber.disconnect();
      return;
    }
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
