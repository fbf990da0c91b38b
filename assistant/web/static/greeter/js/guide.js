// One guide with the citizen: the question tree step by step, then the checklist for the
// situation reached, with the actions around it: waiver check (with consent), print, QR code,
// a queue ticket now, or an appointment.

import { ApiError, get, post, qs, randomToken } from "../../chat/js/api.js";
import { dayText, fill, h, hm, uid } from "../../chat/js/dom.js";
import { problem, screen, session, start } from "./app.js";
import { materialsFor, position } from "./tree.js";

const STATUS = {
  waived_licence: ["免提交", "ok"],
  waived_shared_data: ["免提交", "ok"],
  commitment: ["可承诺代替", "soft"],
  deferrable: ["可容缺后补", "soft"],
  must_bring: ["需携带", "need"],
};

export async function showGuide(id) {
  try {
    const g = await get(`/guides/${id}`);
    walk(g, []);
  } catch (err) {
    screen(h("h1", {}, "打开指南失败"), problem(err), h("button", { type: "button", class: "secondary", onclick: start }, "返回"));
  }
}

function crumbs(g) {
  return h("p", { class: "crumbs no-print" }, h("button", { type: "button", class: "link", onclick: start }, "重新选择事项"), ` › ${g.name}`);
}

function walk(g, answers) {
  const guide = g.content;
  const at = position(guide, answers);
  if (at.situation) return checklist(g, at.situation, answers, at.path);
  const back = answers.length ? h("button", { type: "button", class: "secondary", onclick: () => walk(g, answers.slice(0, -1)) }, "上一步") : null;
  const asked = at.path.length ? h("ol", { class: "answers" }, at.path.map((p) => h("li", {}, `${p.question} ${p.answer}`))) : null;
  if (!at.question) {
    // No question tree (or it ends nowhere): the greeter picks the situation directly.
    return screen(
      crumbs(g),
      h("h1", {}, g.name),
      asked,
      h("h2", {}, "请选择群众的办理情形"),
      h("div", { class: "options" }, guide.situations.map((s) => h("button", { type: "button", class: "option", onclick: () => checklist(g, s.key, answers, at.path) }, s.name))),
      back,
    );
  }
  screen(
    crumbs(g),
    h("h1", {}, g.name),
    asked,
    h("section", { class: "question", "aria-label": "问题" }, h("h2", {}, at.question.text), h("div", { class: "options" }, at.question.options.map((o) => h("button", { type: "button", class: "option", onclick: () => walk(g, [...answers, o.label]) }, o.label)))),
    back,
  );
}

// ------------------------------------------------------------------ the checklist

function checklist(g, key, answers, path) {
  const guide = g.content;
  const situation = guide.situations.find((s) => s.key === key);
  const list = h("ol", { class: "materials" });
  const showList = (results) => fill(list, materialsFor(guide, key).map((m) => material(m, results && results.get(m.id))));
  showList(null);
  const tools = h("div", { class: "tools no-print" });
  const panel = h("div", { class: "panel-slot no-print" });
  const qr = h("figure", { class: "qr", hidden: true }, h("img", { src: `/g/${encodeURIComponent(g.slug)}/qr.svg${qs({ s: key })}`, alt: `二维码：${g.name}（${situation.name}）的办事指南`, width: 220, height: 220 }), h("figcaption", {}, "扫码查看本清单和办事指南"));
  tools.append(
    h("button", { type: "button", class: "primary", onclick: () => openPanel(panel, waiverPanel(g, key, showList)) }, "核验免提交材料"),
    h("button", { type: "button", class: "secondary", onclick: () => window.print() }, "打印清单"),
    h("button", { type: "button", class: "secondary", "aria-expanded": "false", onclick: (ev) => toggleQr(ev.currentTarget, qr) }, "显示二维码"),
    h("button", { type: "button", class: "secondary", onclick: () => openPanel(panel, ticketPanel(g)) }, "现场取号"),
    h("button", { type: "button", class: "secondary", onclick: () => openPanel(panel, bookingPanel(g)) }, "预约办理"),
  );
  const fee = guide.fee.charged ? guide.fee.amount || "收费" : "不收费";
  const limit = guide.time_limit.instant ? "即办件（材料齐全当场办结）" : guide.time_limit.promised_days != null ? `承诺${guide.time_limit.promised_days}个工作日` : "以窗口告知为准";
  screen(
    crumbs(g),
    h(
      "article",
      { class: "sheet", "aria-label": `材料清单：${g.name}` },
      h("h1", {}, g.name),
      h("p", { class: "situation" }, `办理情形：${situation.name}`),
      path.length ? h("ul", { class: "answers" }, path.map((p) => h("li", {}, `${p.question} ${p.answer}`))) : null,
      h("h2", {}, "需要准备的材料"),
      list,
      situation.note ? h("p", { class: "muted" }, situation.note) : null,
      h("dl", { class: "facts" }, h("dt", {}, "办理时限"), h("dd", {}, limit), h("dt", {}, "收费"), h("dd", {}, fee), h("dt", {}, "到现场"), h("dd", {}, `${guide.visits}次`), h("dt", {}, "网上办理"), h("dd", {}, guide.online.level + (guide.online.entry ? `（${guide.online.entry}）` : "")), h("dt", {}, "咨询电话"), h("dd", {}, guide.phone)),
      qr,
      h("p", { class: "print-only muted" }, `${g.department} · 打印于 ${new Date().toLocaleDateString("zh-CN")} · 政务服务便民热线 12345`),
    ),
    tools,
    panel,
    h("p", { class: "no-print" }, h("button", { type: "button", class: "link", onclick: () => walk(g, answers.slice(0, -1)) }, "上一步：改答案")),
  );
}

