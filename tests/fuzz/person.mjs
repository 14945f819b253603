// Signs up and confirms a throwaway person on a development Worker; prints the session token.
// Usage: API=http://127.0.0.1:PORT/api/v1 node tests/fuzz/person.mjs
const API = process.env.API;
const email = `fuzz.${Date.now()}@example.com`;
// From a network of its own: signups spend a per-network budget (the suite's browsers share 127.0.0.1).
const ip = `192.0.2.${1 + Math.floor(Math.random() * 254)}`;
const h = { "Content-Type": "application/json", "CF-Connecting-IP": ip };
await fetch(`${API}/signup`, { method: "POST", headers: h, body: JSON.stringify({ email, password: "violet-harbour-lantern", first_name: "Fuzz", last_name: "Tester" }) });
const m = await (await fetch(`${API}/dev/outbox?to=${encodeURIComponent(email)}`)).json();
const c = await (await fetch(`${API}/signup/confirm`, { method: "POST", headers: h, body: JSON.stringify({ email, code: m.messages[0].code }) })).json();
console.log(c.token);
