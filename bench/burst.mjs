// A shift-end burst against the release MDM: CLIENTS clients (each its own API token holding
// `fms.actiontoken.redeem`, as a phone's operator would be its own principal) sync BATCHES batches of BATCH queued
// redemptions at once, while a monitor asks `GET /api/v1/health` every 20 ms. Reports what the clients got (every
// redemption must be applied exactly once; 503s are counted) and the health answers' latency while the syncs ran.
//
// usage: node bench/burst.mjs MDM_BINARY [CLIENTS] [BATCHES] [BATCH]
import { startServer } from "../tests/e2e/support.mjs";

const [mdm, clients = "8", batches = "10", batch = "500"] = process.argv.slice(2);
const [CLIENTS, BATCHES, BATCH] = [clients, batches, batch].map(Number);

const server = await startServer({ org: "Burst", mdm, web: null });
try {
  const tokens = (await server.api("GET", "/api/v1/action-tokens")).body.items;
  const devices = (await server.api("GET", "/api/v1/devices")).body.items;
  const texts = tokens.flatMap((token) => [token.qr.new, token.code]);
  const start = Math.max(...tokens.map((token) => Date.parse(token.created_at)));
  const credentials = [];
  for (let c = 0; c < CLIENTS; c++) {
    const { status, body } = await server.api("POST", "/api/v1/api-tokens", { name: `phone ${c}`, permissions: ["fms.actiontoken.redeem"] });
    if (status !== 201) throw new Error(`api token: ${status} ${JSON.stringify(body)}`);
    credentials.push(body.token);
  }

  let running = true;
  const health = [];
  const monitor = (async () => {
    while (running) {
      const sent = performance.now();
      const response = await fetch(new URL("/api/v1/health", server.url));
      await response.arrayBuffer();
      health.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const counts = {};
  const statuses = {};
  const began = performance.now();
  await Promise.all(credentials.map(async (token, c) => {
    for (let b = 0; b < BATCHES; b++) {
      const redemptions = Array.from({ length: BATCH }, (_, i) => {
        const n = (c * BATCHES + b) * BATCH + i;
        return { id: `burst-${c}-${b}-${i}`, token: texts[n % texts.length], device_id: devices[n % devices.length].id, scanned_at: start + n };
      });
      const { status, body } = await server.api("POST", "/api/v1/sync", { redemptions }, token);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) for (const r of body.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    }
  }));
  const elapsed = performance.now() - began;
  running = false;
  await monitor;
  health.sort((a, b) => a - b);
  const at = (q) => health[Math.min(health.length - 1, Math.floor(q * health.length))].toFixed(1);
  console.log(JSON.stringify({
    clients: CLIENTS, redemptions: CLIENTS * BATCHES * BATCH, seconds: +(elapsed / 1000).toFixed(2),
    statuses, outcomes: counts, health_ms: { n: health.length, p50: +at(0.5), p99: +at(0.99), max: +at(1) },
  }));
} finally {
  await server.stop();
}
