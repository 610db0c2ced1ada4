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
  assertKeyCount(script, keys);
  try {
    return await connection.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return connection.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * Sends the commands already queued on `pipeline` and then the script, in one write and one round trip,
 * and resolves with the script's reply. Any queued command's error is thrown (the script's reply is then
 * ignored); NOSCRIPT falls back to `runLuaScript` on `connection` (EVAL, a second round trip), which is safe
 * because the script did not run. For Cluster, every key of the pipeline must share one slot.
 */
export async function execPipelineThenLuaScript(
  connection: RedisConnection,
  pipeline: ReturnType<RedisConnection['pipeline']>,
  script: LuaScript,
  keys: readonly string[],
  args: readonly LuaArg[],
): Promise<unknown> {
  assertKeyCount(script, keys);
  pipeline.evalsha(script.sha1, keys.length, ...keys, ...args);
  const replies = (await pipeline.exec()) ?? [];
  const scriptReply = replies.pop();
  for (const [err] of replies) if (err) throw err;
  if (!scriptReply) throw new Error(`${script.name}: the pipeline returned no reply for the script`);
  const [err, reply] = scriptReply;
  if (!err) return reply;
  if (!err.message.startsWith('NOSCRIPT')) throw err;
  return runLuaScript(connection, script, keys, args);
}

function assertKeyCount(script: LuaScript, keys: readonly string[]): void {
  if (keys.length !== script.numberOfKeys && !(script.variadicKeys && keys.length > script.numberOfKeys)) {
    throw new Error(`${script.name} takes ${script.numberOfKeys}${script.variadicKeys ? '+' : ''} keys, got ${keys.length}`);
  }
}
