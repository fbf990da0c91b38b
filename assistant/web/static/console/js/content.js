// The guide content as the form holds it, and as the server receives it.

/** What "新建指南" starts from: the required parts, empty, with the schema's defaults. */
export function emptyGuide() {
  return withDefaults({
    name: "",
    slug: "",
    code: "",
    item_type: "",
    department: "",
    service_object: ["自然人"],
    service_group: "",
    levels: [],
    summary: "",
    legal_basis: [],
    acceptance_conditions: [],
    materials: [newMaterial()],
    situations: [newSituation()],
    steps: [{ name: "", description: "" }],
    phone: "",
  });
}

export function newMaterial() {
  return { id: "", name: "", form: "原件", copies: 1, required: true, commitment_allowed: false, deferrable: false };
}

export function newSituation() {
  return { key: "", name: "", cues: [], materials: [], default: false };
}

export function newQuestion() {
  return { id: "", text: "", options: [{ label: "" }, { label: "" }] };
}

/** The server leaves defaults out of stored content; the form shows them. */
export function withDefaults(content) {
  const g = structuredClone(content);
  g.service_minutes ??= 15;
  for (const key of ["service_object", "life_events", "levels", "halls", "legal_basis", "acceptance_conditions",
    "materials", "situations", "steps", "special_procedures", "form_fields", "aliases", "examples", "related",
    "faq", "questions"]) {
    g[key] ??= [];
  }
  g.time_limit = { instant: false, ...(g.time_limit || {}) };
  g.fee = { charged: false, ...(g.fee || {}) };
  g.online = { level: "仅限窗口", ...(g.online || {}) };
  g.materials = g.materials.map((m) => ({ ...newMaterial(), ...m }));
  g.situations = g.situations.map((s) => ({ ...newSituation(), ...s }));
  return g;
}

/**
 * The content to send: empty strings, nulls and empty lists/objects left out (the server then
 * applies its defaults or says the field is required), text trimmed, numbers kept as numbers.
 * A blank record inside a list is kept as {} so the server's error paths match the form.
 */
export function clean(value) {
  if (Array.isArray(value)) {
    // Items of a list of records stay (as {} if blank) so error paths keep the form's numbering.
    const items = value
      .map((v) => (v && typeof v === "object" ? clean(v) || {} : clean(v)))
      .filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof value === "string") {
    const t = value.trim();
    return t === "" ? undefined : t;
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (value === null) return undefined;
  return value;
}

/** clean() for the whole guide; always an object. */
export function contentToSend(state) {
  return clean(state) || {};
}
