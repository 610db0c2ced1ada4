import type { RedisConnection } from '../redis-connection';

/** A script compiled into scripts.generated.ts by scripts/build-lua.ts. */
export interface LuaScript {
  readonly name: string;
  /** Fixed KEYS count (the file name's `-<n>` suffix). */
  readonly numberOfKeys: number;
  /** The script also takes trailing keys `KEYS[numberOfKeys + 1...]`. */
  readonly variadicKeys: boolean;
  readonly sha1: string;
  readonly source: string;
}

export type LuaArg = string | number | Buffer;

/**
 * EVALSHA, falling back to EVAL when the server does not have the script cached (first use, restart,
 * failover, SCRIPT FLUSH). The fallback is safe: NOSCRIPT means the script did not run. ioredis routes
 * both by the first key on a Cluster; every script's keys share one hash tag.
 */
export async function runLuaScript(
  connection: RedisConnection,
  script: LuaScript,
  keys: readonly string[],
  args: readonly LuaArg[],
): Promise<unknown> {
  if (keys.length !== script.numberOfKeys && !(script.variadicKeys && keys.length > script.numberOfKeys)) {
    throw new Error(`${script.name} takes ${script.numberOfKeys}${script.variadicKeys ? '+' : ''} keys, got ${keys.length}`);
  }
  try {
    return await connection.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return connection.eval(script.source, keys.length, ...keys, ...args);
  }
}
