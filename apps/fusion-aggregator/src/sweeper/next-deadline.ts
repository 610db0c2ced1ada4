import type { KeyBuilder, RedisConnection } from '@lf/redis';
import type { NextDeadline } from './deadline-sweeper';

/**
 * The earliest entry of the deadlines index and the Redis time, in one round trip (a pipeline: the two
 * need no atomicity). Belongs in CaseStore next to `dueDeadlines`; kept here until it moves there.
 */
export function redisNextDeadline(redis: RedisConnection, keys: KeyBuilder): NextDeadline {
  return async () => {
    const replies = await redis.pipeline().zrange(keys.deadlines(), 0, 0, 'WITHSCORES').time().exec();
    if (!replies) return null;
    const [[zErr, first], [tErr, time]] = replies as [[Error | null, string[]], [Error | null, [string, string]]];
    if (zErr) throw zErr;
    if (tErr) throw tErr;
    if (first.length < 2) return null;
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    return { deadlineAt: Number(first[1]), now };
  };
}
