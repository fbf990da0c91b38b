// The guide editor page: the form, the workflow actions and the history tab.

import { ApiError, get, post, put } from "./api.js";
import { contentToSend, emptyGuide, withDefaults } from "./content.js";
import { fill, h } from "./dom.js";
import { guideForm } from "./form.js";
import { showHistory } from "./history.js";
import { fieldLabel, translateMessage } from "./labels.js";
import { badge, message } from "./ui.js";

const isReviewer = (me) => me.roles.includes("reviewer") || me.roles.includes("admin");

/**
 * Show the editor for guide `id` (or a new guide when id is null) in `root`.
 * Returns {isDirty()} so the app can warn before leaving unsaved work.
 */
export async function showEditor(root, { id, me, meta, navigate }) {
  const page = { guide: null, content: null, dirty: false, tab: "edit" };
  const head = h("div", { class: "editor-head-main" });
  const notices = h("div", { class: "notices", "aria-live": "polite" });
  const body = h("div", { class: "editor-body" });
  // The head (title, actions, messages) stays in view while the form scrolls under it.
  const headBox = h("div", { class: "editor-head" }, head, notices);
  fill(root, h("div", { class: "editor" }, headBox, body));
  // Scrolling to a field keeps it clear of the sticky head, whatever the head's height.
  new ResizeObserver(() => document.documentElement.style.setProperty("--head-h", `${headBox.offsetHeight}px`)).observe(headBox);

  const ctx = {
    meta,
    changed() {
      if (!page.dirty) {
        page.dirty = true;
        drawHead();
      }
    },
  };

  async function load() {
    page.guide = id === null ? null : await get(`/editor/guides/${id}`);
    page.content = withDefaults(page.guide ? page.guide.content : emptyGuide());
    page.dirty = false;
    drawHead();
    drawNotices();
    drawBody();
  }

  function status() {
    return page.guide ? page.guide.status : "new";
  }

  function drawHead() {
    const g = page.guide;
    document.title = `${page.dirty ? "● " : ""}${g ? g.name : "新建指南"} · 智导指南编辑台`;
    const st = status();
    const working = g && g.working_version;
    const ownWork = g && g.working_author === me.username && !me.roles.includes("admin");
    const canSubmit = page.dirty || st === "draft" || st === "returned";
    const canReview = g && st === "submitted" && !page.dirty;
    fill(
      head,
      h(
        "div",
        { class: "title-row" },
        h("button", { type: "button", class: "link", onclick: () => navigate("#/") }, "← 返回指南列表"),
        h(
          "h1",
          {},
          g ? g.name : "新建指南",
          " ",
          g ? badge(st) : null,
          page.dirty ? h("span", { class: "badge unsaved" }, "有未保存的修改") : null,
        ),
        h(
          "div",
          { class: "muted versions-line" },
          g
            ? [
                g.published_version ? `已发布第 ${g.published_version} 版` : "尚未发布",
                working ? `；工作版本第 ${working} 版（${g.working_author}）` : "",
                `；${g.department}`,
              ]
            : "填写带 * 的必填项后保存草稿，再提交审核。",
        ),
      ),
      h(
        "div",
        { class: "toolbar", role: "toolbar", "aria-label": "指南操作" },
        h("button", { type: "button", class: "primary", disabled: !page.dirty && g !== null, onclick: save }, "保存草稿"),
        h("button", { type: "button", disabled: !g, onclick: preview }, "预览"),
        h("button", { type: "button", disabled: !g || !canSubmit, onclick: submit }, "提交审核"),
        isReviewer(me)
          ? [
              h(
                "button",
                { type: "button", class: "publish", disabled: !canReview || ownWork, title: ownWork ? "请由另一位审核人发布您自己编辑的内容。" : "", onclick: () => openReview("publish") },
                "发布",
              ),
              h("button", { type: "button", disabled: !canReview, onclick: () => openReview("return") }, "退回"),
            ]
          : null,
        h("span", { class: "spacer" }),
        h(
          "button",
          { type: "button", class: page.tab === "history" ? "tab active" : "tab", disabled: !g, onclick: () => switchTab(page.tab === "history" ? "edit" : "history") },
          page.tab === "history" ? "返回编辑" : "历史",
        ),
      ),
    );
  }

  function drawNotices(extra = []) {
    const g = page.guide;
    const items = [];
    if (g && g.status === "returned" && g.comment) items.push(message(`审核人退回了这份草稿，意见：${g.comment}`, "warn"));
    if (g && g.status === "submitted") {
      items.push(message(`第 ${g.working_version} 版已提交审核，等待审核人发布或退回。若再修改并保存，将撤回提交、回到草稿。`, "info"));
    }
    fill(notices, items, extra);
  }

  function report(text, kind = "info", ...more) {
    drawNotices([message(text, kind, ...more)]);
  }

  let form = null;
  function drawBody() {
    body.classList.toggle("single", page.tab === "history");
    if (page.tab === "history") {
      const box = h("div", { class: "history" });
      fill(body, box);
      showHistory(box, {
        guide: page.guide,
        me,
        report,
        onChanged: (updated) => {
          page.guide = updated;
          page.content = withDefaults(updated.content);
          page.dirty = false;
          drawHead();
          drawBody();
        },
      }).catch((err) => fill(box, message(err.message, "error")));
      return;
    }
    form = guideForm(page.content, ctx);
    const nav = h(
      "nav",
      { class: "section-nav", "aria-label": "表单分节" },
      form.sections.map((s) =>
        h("button", { type: "button", class: "link", onclick: () => document.getElementById(`sec-${s.id}`).scrollIntoView({ behavior: "smooth" }) }, s.title),
      ),
    );
    fill(body, nav, form.element);
  }

  function switchTab(tab) {
    page.tab = tab;
    drawHead();
    drawBody();
  }

  // ---- actions -------------------------------------------------------------------------

  async function save() {
    clearFieldErrors();
    const content = contentToSend(page.content);
    try {
      if (!page.guide) {
        const created = await post("/editor/guides", { content, lock_version: 0 });
        page.dirty = false;
        navigate(`#/guide/${created.id}`, { saved: `已新建“${created.name}”并保存为草稿，可继续编辑或提交审核。` });
        return true;
      }
      page.guide = await put(`/editor/guides/${page.guide.id}/draft`, { content, lock_version: page.guide.lock_version });
      page.dirty = false;
      drawHead();
      report(`草稿已保存（第 ${page.guide.working_version} 版）。`, "ok");
      return true;
    } catch (err) {
      failed(err);
      return false;
    }
  }

  function failed(err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 422 && Array.isArray(err.details)) showFieldErrors(err.message, err.details);
    else if (err.status === 409) showConflict(err.message);
    else report(err.message, "error");
  }

  async function submit() {
    if (page.dirty && !(await save())) return;
    try {
      page.guide = await post(`/editor/guides/${page.guide.id}/submit`, { lock_version: page.guide.lock_version });
      drawHead();
      report("已提交，审核人发布后群众即可看到。", "ok");
    } catch (err) {
      failed(err);
    }
  }

  function preview() {
    window.open(`/console/preview/${page.guide.id}`, "_blank", "noopener");
    if (page.dirty) report("预览显示的是最近一次保存的内容；本页还有未保存的修改。", "info");
  }

  function openReview(kind) {
    const publishing = kind === "publish";
    const comment = h("textarea", { rows: 2, maxLength: 1000, placeholder: publishing ? "审核意见（可不填）" : "请写明需要修改的地方（必填）" });
    const error = h("div", { class: "field-error", role: "alert" });
    const confirm = async () => {
      const text = comment.value.trim();
      if (!publishing && !text) {
        error.textContent = "退回时请写明需要修改的地方。";
        comment.focus();
        return;
      }
      try {
        page.guide = await post(`/editor/guides/${page.guide.id}/${publishing ? "publish" : "return"}`, {
          lock_version: page.guide.lock_version,
          comment: text || null,
        });
        drawHead();
        report(
          publishing ? `已发布第 ${page.guide.published_version} 版，群众和各渠道即刻可见。` : "已退回给编辑，并附上了您的意见。",
          "ok",
        );
      } catch (err) {
        failed(err);
      }
    };
    const panel = h(
      "div",
      { class: "review-panel" },
      h("label", {}, publishing ? "发布这一版" : "退回修改", comment),
      error,
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "button", class: publishing ? "publish" : "danger", onclick: confirm }, publishing ? "确认发布" : "确认退回"),
        h("button", { type: "button", onclick: () => drawNotices() }, "取消"),
      ),
    );
    drawNotices([panel]);
    comment.focus();
  }

  function showConflict(text) {
    const reload = h(
      "button",
      {
        type: "button",
        class: "primary",
        onclick: async () => {
          page.tab = "edit";
          await load();
          report("已载入最新内容，请在此基础上重新修改。", "info");
        },
      },
      "重新载入",
    );
    report(text, "error", h("div", { class: "conflict" }, reload, h("span", {}, "重新载入会读取最新内容，本页未保存的修改将不再保留。")));
  }

  // ---- field errors ---------------------------------------------------------------------

  function clearFieldErrors() {
    for (const el of body.querySelectorAll(".has-error")) el.classList.remove("has-error");
    for (const el of body.querySelectorAll(".field-error")) el.textContent = "";
  }

  /** "situations.married.materials" → "situations.0.materials"; "materials[0].x" → "materials.0.x". */
  function normalisePath(raw) {
    const parts = String(raw || "").replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean);
    for (const [list, key] of [["situations", "key"], ["questions", "id"], ["materials", "id"]]) {
      const i = parts.indexOf(list);
      if (i === 0 && parts[1] && !/^\d+$/.test(parts[1])) {
        const index = (page.content[list] || []).findIndex((x) => x[key] === parts[1]);
        if (index >= 0) parts[1] = String(index);
      }
    }
    return parts.join(".");
  }

  function placeFor(path) {
    const parts = path.split(".");
    while (parts.length) {
      const el = body.querySelector(`[data-path="${CSS.escape(parts.join("."))}"]`);
      if (el) return el;
      parts.pop();
    }
    return null;
  }

  function showFieldErrors(text, details) {
    if (page.tab !== "edit") switchTab("edit");
    clearFieldErrors();
    const list = details.map((d) => {
      const path = normalisePath(d.field);
      const msg = translateMessage(d.message);
      const place = placeFor(path);
      if (place) {
        place.classList.add("has-error");
        const slot = place.querySelector(":scope > .field-error");
        if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${msg}` : msg;
      }
      const go = () => {
        if (!place) return;
        place.scrollIntoView({ behavior: "smooth", block: "center" });
        const input = place.querySelector("input, textarea, select");
        if (input) input.focus({ preventScroll: true });
      };
      return h("li", {}, place ? h("button", { type: "button", class: "link", onclick: go }, fieldLabel(path)) : h("strong", {}, fieldLabel(path)), "：", msg);
    });
    report(`${text}（共 ${details.length} 处）`, "error", h("ul", { class: "error-list" }, list));
  }

  // Ctrl+S / ⌘S saves the draft while this editor is on screen.
  const onKey = (e) => {
    if (!headBox.isConnected) {
      document.removeEventListener("keydown", onKey);
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      if (page.dirty || !page.guide) save();
    }
  };
  document.addEventListener("keydown", onKey);

  await load();
  return { isDirty: () => page.dirty, flash: (text) => report(text, "ok") };
}
