// Building DOM without markup: every piece of data becomes a text node or a property value,
// never HTML, so whatever the server or a citizen sends (even "<script>") is shown as typed.

let nextId = 0;

/** A unique element id, for label/for pairs. */
export function uid(prefix = "f") {
  nextId += 1;
  return `${prefix}${nextId}`;
}

/**
 * h("div", {class: "x", onclick: fn, dataset: {k: "v"}}, "text", child, [more]) → Element.
 * Strings and numbers are added as text nodes; null/false/undefined children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked" || key === "disabled") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace all children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A link that opens outside the page (map sites, the full guide). Only http(s) URLs. */
export function outLink(url, text, attrs = {}) {
  const safe = typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  if (!safe && !(typeof url === "string" && url.startsWith("/"))) return null;
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", ...attrs }, text);
}

const WEEKDAYS = "日一二三四五六";

/** "2025-03-07" → "3月7日（周五）" (a date-only string is a wall-clock day: no time zone). */
export function dayText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
  if (!m) return String(iso || "");
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return `${d.getMonth() + 1}月${d.getDate()}日（周${WEEKDAYS[d.getDay()]}）`;
}

/** "09:30:00" → "09:30". */
export function hm(time) {
  return String(time || "").slice(0, 5);
}
