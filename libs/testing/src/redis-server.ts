/**
 * A throwaway `redis-server` per test file: own port, own temp dir, no persistence, so integration tests
 * against a real Redis are isolated from each other and from the shared server (which they must never
 * FLUSHALL). `kill` and `restart` let tests simulate a Redis crash: same port, empty data set unless
 * persistence was switched on through `args`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

const HOST = '127.0.0.1';

export interface StartRedisServerOptions {
  /** Executable to run; default `$REDIS_SERVER_BIN`, else `redis-server` on the PATH. */
  binary?: string;
  /** Fixed port; default a free one (retried if another process grabs it first). */
  port?: number;
  /**
   * Extra `redis-server` arguments, appended last so they override the defaults,
   * e.g. `['--appendonly', 'yes']` to keep data across `restart()`, or `['--requirepass', 's3cret']`.
   */
  args?: string[];
  /**
   * Contents of a config file written to `<dir>/redis.conf` and passed first. Only needed by modes that
   * rewrite their config file (Sentinel); plain settings can go in `args`.
   */
  config?: string;
  /** How long to wait for the server to answer PING. Default 10 s. */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The server's working directory (removed by `stop`). */
  readonly dir: string;
  /** Graceful shutdown (SIGTERM, then SIGKILL after 5 s) and removal of the temp dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Sends a signal, default SIGKILL (a crash); resolves once the process has exited, or at once for
   * SIGSTOP/SIGCONT (freeze and thaw, to simulate a hung server). The temp dir stays, so `restart` works.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process if it still runs and starts a new one on the same port and dir; resolves on PING. */
  restart(): Promise<void>;
}

const NON_TERMINATING = new Set<NodeJS.Signals>(['SIGSTOP', 'SIGCONT', 'SIGTSTP']);
const MAX_PORT_ATTEMPTS = 5;
const STOP_GRACE_MS = 5_000;

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
}

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? process.env['REDIS_SERVER_BIN'] ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'lf-redis-'));
  const configArgs: string[] = [];
  if (options.config !== undefined) {
    const configFile = join(dir, 'redis.conf');
    writeFileSync(configFile, options.config);
    configArgs.push(configFile);
  }
  const launch = (port: number) => launchOnce(binary, port, dir, configArgs, options.args ?? [], startTimeoutMs);

  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  try {
    for (let attempt = 1; child === undefined; attempt++) {
      if (options.port === undefined) port = await freePort(HOST);
      try {
        child = await launch(port);
      } catch (err) {
        const retry = err instanceof PortInUseError && options.port === undefined && attempt < MAX_PORT_ATTEMPTS;
        if (!retry) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let current: ChildProcess | undefined = child;
  let stopped = false;

  const terminate = async (proc: ChildProcess | undefined): Promise<void> => {
    if (proc === undefined || hasExited(proc)) return;
    proc.kill('SIGCONT'); // a frozen server cannot handle SIGTERM
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(proc);
    clearTimeout(timer);
  };

  return {
    url: `redis://${HOST}:${port}`,
    host: HOST,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(current);
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const proc = current;
      if (proc === undefined || hasExited(proc)) return;
      proc.kill(signal);
      if (!NON_TERMINATING.has(signal)) await exited(proc);
    },
    async restart() {
      if (stopped) throw new Error('startRedisServer: restart() after stop()');
      await terminate(current);
      current = await launch(port);
    },
  };
}

class PortInUseError extends Error {}

function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function exited(proc: ChildProcess): Promise<void> {
  if (hasExited(proc)) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** Spawns one redis-server and resolves once it answers PING; rejects (and kills it) otherwise. */
async function launchOnce(
  binary: string,
  port: number,
  dir: string,
  configArgs: string[],
  extraArgs: string[],
  startTimeoutMs: number,
): Promise<ChildProcess> {
  const args = [
    ...configArgs,
    '--port', String(port),
    '--bind', HOST,
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--daemonize', 'no',
    '--logfile', '',
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 40) output.splice(0, output.length - 40);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new Error(
            `startRedisServer: '${binary}' was not found. Install Redis 7 (Debian/Ubuntu: \`apt-get install redis-server\`, ` +
              `macOS: \`brew install redis\`) or set REDIS_SERVER_BIN to the redis-server executable.`,
          ),
        );
      } else {
        reject(new Error(`startRedisServer: could not run '${binary}': ${err.message}`));
      }
    });
  });
  const earlyExit = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      const log = output.join('\n');
      if (/address already in use/i.test(log)) reject(new PortInUseError(`startRedisServer: port ${port} is already in use`));
      else reject(new Error(`startRedisServer: redis-server exited during start-up (code ${code}, signal ${signal}):\n${log}`));
    });
  });
  spawnError.catch(() => undefined);
  earlyExit.catch(() => undefined);

  const deadline = Date.now() + startTimeoutMs;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (hasExited(child)) return new Promise<never>(() => undefined); // earlyExit reports it
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`startRedisServer: no PING reply on port ${port} within ${startTimeoutMs} ms:\n${output.join('\n')}`);
  })();

  try {
    await Promise.race([ready, spawnError, earlyExit]);
  } catch (err) {
    if (!hasExited(child) && child.pid !== undefined) {
      child.kill('SIGKILL');
      await exited(child);
    }
    throw err;
  }
  return child;
}

/** One RESP PING over a fresh socket; true on +PONG (false while refusing or -LOADING). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Sends one command over a fresh connection and returns the raw RESP reply text (the connection is closed
 * by a following QUIT). For harness set-up only; tests talk to Redis through a real client.
 */
export function rawRedisCommand(port: number, args: string[], host = HOST): Promise<string> {
  const encode = (parts: string[]) =>
    `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no reply to ${args[0]} within 5 s`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(encode(args) + encode(['QUIT'])));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/\+OK\r\n$/, '')));
  });
}

