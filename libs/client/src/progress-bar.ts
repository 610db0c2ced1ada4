/** A one-line progress bar on a TTY (plain periodic lines otherwise, so CI logs stay readable). */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  let last = -1;
  const started = Date.now();
  return (done: number) => {
    const pct = Math.floor((100 * done) / Math.max(1, total));
    if (pct === last && done !== total) return;
    last = pct;
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round((width * done) / Math.max(1, total));
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(0)}/s `);
      if (done === total) stream.write('\n');
    } else if (pct % 25 === 0 || done === total) {
      stream.write(`${label}: ${done}/${total} (${rate.toFixed(0)}/s)\n`);
    }
  };
}
