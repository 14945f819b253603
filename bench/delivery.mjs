// The delivery delay: from a signup's commit (its response, which comes right after the
// commit) to the provider stand-in receiving the message. Measured on the development build
// with its providers pointed at tests/provider/server.mjs in this process, twice: with a
// provider that always answers, and with one that fails a third of the calls (500, 429 with
// Retry-After: 1, a timeout, a lost answer, in turn), where retries add their backoff.
import { median, pct, r2 } from "./stats.mjs";

async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function round({ call, standIn, n, tag }) {
  const sent = new Map();
  let next = 0;
  await Promise.all(Array.from({ length: 2 }, async () => {
    while (next < n) {
      const to = `delivery.${tag}.${next++}@example.com`;
      const r = await call("POST", "/signup", { body: { email: to, password: "violet-harbour-lantern", first_name: "Bench", last_name: "Delivery" } });
      if (r.status !== 201) throw new Error(`signup ${r.status}`);
      sent.set(to, Date.now());
    }
  }));
  const received = () => standIn.received().emails.filter((m) => sent.has(m.to));
  await waitFor(() => received().length >= n, 120_000);
  const got = received();
  const delays = got.map((m) => m.received_at - sent.get(m.to));
  const per = new Map();
  for (const m of got) per.set(m.to, (per.get(m.to) || 0) + 1);
  return {
    messages: n, received: per.size, duplicates: [...per.values()].filter((c) => c > 1).length,
    median_ms: r2(median(delays)), p99_ms: r2(pct(delays, 99)), max_ms: r2(Math.max(...delays)),
  };
}

export async function measureDelivery({ call, standIn, quick, log }) {
  const n = quick ? 10 : 100;
  log(`delivery delay: ${n} signups with a provider that always answers`);
  standIn.faults({});
  const clean = await round({ call, standIn, n, tag: `clean${Date.now()}` });
  log(`delivery delay: ${n} signups while a third of the provider's calls fail`);
  standIn.faults({ rate: 1 / 3, modes: ["500", "429", "timeout", "lost"], hold_ms: 2500 });
  const failing = await round({ call, standIn, n, tag: `failing${Date.now()}` });
  standIn.faults({});
  return {
    note: "commit (signup response) to the provider stand-in receiving it; local Queues (max_batch_timeout 1 s), DELIVERY_RETRY_SECONDS=1, DELIVERY_TIMEOUT_MS=1000",
    clean, failing_third: failing,
  };
}
