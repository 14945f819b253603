// A stand-in for the delivery providers, on 127.0.0.1 only. It speaks the parts of their APIs
// netid uses, records what it accepted, and fails on command:
//   Resend: POST /emails (Bearer key, JSON, Idempotency-Key: a repeated key with the same
//           payload answers the first result and sends nothing; another payload is 409).
//   Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json (Basic auth, form-encoded),
//           GET the same path with To= and DateSent>= to list what was sent.
// Control (for the tests and the bench):
//   GET  /_stand-in/received            everything accepted: {emails: [...], sms: [...]}
//   GET  /_stand-in/stats               {calls, failures: {500, 429, timeout, lost}}
//   POST /_stand-in/faults {rate, modes, fail_to, hold_ms}
//        rate: the share of calls that fail (deterministic: exactly every 1/rate-th),
//        modes: the failures in turn: "500", "429" (Retry-After: 1), "timeout" (no answer
//        for hold_ms, nothing recorded), "lost" (accepted and recorded, then the connection
//        is cut before the answer); fail_to: recipients that always get a 500;
//        refuse_to: recipients refused for good (422).
//   POST /_stand-in/reset
//
// Usage: node tests/provider/server.mjs [port]   (prints "stand-in listening on PORT")

import http from "node:http";
import { randomUUID } from "node:crypto";

export const RESEND_KEY = "re_test_stand_in_key";
export const TWILIO_SID = "AC00000000000000000000000000000000";
export const TWILIO_TOKEN = "stand-in-twilio-token";

export function createStandIn() {
  let state;
  const reset = () => {
    state = {
      emails: [], // accepted emails, one per idempotency key
      byKey: new Map(), // Idempotency-Key -> {payload, response}
      sms: [],
      calls: 0,
      failures: { 500: 0, 429: 0, timeout: 0, lost: 0, refused: 0 },
      faults: { rate: 0, modes: ["500"], fail_to: [], refuse_to: [], hold_ms: 3000 },
      turn: 0,
    };
  };
  reset();

  // Every 1/rate-th provider call fails, the modes in turn.
  function nextFault() {
    const f = state.faults;
    const n = state.calls;
    if (f.rate > 0 && Math.floor(n * f.rate) !== Math.floor((n - 1) * f.rate)) {
      const mode = f.modes[state.turn % f.modes.length];
      state.turn += 1;
      return mode;
    }
    return null;
  }

  function json(res, status, body, headers = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  // Answers a fault that happens before acceptance; "lost" is handled after recording.
  function early(res, mode) {
    if (mode === "500") {
      state.failures[500] += 1;
      json(res, 500, { name: "internal_server_error", message: "stand-in failure" });
      return true;
    }
    if (mode === "429") {
      state.failures[429] += 1;
      json(res, 429, { name: "rate_limit_exceeded", message: "slow down" }, { "retry-after": "1" });
      return true;
    }
    if (mode === "timeout") {
      state.failures.timeout += 1;
      setTimeout(() => res.destroy(), state.faults.hold_ms);
      return true;
    }
    return false;
  }

  function lose(res) {
    state.failures.lost += 1;
    res.socket?.destroy();
  }

  async function readBody(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks).toString("utf8");
  }

  async function resend(req, res) {
    if (req.headers.authorization !== `Bearer ${RESEND_KEY}`) return json(res, 401, { name: "missing_api_key" });
    const raw = await readBody(req);
    let payload;
    try {
      payload = JSON.parse(raw);
    } catch {
      return json(res, 422, { name: "validation_error" });
    }
    const to = Array.isArray(payload.to) ? payload.to[0] : payload.to;
    if (!payload.from || !to || !payload.subject || (!payload.html && !payload.text)) {
      return json(res, 422, { name: "validation_error" });
    }
    state.calls += 1;
    const key = req.headers["idempotency-key"];
    const seen = key && state.byKey.get(key);
    if (seen) {
      if (seen.raw !== raw) return json(res, 409, { name: "invalid_idempotent_request" });
      return json(res, 200, seen.response);
    }
    if (state.faults.refuse_to.includes(to)) {
      state.failures.refused += 1;
      return json(res, 422, { name: "validation_error", message: "refused recipient" });
    }
    if (state.faults.fail_to.includes(to)) {
      state.failures[500] += 1;
      return json(res, 500, { name: "internal_server_error" });
    }
    const mode = nextFault();
    if (early(res, mode)) return;
    const response = { id: randomUUID() };
    state.emails.push({ id: response.id, key, to, from: payload.from, subject: payload.subject, text: payload.text, html: payload.html, received_at: Date.now() });
    if (key) state.byKey.set(key, { raw, response });
    if (mode === "lost") return lose(res);
    json(res, 200, response);
  }

  async function twilio(req, res, url) {
    const basic = "Basic " + Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64");
    if (req.headers.authorization !== basic) return json(res, 401, { code: 20003, message: "Authenticate" });
    if (req.method === "GET") {
      const to = url.searchParams.get("To");
      const since = url.searchParams.get("DateSent>");
      const messages = state.sms
        .filter((m) => (!to || m.to === to) && (!since || m.date_sent.slice(0, 10) >= since))
        .map((m) => ({ sid: m.sid, to: m.to, from: m.from, body: m.body, status: "delivered", date_created: m.date_created }));
      return json(res, 200, { messages });
    }
    const form = new URLSearchParams(await readBody(req));
    const to = form.get("To");
    const from = form.get("From") || form.get("MessagingServiceSid");
    const body = form.get("Body");
    if (!to || !from || !body) return json(res, 400, { code: 21604, message: "missing parameter" });
    state.calls += 1;
    if (state.faults.refuse_to.includes(to)) {
      state.failures.refused += 1;
      return json(res, 400, { code: 21211, message: "invalid To" });
    }
    if (state.faults.fail_to.includes(to)) {
      state.failures[500] += 1;
      return json(res, 500, { code: 20500, message: "internal" });
    }
    const mode = nextFault();
    if (early(res, mode)) return;
    const now = new Date();
    const m = { sid: "SM" + randomUUID().replace(/-/g, ""), to, from, body, date_created: now.toUTCString(), date_sent: now.toISOString(), received_at: Date.now() };
    state.sms.push(m);
    if (mode === "lost") return lose(res);
    json(res, 201, { sid: m.sid, to, from, body, status: "queued", date_created: m.date_created });
  }

  function setFaults(f) {
    state.faults = { rate: 0, modes: ["500"], fail_to: [], refuse_to: [], hold_ms: 3000, ...f };
    state.turn = 0;
    return state.faults;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    try {
      if (url.pathname === "/emails" && req.method === "POST") return await resend(req, res);
      if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(url.pathname)) return await twilio(req, res, url);
      if (url.pathname === "/_stand-in/received") return json(res, 200, { emails: state.emails, sms: state.sms });
      if (url.pathname === "/_stand-in/stats") return json(res, 200, { calls: state.calls, failures: state.failures });
      if (url.pathname === "/_stand-in/reset" && req.method === "POST") {
        reset();
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/_stand-in/faults" && req.method === "POST") {
        return json(res, 200, setFaults(JSON.parse((await readBody(req)) || "{}")));
      }
      json(res, 404, { name: "not_found" });
    } catch (e) {
      json(res, 500, { name: "stand_in_error", message: String(e) });
    }
  });
  // In-process control (the bench).
  server.received = () => ({ emails: state.emails, sms: state.sms });
  server.faults = setFaults;
  server.reset = reset;
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || process.env.NETID_PROVIDER_PORT || 8790);
  createStandIn().listen(port, "127.0.0.1", () => console.log(`stand-in listening on ${port}`));
}