function material(m, result) {
  const [label, tone] = result ? STATUS[result.status] || [] : [];
  const hints = [];
  if (!result) {
    if (m.licence) hints.push("可用电子证照代替（核验后确认）");
    if (m.commitment_allowed) hints.push("可以书面告知承诺代替");
    if (m.deferrable) hints.push("可容缺受理，后补");
  }
  return h(
    "li",
    { class: tone ? `m-${tone}` : null },
    h("span", { class: "box", "aria-hidden": "true" }),
    label ? h("span", { class: `badge ${tone}` }, label) : null,
    h("strong", {}, m.name),
    h("span", { class: "muted" }, ` ${m.form}${m.copies > 1 ? ` ${m.copies}份` : ""}`),
    m.required ? null : h("span", { class: "muted" }, `（${m.condition}）`),
    result ? h("p", { class: "reason" }, result.reason) : null,
    hints.length ? h("p", { class: "hint" }, hints.join("；")) : null,
  );
}

function toggleQr(button, qr) {
  qr.hidden = !qr.hidden;
  button.setAttribute("aria-expanded", qr.hidden ? "false" : "true");
  button.textContent = qr.hidden ? "显示二维码" : "收起二维码";
  if (!qr.hidden) qr.scrollIntoView({ block: "center" });
}

function openPanel(slot, el) {
  fill(slot, el);
  el.scrollIntoView({ block: "start" });
  const first = el.querySelector("input, select, button");
  if (first) first.focus();
}

function form(title, fields, submitLabel, onSubmit) {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const result = h("div", { class: "result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const el = h("form", { class: "panel", "aria-label": title }, h("h2", {}, title), fields, error, submit, result);
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      await onSubmit(el, result);
    } catch (err) {
      error.textContent = err instanceof ApiError || err instanceof Problem ? err.message : "出了点问题，请稍后再试。";
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

class Problem extends Error {}

function input(label, attrs) {
  const id = uid("in");
  return h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attrs }));
}

// ------------------------------------------------------------------ waivers

function waiverPanel(g, key, showList) {
  const consentId = uid("cb");
  return form(
    "核验免提交材料",
    [
      input("申请人身份证号码", { name: "id_number", autocomplete: "off", maxlength: "18" }),
      h("p", { class: "consent" }, h("input", { type: "checkbox", id: consentId, name: "consent" }), h("label", { for: consentId }, "申请人已同意为办理本事项查询其电子证照和政务共享数据")),
    ],
    "核验",
    async (el, result) => {
      const id = el.elements.id_number.value.trim();
      if (!id) throw new Problem("请输入申请人的身份证号码。");
      if (!el.elements.consent.checked) throw new Problem("请先征得申请人同意，并勾选同意查询。");
      const r = await post("/waivers", { guide: String(g.id), situation: key, id_number: id, consent: true, channel: "greeter" });
      el.elements.id_number.value = ""; // not kept on screen once used, nor the consent
      el.elements.consent.checked = false;
      showList(new Map(r.materials.map((m) => [m.id, m])));
      const prefill = Object.values(r.prefill || {});
      fill(
        result,
        h("p", { class: "summary" }, `申请人 ${r.applicant}：${r.summary.text}`),
        (r.notices || []).map((n) => h("p", { class: "notice" }, n)),
        prefill.length ? h("section", { class: "prefill" }, h("h3", {}, "表单可预填"), h("dl", { class: "facts" }, prefill.map((p) => [h("dt", {}, p.label), h("dd", {}, p.value)]))) : null,
      );
    },
  );
}

