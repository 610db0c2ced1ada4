/**
 * Workers connected per queue, from one `CLIENT LIST` per sample (not one per queue, as BullMQ's
 * Queue.getWorkers would do). A BullMQ Worker names its blocking connection `<prefix>:<base64(queue)>`,
 * or `<prefix>:<base64(queue)>:w:<worker name>` when given a name; that is exactly what getWorkers matches.
 * A connection stays listed while its process is frozen (SIGSTOP) or hung, which is why the health rules
 * also look at the age of the oldest waiting job.
 */
export interface ClientInfo {
  name: string;
  /** Seconds since the connection's last command. */
  idle: number;
}

export function parseClientList(text: string): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    let name = '';
    let idle = 0;
    for (const field of line.split(' ')) {
      if (field.startsWith('name=')) name = field.slice(5);
      else if (field.startsWith('idle=')) idle = Number(field.slice(5)) || 0;
    }
    out.push({ name, idle });
  }
  return out;
}

/** BullMQ's client name for a queue's workers (QueueBase.clientName). */
export function workerClientName(prefix: string, queue: string): string {
  return `${prefix}:${Buffer.from(queue).toString('base64')}`;
}

export function countWorkers(clients: readonly ClientInfo[], clientName: string): number {
  const named = `${clientName}:w:`;
  return clients.filter((c) => c.name === clientName || c.name.startsWith(named)).length;
}
