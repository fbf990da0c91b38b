// Small shared pieces of the console's look.

import { h } from "./dom.js";
import { STATUS } from "./labels.js";

export function badge(status) {
  return h("span", { class: `badge status-${status}` }, STATUS[status] || status);
}

/** A message box: kind is "ok", "info", "warn" or "error"; `more` goes inside, under the text. */
export function message(text, kind = "info", ...more) {
  return h("div", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, h("div", {}, text), more);
}
