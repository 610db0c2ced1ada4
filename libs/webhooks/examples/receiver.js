// Receiving late-fusion webhooks in plain Node.js (18+), no dependencies.
// Run it:  LF_WEBHOOK_SECRETS=whsec_... PORT=8080 node receiver.js
// Or copy verifyLfSignature() into your own service (Express: use express.raw({ type: 'application/json' })
// on the webhook route, so you verify the bytes as received, not re-serialised JSON).
'use strict';
const crypto = require('node:crypto');

/**
 * true only for an authentic, fresh delivery.
 *   secrets          your webhook secret (whsec_...), or an array of secrets while you rotate
 *   signatureHeader  the LF-Signature request header: t=<unix seconds>,v1=<hex>[,v1=<hex>]
 *   rawBody          the request body exactly as received (Buffer or string), BEFORE any JSON parsing
 */
function verifyLfSignature(secrets, signatureHeader, rawBody, toleranceSeconds = 300) {
  if (typeof signatureHeader !== 'string') return false;
  let timestamp = null;
  const signatures = [];
  for (const part of signatureHeader.split(',')) {
    const [key, value] = part.trim().split('=');
    if (key === 't') {
      if (timestamp !== null) return false; // exactly one timestamp
      timestamp = value;
    } else if (key === 'v1') {
      signatures.push(value);
    }
  }
  if (!/^\d+$/.test(timestamp || '') || signatures.length === 0) return false;
  // Reject stale or replayed deliveries (the timestamp is inside the signature, so it cannot be altered).
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  let valid = false;
  for (const secret of [].concat(secrets)) {
    const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    for (const signature of signatures) {
      const given = Buffer.from(signature, 'hex');
      // Constant-time comparison: never compare signatures with === .
      if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) valid = true;
    }
  }
  return valid;
}

module.exports = { verifyLfSignature };

if (require.main === module) {
  const http = require('node:http');
  const secrets = (process.env.LF_WEBHOOK_SECRETS || '').split(',').filter(Boolean); // comma-separated while rotating
  const processed = new Set(); // LF-Event-Id values already handled: keep them in your database in production
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 1024 * 1024) req.destroy(); // deliveries are small; refuse anything huge
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      if (req.method !== 'POST' || !verifyLfSignature(secrets, req.headers['lf-signature'], rawBody)) {
        res.writeHead(401).end();
        return;
      }
      // Acknowledge with a 2xx at once (slow answers time out and are retried), then do the work.
      res.writeHead(204).end();
      const eventId = req.headers['lf-event-id'];
      const duplicate = processed.has(eventId); // a retry of a delivery you already handled
      processed.add(eventId);
      const event = JSON.parse(rawBody.toString('utf8'));
      console.log(JSON.stringify({ eventId, duplicate, type: event.type, caseId: event.data.caseId, status: event.data.status }));
    });
  });
  server.listen(Number(process.env.PORT || 8080), () => console.log(`listening on port ${server.address().port}`));
}
