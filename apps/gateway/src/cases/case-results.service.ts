import type { Logger } from '@lf/observability';
import type { CaseEvent, CaseStore, CaseView } from '@lf/redis';
import { WatchUnavailableError, type CaseWatcher } from './case-watcher';
import { formatSse, toSseEvent } from './case-sse';

/**
 * Reading cases without HTTP: a plain read, the `?wait=` long-poll and the server-sent event stream. Both
 * waiting forms sleep on the CaseWatcher (one Pub/Sub connection for the whole gateway) and read Redis only
 * when the case's event stream grew, never in a polling loop; the SSE heartbeat doubles as a catch-up read
 * in case a notification was lost while the Pub/Sub connection reconnected.
 */
export interface CaseResultsDeps {
  store: Pick<CaseStore, 'get' | 'eventsSince' | 'now'>;
  watcher: Pick<CaseWatcher, 'watch'>;
  logger: Logger;
  /** Comment line on an idle stream this often; also when a stream re-reads in case it missed a wake-up. */
  sseHeartbeatMs: number;
  /** A stream stays open this long after the result is stored (late scores), then ends. */
  sseGraceMs: number;
}

/** Where an SSE stream writes: the raw HTTP response once the route has taken it over from the framework. */
export interface SseSink {
  /** Sends the status line and headers. */
  open(): void;
  write(chunk: string): void;
  end(): void;
  /** Called once when the client goes away (or the response ends). */
  onClose(listener: () => void): void;
}

export type StreamOutcome =
  /** Unknown case, or another tenant's. Nothing was sent. */
  | { kind: 'not-found' }
  /**
   * A reconnect (Last-Event-ID) to a case that is final, past its grace period, with nothing newer: per the
   * SSE spec, 204 tells an EventSource to stop reconnecting. Nothing was sent.
   */
  | { kind: 'finished' }
  /** The stream was opened; it ends by itself. */
  | { kind: 'streaming'; done: Promise<void> };

const isFinal = (view: CaseView) => view.result !== undefined;

export class CaseResults {
  constructor(private readonly deps: CaseResultsDeps) {}

  /** The case if it exists and belongs to `tenant`, else null (one answer for both: no existence oracle). */
  async read(caseId: string, tenant: string): Promise<CaseView | null> {
    const view = await this.deps.store.get(caseId);
    return view !== null && view.tenant === tenant ? view : null;
  }

