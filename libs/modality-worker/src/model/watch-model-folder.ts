import { watch, type FSWatcher } from 'node:fs';

export interface WatchModelFolderOptions {
  /** Safety-net poll (fs.watch misses events on some network/overlay file systems); 0 disables. */
  pollMs: number;
  /** Events are coalesced: a version folder arrives as a burst of writes. */
  debounceMs: number;
  onError?: (error: Error) => void;
}

/**
 * Calls `onChange` after changes under `dir` settle (fs.watch, recursive where the platform allows) and
 * every `pollMs`. The callback must be cheap when nothing changed: ModelRegistry.reload compares versions
 * first. Returns a function that stops watching.
 */
export function watchModelFolder(dir: string, onChange: (cause: 'watch' | 'poll') => void, options: WatchModelFolderOptions): () => void {
  let debounce: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => onChange('watch'), options.debounceMs);
    debounce.unref();
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, fire);
  } catch {
    try {
      watcher = watch(dir, { persistent: false }, fire);
    } catch (error) {
      options.onError?.(error as Error);
    }
  }
  watcher?.on('error', (error) => options.onError?.(error));

  const poll = options.pollMs > 0 ? setInterval(() => onChange('poll'), options.pollMs) : undefined;
  poll?.unref();

  return () => {
    clearTimeout(debounce);
    if (poll) clearInterval(poll);
    watcher?.close();
  };
}
