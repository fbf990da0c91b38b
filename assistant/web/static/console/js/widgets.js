// Form controls bound to the guide being edited: each control reads obj[key] once and writes
// obj[key] on every change, then tells the form (ctx.changed) so it can mark the page unsaved.

import { h, uid } from "./dom.js";

/** A labelled field; `path` lets server errors find their place (data-path). */
export function field({ label, path, required = false, hint = "", wide = false }, control) {
  const id = control.id || (control.id = uid());
  // A single input gets a <label for>; a group of choices is named by aria-labelledby; a lone
  // checkbox already carries its own label.
  const isGroup = !["INPUT", "SELECT", "TEXTAREA"].includes(control.tagName);
  if (isGroup && control.tagName !== "LABEL") {
    control.setAttribute("role", "group");
    control.setAttribute("aria-labelledby", `${id}-label`);
  }
  const title = [label, required ? h("span", { class: "req", title: "必填" }, " *") : null];
  return h(
    "div",
    { class: `field${wide ? " wide" : ""}`, dataset: { path } },
    isGroup ? h("span", { class: "label", id: `${id}-label` }, title) : h("label", { for: id, class: "label" }, title),
    control,
    hint ? h("div", { class: "hint" }, hint) : null,
    h("div", { class: "field-error", role: "alert" }),
  );
}

export function text(ctx, obj, key, { max = 200, placeholder = "", onRename = null, type = "text" } = {}) {
  let before = obj[key] ?? "";
  return h("input", {
    type,
    value: obj[key] ?? "",
    maxLength: max,
    placeholder,
    autocomplete: "off",
    oninput: (e) => {
      obj[key] = e.target.value;
      ctx.changed();
    },
    onchange: (e) => {
      const after = e.target.value.trim();
      if (onRename && after !== before) onRename(before, after);
      before = after;
    },
  });
}

export function area(ctx, obj, key, { max = 2000, rows = 3 } = {}) {
  return h("textarea", {
    rows,
    maxLength: max,
    value: obj[key] ?? "",
    oninput: (e) => {
      obj[key] = e.target.value;
      ctx.changed();
    },
  });
}

/** A number input; empty means "not given" (left out), anything else is sent as a number. */
export function num(ctx, obj, key, { min = 0, max = 365 } = {}) {
  return h("input", {
    type: "number",
    inputMode: "numeric",
    min,
    max,
    step: 1,
    class: "num",
    value: obj[key] ?? "",
    oninput: (e) => {
      const raw = e.target.value.trim();
      obj[key] = raw === "" ? undefined : Number(raw);
      ctx.changed();
    },
  });
}

/** options: [{value, label}]; `empty` adds a first "not chosen" choice. */
export function select(ctx, obj, key, options, { empty = null, onChange = null } = {}) {
  const el = h(
    "select",
    {
      onchange: (e) => {
        obj[key] = e.target.value === "" ? undefined : e.target.value;
        ctx.changed();
        if (onChange) onChange(obj[key]);
      },
    },
    empty !== null ? h("option", { value: "" }, empty) : null,
    options.map((o) => h("option", { value: o.value }, o.label)),
  );
  const current = obj[key] ?? "";
  if (current !== "" && !options.some((o) => o.value === current)) {
    el.appendChild(h("option", { value: current }, `${current}（已不可选）`));
  }
  el.value = current;
  return el;
}

/** A set of checkboxes for a list value; the list keeps the order of `options`. */
export function checks(ctx, obj, key, options) {
  const chosen = new Set(obj[key] || []);
  const extra = [...chosen].filter((v) => !options.some((o) => o.value === v));
  const all = [...options, ...extra.map((v) => ({ value: v, label: `${v}（未知）` }))];
  const boxes = all.map((o) =>
    h(
      "label",
      { class: "choice" },
      h("input", {
        type: "checkbox",
        value: o.value,
        checked: chosen.has(o.value),
        onchange: (e) => {
          if (e.target.checked) chosen.add(o.value);
          else chosen.delete(o.value);
          obj[key] = all.map((x) => x.value).filter((v) => chosen.has(v));
          ctx.changed();
        },
      }),
      " ",
      o.label,
    ),
  );
  return h("div", { class: "choices", role: "group" }, boxes);
}

export function check(ctx, obj, key, label, { onChange = null } = {}) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "checkbox",
      checked: Boolean(obj[key]),
      onchange: (e) => {
        obj[key] = e.target.checked;
        ctx.changed();
        if (onChange) onChange(e.target.checked);
      },
    }),
    " ",
    label,
  );
}

/** A list of texts edited one per line. */
export function lines(ctx, obj, key, { rows = 3, max = 2000 } = {}) {
  return h("textarea", {
    rows: Math.max(rows, (obj[key] || []).length + 1),
    class: "lines",
    value: (obj[key] || []).join("\n"),
    maxLength: max * 20,
    oninput: (e) => {
      obj[key] = e.target.value.split("\n").map((s) => s.trim()).filter(Boolean);
      ctx.changed();
    },
  });
}

/** A list of short words on one line, separated by 、 ， , or spaces. */
export function words(ctx, obj, key, { placeholder = "" } = {}) {
  return h("input", {
    type: "text",
    value: (obj[key] || []).join("、"),
    placeholder,
    oninput: (e) => {
      obj[key] = e.target.value.split(/[、，,;；\s]+/).map((s) => s.trim()).filter(Boolean);
      ctx.changed();
    },
  });
}

/**
 * A list of records edited as fieldsets that can be added, removed and moved.
 * render(item, index, path) returns the fieldset's content.
 */
export function repeatable(ctx, spec) {
  const { items, path, noun, title, render, create, min = 0, max = 100, onStructure = null, onRemove = null } = spec;
  const box = h("div", { class: "repeat", dataset: { path } });
  const structure = () => {
    ctx.changed();
    if (onStructure) onStructure();
    draw();
  };
  const move = (i, delta) => {
    const [item] = items.splice(i, 1);
    items.splice(i + delta, 0, item);
    structure();
  };
  function draw() {
    box.replaceChildren(
      ...items.map((item, i) =>
        h(
          "fieldset",
          { class: "item", dataset: { path: `${path}.${i}` } },
          h(
            "legend",
            {},
            h("span", { class: "item-title" }, `${noun} ${i + 1}`, title(item) ? ` · ${title(item)}` : ""),
          ),
          h(
            "div",
            { class: "item-tools" },
            h("button", { type: "button", class: "small", title: "上移", "aria-label": `${noun} ${i + 1} 上移`, disabled: i === 0, onclick: () => move(i, -1) }, "↑"),
            h("button", { type: "button", class: "small", title: "下移", "aria-label": `${noun} ${i + 1} 下移`, disabled: i === items.length - 1, onclick: () => move(i, 1) }, "↓"),
            h("button", {
              type: "button",
              class: "small danger",
              disabled: items.length <= min,
              onclick: () => {
                const [removed] = items.splice(i, 1);
                if (onRemove) onRemove(removed);
                structure();
              },
            }, `删除${noun}`),
          ),
          h("div", { class: "field-error", role: "alert" }),
          render(item, i, `${path}.${i}`),
        ),
      ),
      h(
        "button",
        {
          type: "button",
          class: "add",
          disabled: items.length >= max,
          onclick: () => {
            items.push(create());
            structure();
            const added = box.querySelectorAll(":scope > fieldset.item");
            const first = added[added.length - 1]?.querySelector("input, textarea, select");
            if (first) first.focus();
          },
        },
        `＋ 添加${noun}`,
      ),
    );
  }
  draw();
  box.redraw = draw;
  return box;
}