// ------------------------------------------------------------------ ticket and booking

function hallSelect(g, name = "hall") {
  const id = uid("hall");
  const mine = g.halls.some((x) => String(x.id) === session.hall) ? session.hall : "";
  const select = h("select", { id, name }, g.halls.map((x) => h("option", { value: String(x.id), selected: String(x.id) === mine }, x.name)));
  const note = session.hall && !mine ? h("p", { class: "notice" }, "本厅不办理这个事项，请引导群众到以下大厅之一。") : null;
  return [note, h("p", { class: "field" }, h("label", { for: id }, "办理大厅"), select)];
}

function ticketPanel(g) {
  return form("现场取号", hallSelect(g), "取号", async (el, result) => {
    const t = await post("/queue/walk-in", { hall: el.elements.hall.value, guide: String(g.id) });
    fill(
      result,
      h("div", { class: "ticket", role: "status", "aria-label": `排队号 ${t.label}` }, h("p", { class: "muted" }, `${t.hall} · ${g.name}`), h("p", { class: "label" }, t.label), h("p", {}, t.message)),
    );
  });
}

function bookingPanel(g) {
  const days = h("div", { class: "options days" });
  const slots = h("div", { class: "options slots" });
  const details = h("div");
  let chosen = null;
  const el = form(
    "预约办理",
    [hallSelect(g), h("button", { type: "button", class: "secondary", onclick: () => loadDays() }, "查看可预约日期"), days, slots, details],
    "确认预约",
    async (f, result) => {
      if (!chosen) throw new Problem("请先选择日期和时段。");
      const body = { name: f.elements.name.value.trim(), phone: f.elements.phone.value.trim(), id_number: f.elements.id_number.value.trim() };
      if (!body.name || !body.phone || !body.id_number) throw new Problem("请填写办事人的姓名、手机号码和身份证号码。");
      const b = await post("/bookings", { hall: chosen.hall, guide: String(g.id), date: chosen.date, start: chosen.start, channel: "greeter", idempotency_key: `greeter-${chosen.key}`, ...body });
      fill(result, h("div", { class: "ticket", role: "status", "aria-label": `预约号 ${b.code}` }, h("p", { class: "muted" }, `${b.hall.name} · ${dayText(b.date)} ${hm(b.start)}-${hm(b.end)}`), h("p", { class: "label" }, b.code), h("p", {}, b.message)));
    },
  );
  const hall = () => el.elements.hall.value;
  async function loadDays() {
    fill(slots);
    fill(details);
    chosen = null;
    try {
      const cal = await get(`/calendar${qs({ hall: hall(), days: 14 })}`);
      const open = cal.filter((d) => d.open).slice(0, 7);
      fill(days, open.length ? open.map((d) => h("button", { type: "button", class: "option", onclick: () => loadSlots(d.date) }, dayText(d.date))) : h("p", {}, "近两周没有可预约的日子。"));
    } catch (err) {
      fill(days, problem(err));
    }
  }
  async function loadSlots(date) {
    fill(details);
    chosen = null;
    try {
      const day = await get(`/slots${qs({ hall: hall(), guide: g.id, date })}`);
      const free = day.slots.filter((s) => s.bookable && s.available > 0);
      fill(slots, h("p", { class: "muted" }, `${dayText(date)}${day.note ? ` · ${day.note}` : ""}`), free.length ? free.map((s) => h("button", { type: "button", class: "option", onclick: () => pick(date, s) }, `${s.start}-${s.end}（余${s.available}）`)) : h("p", {}, "这一天已约满，请换一天。"));
    } catch (err) {
      fill(slots, problem(err));
    }
  }
  function pick(date, s) {
    chosen = { hall: hall(), date, start: s.start, key: randomToken(12) };
    fill(
      details,
      h("p", { class: "chosen" }, `已选：${dayText(date)} ${s.start}-${s.end}`),
      input("办事人姓名", { name: "name", maxlength: "40", autocomplete: "off" }),
      input("手机号码", { name: "phone", type: "tel", inputmode: "numeric", maxlength: "11", autocomplete: "off" }),
      input("身份证号码", { name: "id_number", maxlength: "18", autocomplete: "off" }),
    );
    details.querySelector("input").focus();
  }
  return el;
}
