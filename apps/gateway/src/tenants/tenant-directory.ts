import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '@lf/observability';
import type { Counter } from 'prom-client';
import { TenantTable } from './tenant-table';
import { loadTenantsFile, TenantsFileError, type TenantsSource } from './tenants-file';

export type ReloadTrigger = 'watch' | 'poll' | 'SIGHUP' | 'manual';
export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected';

export interface TenantDirectoryOptions {
  logger: Logger;
  /** Counted per reload that applied or rejected a new file. */
  reloads?: Counter<'outcome'>;
  /** Poll interval for the file (the safety net under fs.watch). Default 5000 ms. */
  pollMs?: number;
  /** fs.watch reports one save as several events; they are folded into one reload after this long. Default 100 ms. */
  debounceMs?: number;
  /** Watch the file's directory (default true; tests switch it off to exercise the poll alone). */
  watch?: boolean;
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The live tenant table. For a tenants file it re-reads the file when it changes, so keys rotate without
 * a restart: fs.watch on the file's directory (Kubernetes updates a mounted Secret by swapping the
 * `..data` symlink in that directory, which a watch on the file itself would miss), a poll as the safety
 * net (watches are lost on some filesystems and after a directory is replaced), and `reload('SIGHUP')`.
 *
 * A new file is applied only if it validates completely. A broken one is logged (with the JSON path of
 * each problem) and the last good table stays in force: a bad edit must never lock every hospital out.
 * Each distinct broken content is reported once, not on every poll.
 */
export class TenantDirectory {
  private current: TenantTable;
  private lastSeenDigest: string | undefined;
  private lastOutcome: ReloadOutcome = 'applied';
  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly source: TenantsSource,
    initial: TenantTable,
    initialText: string | undefined,
    private readonly options: TenantDirectoryOptions,
  ) {
    this.current = initial;
    this.lastSeenDigest = initialText === undefined ? undefined : digestOf(initialText);
  }

  /** Loads the source (throws TenantsFileError for a bad file: at boot there is no last good table). */
  static open(source: TenantsSource, options: TenantDirectoryOptions): TenantDirectory {
    if (source.kind === 'env') return new TenantDirectory(source, TenantTable.from(source.file), undefined, options);
    const { file, text } = loadTenantsFile(source.path);
    return new TenantDirectory(source, TenantTable.from(file), text, options);
  }

  get table(): TenantTable {
    return this.current;
  }

  get watching(): boolean {
    return this.watcher !== undefined || this.pollTimer !== undefined;
  }

  /** Starts watching and polling (file sources only; a no-op for LF_API_KEYS). Idempotent. */
  start(): void {
    if (this.source.kind !== 'file' || this.watching) return;
    const { path } = this.source;
    if (this.options.watch ?? true) this.watchDirectory(path);
    this.pollTimer = setInterval(() => this.reload('poll'), this.options.pollMs ?? 5000);
    this.pollTimer.unref();
  }

  private watchDirectory(path: string): void {
    const { logger } = this.options;
    try {
      // Any change in the directory may be ours (Kubernetes swaps `..data`, editors write a temp file and
      // rename it): the reload compares content digests, so a spurious event costs one small read.
      this.watcher = watch(dirname(path), { persistent: false }, () => this.scheduleWatchReload());
      this.watcher.on('error', (err) => {
        logger.warn('tenants file watch failed; relying on polling', { err, file: path });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      logger.warn('cannot watch the tenants file directory; relying on polling', { err: err as Error, file: path });
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
  }

  /**
   * Re-reads the file and swaps the table in if it changed and is valid. Synchronous (the file is small),
   * so a reload can never interleave with another one.
   */
  reload(trigger: ReloadTrigger): ReloadOutcome {
    const { logger } = this.options;
    if (this.source.kind !== 'file') {
      if (trigger === 'SIGHUP') logger.info('tenants come from LF_API_KEYS: nothing to re-read (set LF_TENANTS_FILE to rotate keys without a restart)');
      return 'unchanged';
    }
    const { path } = this.source;
    const loud = trigger === 'SIGHUP' || trigger === 'manual';
    let loaded;
    try {
      loaded = loadTenantsFile(path);
    } catch (err) {
      // Runs from timers and signal handlers: it must never throw, whatever went wrong.
      const rejected = err instanceof TenantsFileError ? err : new TenantsFileError(path, [`cannot be loaded: ${(err as Error).message}`]);
      // A file that does not even parse has no content to fingerprint: fingerprint the problems instead.
      return this.reject(rejected, digestOf(`error:${rejected.message}`), trigger, loud);
    }
    const digest = digestOf(loaded.text);
    if (digest === this.lastSeenDigest && !loud) return 'unchanged';
    if (digest === this.lastSeenDigest && this.lastOutcome === 'applied') {
      logger.info('tenants file re-read: unchanged', { trigger, file: path, tenants: this.current.tenantIds.length });
      return 'unchanged';
    }
    const previous = this.current;
    this.current = TenantTable.from(loaded.file);
    this.lastSeenDigest = digest;
    this.lastOutcome = 'applied';
    this.options.reloads?.inc({ outcome: 'applied' });
    const before = new Set(previous.keyNames);
    const after = new Set(this.current.keyNames);
    logger.info('tenants file reloaded', {
      trigger,
      file: path,
      tenants: this.current.tenantIds.length,
      keys: after.size,
      keysAdded: [...after].filter((k) => !before.has(k)),
      keysRemoved: [...before].filter((k) => !after.has(k)),
    });
    return 'applied';
  }

  private reject(err: TenantsFileError, digest: string, trigger: ReloadTrigger, loud: boolean): ReloadOutcome {
    if (digest === this.lastSeenDigest && this.lastOutcome === 'rejected' && !loud) return 'rejected';
    this.lastSeenDigest = digest;
    this.lastOutcome = 'rejected';
    this.options.reloads?.inc({ outcome: 'rejected' });
    this.options.logger.error('tenants file rejected; the last valid tenants and keys stay in force', {
      trigger,
      file: err.path,
      problems: err.problems.slice(0, 20),
    });
    return 'rejected';
  }

  private scheduleWatchReload(): void {
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.reload('watch'), this.options.debounceMs ?? 100);
    this.debounceTimer.unref();
  }
}
