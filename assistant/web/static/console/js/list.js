// The guide list: search by name, filter by department and status, open or create a guide.

import { get } from "./api.js";
import { fill, formatTime, h } from "./dom.js";
import { STATUS } from "./labels.js";
import { badge, message } from "./ui.js";

export async function showList(root, { me, navigate, filters }) {
  document.title = "办事指南 · 智导指南编辑台";
  const search = h("input", { type: "search", placeholder: "按事项名称搜索，如 出生登记", value: filters.q || "", "aria-label": "搜索指南" });
  const department = h("select", { "aria-label": "按部门筛选" }, h("option", { value: "" }, "全部部门"));
  const statusSel = h(
    "select",
    { "aria-label": "按状态筛选" },
    h("option", { value: "" }, "全部状态"),
    ["draft", "submitted", "returned", "published"].map((s) => h("option", { value: s }, STATUS[s])),
  );
  const count = h("span", { class: "muted", "aria-live": "polite" });
  const pending = h("div", { class: "pending" });
  const tbody = h("tbody");
  fill(
    root,
    h(
      "div",
      { class: "list-page" },
      h(
        "div",
        { class: "list-head" },
        h("h1", {}, "办事指南"),
        h("button", { type: "button", class: "primary", onclick: () => navigate("#/new") }, "＋ 新建指南"),
      ),
      pending,
      h("div", { class: "filters" }, search, department, statusSel, count),
      h(
        "table",
        { class: "table guides" },
        h("thead", {}, h("tr", {}, ["事项名称", "实施部门", "状态", "已发布版本", "最后修改"].map((t) => h("th", {}, t)))),
        tbody,
      ),
    ),
  );

  let rows = [];
  const all = await get("/editor/guides");
  for (const d of [...new Set(all.map((r) => r.department))].sort((a, b) => a.localeCompare(b, "zh-CN"))) {
    department.appendChild(h("option", { value: d }, d));
  }
  department.value = filters.department || "";
  statusSel.value = filters.status || "";
  const waiting = all.filter((r) => r.status === "submitted").length;
  if (waiting && (me.roles.includes("reviewer") || me.roles.includes("admin"))) {
    fill(
      pending,
      message(`有 ${waiting} 份指南等待您审核。`, "info"),
      h("button", { type: "button", class: "link", onclick: () => { statusSel.value = "submitted"; draw(); } }, "只看待审核"),
    );
  }

  function draw() {
    Object.assign(filters, { q: search.value.trim(), department: department.value, status: statusSel.value });
    const shown = rows.filter(
      (r) => (!filters.department || r.department === filters.department) && (!filters.status || r.status === filters.status),
    );
    count.textContent = `共 ${shown.length} 项`;
    fill(
      tbody,
      shown.length
        ? shown.map((r) =>
            h(
              "tr",
              {},
              h("td", {}, h("a", { href: `#/guide/${r.id}` }, r.name)),
              h("td", {}, r.department),
              h("td", {}, badge(r.status)),
              h("td", {}, r.published_version ? `第 ${r.published_version} 版` : "未发布"),
              h("td", { class: "muted" }, formatTime(r.updated_at)),
            ),
          )
        : h("tr", {}, h("td", { colspan: 5, class: "empty" }, "没有符合条件的指南。")),
    );
  }

  let timer = null;
  let asked = 0;
  async function query() {
    const q = search.value.trim();
    const mine = ++asked;
    const found = q ? await get(`/editor/guides?q=${encodeURIComponent(q)}`) : all;
    if (mine !== asked) return; // a later search already answered
    rows = found;
    draw();
  }
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(query, 250);
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      clearTimeout(timer);
      query();
    }
  });
  department.addEventListener("change", draw);
  statusSel.addEventListener("change", draw);
  await query();
  search.focus();
  return { isDirty: () => false };
}
