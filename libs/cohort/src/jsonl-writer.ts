import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Appends JSON lines to a file with back-pressure, so memory stays flat however many lines are
 * written. A stream error (disk full, permission denied) is remembered and rethrown by the next
 * write or by close(), instead of crashing the process as an unhandled 'error' event.
 */
export class JsonlWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  async write(value: unknown): Promise<void> {
    if (this.failure) throw this.failure;
    // events.once rejects if 'error' fires while we wait for 'drain'.
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close');
      this.stream.end();
      await closed.catch(() => undefined);
    }
    if (this.failure) throw this.failure;
  }
}
