// Renders /api/v1/openapi.json (the Worker's copy of openapi.yaml) as a readable reference:
// operations by tag, their parameters, request body schema, responses and security.
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
};

function resolve(spec, node) {
  let n = node;
  for (let i = 0; n && n.$ref && i < 10; i++) n = n.$ref.replace(/^#\//, "").split("/").reduce((o, k) => o?.[k], spec);
  return n;
}

/** A schema as compact text, references inlined one level at a time. */
function schemaText(spec, schema, depth = 0) {
  const s = resolve(spec, schema);
  if (!s || depth > 6) return "…";
  if (schema?.$ref) return `${schema.$ref.split("/").pop()} ${depth < 2 ? schemaText(spec, s, depth + 1) : ""}`.trim();
  if (s.allOf) return s.allOf.map((x) => schemaText(spec, x, depth + 1)).join(" & ");
  if (s.oneOf) return `one of (${s.oneOf.map((x) => (x.required ? `with ${x.required.join(", ")}` : schemaText(spec, x, depth + 1))).join(" | ")}) ` + schemaText(spec, { ...s, oneOf: undefined }, depth);
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (type?.startsWith("object") || s.properties) {
    const req = new Set(s.required || []);
    const pad = "  ".repeat(depth + 1);
    const props = Object.entries(s.properties || {}).map(([k, v]) => `${pad}${k}${req.has(k) ? "" : "?"}: ${schemaText(spec, v, depth + 1)}`);
    const closed = s.additionalProperties === false ? " (no other fields)" : "";
    return props.length ? `{\n${props.join("\n")}\n${"  ".repeat(depth)}}${closed}` : "object";
  }
  if (type?.startsWith("array")) return `[${schemaText(spec, s.items, depth + 1)}]${s.minItems ? ` (at least ${s.minItems})` : ""}`;
  const extra = [s.enum && `one of ${s.enum.join(", ")}`, s.format, s.minimum !== undefined && `>= ${s.minimum}`, s.maximum !== undefined && `<= ${s.maximum}`].filter(Boolean);
  return `${type || "any"}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

function operation(spec, path, method, op, shared) {
  const body = el("div", { class: "body" });
  if (op.summary) body.append(el("p", {}, op.summary));
  const security = (op.security ?? spec.security ?? []).map((s) => Object.keys(s)[0] || "none");
  body.append(el("p", {}, "Authentication: ", security.join(" or ") || "none"));
  const params = [...(shared || []), ...(op.parameters || [])].map((p) => resolve(spec, p));
  if (params.length) {
    const t = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "schema")));
    for (const p of params) t.append(el("tr", {}, el("td", {}, `${p.name}${p.required ? "" : "?"}`), el("td", {}, p.in), el("td", {}, schemaText(spec, p.schema))));
    body.append(t);
  }
  if (op.requestBody) {
    for (const [type, media] of Object.entries(op.requestBody.content || {})) {
      body.append(el("h4", {}, `Body (${type})${op.requestBody.required ? "" : ", optional"}`), el("pre", {}, schemaText(spec, media.schema)));
    }
  }
  const rt = el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "answer")));
  for (const [status, r0] of Object.entries(op.responses || {})) {
    const r = resolve(spec, r0);
    const media = Object.values(r.content || {})[0];
    rt.append(el("tr", {}, el("td", {}, status), el("td", {}, r.description || "", media ? el("pre", {}, schemaText(spec, media.schema)) : "")));
  }
  body.append(el("h4", {}, "Responses"), rt);
  const summary = el("summary", {}, el("span", { class: `method ${method.toUpperCase()}` }, method.toUpperCase()), el("span", { class: "path" }, `/api/v1${path}`), el("span", {}, op.operationId || ""));
  return el("details", { class: "op", id: op.operationId || `${method}-${path}` }, summary, body);
}

async function main() {
  const root = document.getElementById("reference");
  const status = document.getElementById("api-status");
  try {
    const r = await fetch("/api/v1/openapi.json");
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const spec = await r.json();
    status.replaceWith(el("p", {}, `${spec.info.title}, version ${spec.info.version}. Machine-readable: `, el("a", { href: "/api/v1/openapi.json" }, "openapi.json"), "."));
    const byTag = new Map((spec.tags || []).map((t) => [t.name, []]));
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === "parameters") continue;
        const tag = op.tags?.[0] || "other";
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(spec, path, method, op, item.parameters));
      }
    }
    for (const [tag, ops] of byTag) {
      if (!ops.length) continue;
      const desc = (spec.tags || []).find((t) => t.name === tag)?.description;
      root.append(el("section", { class: "tag" }, el("h2", {}, tag), desc ? el("p", {}, desc) : "", ...ops));
    }
  } catch (e) {
    status.textContent = `The API description could not be loaded (${e.message}).`;
  } finally {
    root.setAttribute("aria-busy", "false");
  }
}
main();