  /**
   * The case as soon as it is final (its result stored), or as it is after `waitMs`, or when `signal`
   * aborts (the client left) or the gateway shuts down. Subscribes before re-reading, so an event between
   * the read and the wait cannot be missed.
   */
  async waitForFinal(caseId: string, tenant: string, waitMs: number, signal?: AbortSignal): Promise<CaseView | null> {
    let view = await this.read(caseId, tenant);
    if (view === null || isFinal(view) || waitMs <= 0) return view;
    const deadline = Date.now() + waitMs;
    let changed = false;
    let stop = false;
    let wake: () => void = () => undefined;
    const unwatch = await this.deps.watcher.watch(caseId, {
      onChange: () => {
        changed = true;
        wake();
      },
      onClose: () => {
        stop = true;
        wake();
      },
    });
    const onAbort = () => {
      stop = true;
      wake();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        changed = false;
        view = await this.read(caseId, tenant);
        if (view === null || isFinal(view) || stop || signal?.aborted) return view;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return view;
        if (changed) continue;
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), remaining);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = () => undefined;
        if (!woke || stop) return stop ? view : await this.read(caseId, tenant);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      unwatch();
    }
  }

  /**
   * Server-sent events of the case's lifecycle: replays the stream after `lastEventId` (all of it when
   * absent), then live events, a heartbeat comment every `sseHeartbeatMs`, and ends `sseGraceMs` after the
   * result is stored (so late scores still arrive), when the case disappears, or on shutdown.
   */
  async stream(caseId: string, tenant: string, lastEventId: string | undefined, sink: SseSink): Promise<StreamOutcome> {
    const { store, logger } = this.deps;
    if ((await this.read(caseId, tenant)) === null) return { kind: 'not-found' };

    let lastId = lastEventId;
    let opened = false;
    let ended = false;
    let unwatch: () => void = () => undefined;
    let endTimer: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let pumping: Promise<void> | undefined;
    let again = false;
    let clockOffset = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));

    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(endTimer);
      clearInterval(heartbeat);
      unwatch();
      if (opened) sink.end();
      finish();
    };
    /** Ends the stream the grace period after the case was finalized (Redis-clock time). */
    const scheduleEnd = (finalizedAt: number) => {
      if (endTimer !== undefined || ended) return;
      endTimer = setTimeout(end, Math.max(0, finalizedAt + this.deps.sseGraceMs - (Date.now() + clockOffset)));
    };
    const emit = (events: CaseEvent[], view: CaseView | null) => {
      for (const entry of events) {
        lastId = entry.id;
        const event = toSseEvent(caseId, entry, view);
        if (event && !ended) sink.write(formatSse(event));
        if (entry.type === 'result-stored') scheduleEnd(view?.finalizedAt ?? entry.at);
      }
    };
    /** Reads what is new since lastId and sends it; serialized, and coalesced while a read is running. */
    const pump = (checkExists = false): Promise<void> => {
      if (pumping) {
        again = true;
        return pumping;
      }
      pumping = (async () => {
        do {
          again = false;
          try {
            const events = await store.eventsSince(caseId, lastId);
            if (events.length === 0 && !checkExists) continue;
            const view = await store.get(caseId);
            if (view === null && events.length === 0) return end(); // expired: nothing more will come
            emit(events, view);
          } catch (err) {
            // A Redis blip: the next wake-up or heartbeat reads again from lastId, so nothing is lost.
            logger.warn('case event stream read failed', { caseId, err: err as Error });
            return;
          }
        } while (again && !ended);
      })().finally(() => (pumping = undefined));
      return pumping;
    };

    // Subscribe first, then read: an event appended in between is both read and notified, never missed.
    // Wake-ups before the stream is open are remembered and served right after the replay.
    let wokeEarly = false;
    const onChange = () => {
      if (opened) void pump();
      else wokeEarly = true;
    };
    unwatch = await this.deps.watcher.watch(caseId, { onChange, onClose: end });
    let events: CaseEvent[];
    let view: CaseView | null;
    try {
      const before = Date.now();
      const redisNow = await store.now();
      clockOffset = redisNow - Math.round((before + Date.now()) / 2);
      events = await store.eventsSince(caseId, lastId);
      view = await store.get(caseId);
    } catch (err) {
      unwatch();
      throw err;
    }
    if (view === null || view.tenant !== tenant) {
      unwatch();
      return { kind: 'not-found' };
    }
    const finalizedAt = view.result !== undefined ? view.finalizedAt : undefined;
    const nothingNew = events.every((e) => toSseEvent(caseId, e, view) === undefined);
    if (lastEventId !== undefined && nothingNew && finalizedAt !== undefined && finalizedAt + this.deps.sseGraceMs <= Date.now() + clockOffset) {
      unwatch();
      return { kind: 'finished' };
    }

    if (ended) throw new WatchUnavailableError('the gateway is shutting down');
    sink.onClose(end);
    sink.open();
    opened = true;
    // How long EventSource waits before reconnecting (with Last-Event-ID) if the connection drops.
    sink.write('retry: 2000\n\n');
    emit(events, view);
    if (finalizedAt !== undefined) scheduleEnd(finalizedAt);
    if (wokeEarly) void pump();
    if (!ended) {
      heartbeat = setInterval(() => {
        if (ended) return;
        sink.write(': heartbeat\n\n');
        void pump(true);
      }, this.deps.sseHeartbeatMs);
    }
    return { kind: 'streaming', done };
  }
}
