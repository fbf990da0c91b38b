// History of one guide: every version with its review, a readable diff against the current
// version, rollback for reviewers, and the audit entries.

import { get, post } from "./api.js";
import { fill, formatTime, h } from "./dom.js";
import { ACTIONS, SOURCE } from "./labels.js";
import { badge } from "./ui.js";

const DETAIL = { version: "版本", to_version: "回退到第", new_version: "新版本", comment: "意见", name: "名称" };

/**
 * Fill `box` with the history of `guide`. onChanged(guide) is called after a rollback.
 */
export async function showHistory(box, { guide, me, onChanged, report }) {
  fill(box, h("p", { class: "muted" }, "正在读取历史版本……"));
  const [versions, entries] = await Promise.all([
    get(`/editor/guides/${guide.id}/versions`),
    get(`/editor/audit?entity_id=${encodeURIComponent(guide.id)}&limit=200`),
  ]);
  const current = guide.working_version ?? guide.published_version;
  const diffBox = h("div", { class: "diff-box", "aria-live": "polite" });
  const reviewer = me.roles.includes("reviewer") || me.roles.includes("admin");

  const compare = async (number) => {
    fill(diffBox, h("p", { class: "muted" }, "正在比较……"));
    try {
      const { diff } = await get(`/editor/guides/${guide.id}/diff?old=${number}&new=${current}`);
      fill(diffBox, diffView(number, current, diff));
      diffBox.scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (err) {
      fill(diffBox, h("p", { class: "error-text" }, err.message));
    }
  };

  const rollbackButton = (v) => {
    let armed = false;
    const button = h("button", { type: "button", class: "small danger" }, "回退到此版本");
    button.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        button.textContent = `确认回退到第 ${v.number} 版并立即发布？`;
        return;
      }
      button.disabled = true;
      try {
        const updated = await post(`/editor/guides/${guide.id}/rollback`, { version: v.number, lock_version: guide.lock_version });
        report(`已回退到第 ${v.number} 版，并作为第 ${updated.published_version} 版发布。`, "ok");
        onChanged(updated);
      } catch (err) {
        report(err.message, "error");
        button.disabled = false;
      }
    });
    return button;
  };

  const rows = versions.map((v) =>
    h(
      "tr",
      { class: v.number === current ? "current" : "" },
      h("td", {}, `第 ${v.number} 版`, v.number === current ? h("span", { class: "muted" }, "（当前）") : null),
      h("td", {}, badge(v.status)),
      h("td", {}, v.author, h("div", { class: "muted" }, formatTime(v.updated_at))),
      h("td", {}, v.reviewer || "—", v.reviewed_at ? h("div", { class: "muted" }, formatTime(v.reviewed_at)) : null),
      h("td", { class: "comment" }, v.comment || "—"),
      h("td", {}, SOURCE[v.source] || v.source),
      h(
        "td",
        {},
        h(
          "div",
          { class: "actions" },
          v.number !== current ? h("button", { type: "button", class: "small", onclick: () => compare(v.number) }, `对比第 ${current} 版`) : null,
          // Only versions that were once published: rollback must not publish unreviewed work.
          reviewer && v.status === "superseded" ? rollbackButton(v) : null,
        ),
      ),
    ),
  );

  fill(
    box,
    h("h2", {}, "版本历史"),
    h(
      "table",
      { class: "table versions" },
      h("thead", {}, h("tr", {}, ["版本", "状态", "作者", "审核人", "意见", "来源", "操作"].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows),
    ),
    diffBox,
    h("h2", {}, "操作记录"),
    auditList(entries),
  );
}

function diffView(old, current, diff) {
  if (!diff.trim()) return h("p", { class: "muted" }, `第 ${old} 版与第 ${current} 版内容相同。`);
  const lines = diff.replace(/\n$/, "").split("\n");
  return h(
    "div",
    { class: "diff" },
    h("div", { class: "diff-title" }, `第 ${old} 版 → 第 ${current} 版（红色为删去，绿色为新增）`),
    h(
      "pre",
      {},
      lines.map((line) => {
        let cls = "ctx";
        if (line.startsWith("+++") || line.startsWith("---")) cls = "file";
        else if (line.startsWith("@@")) cls = "hunk";
        else if (line.startsWith("+")) cls = "add";
        else if (line.startsWith("-")) cls = "del";
        return h("span", { class: `line ${cls}` }, line, "\n");
      }),
    ),
  );
}

function auditList(entries) {
  if (!entries.length) return h("p", { class: "muted" }, "暂无操作记录。");
  return h(
    "ul",
    { class: "audit" },
    entries.map((e) =>
      h(
        "li",
        {},
        h("time", {}, formatTime(e.at)),
        h("strong", {}, e.actor),
        h("span", {}, ACTIONS[e.action] || e.action),
        h(
          "span",
          { class: "muted" },
          Object.entries(e.detail || {})
            .map(([k, v]) => `${DETAIL[k] || k}：${typeof v === "object" ? JSON.stringify(v) : v}`)
            .join("；"),
        ),
      ),
    ),
  );
}
