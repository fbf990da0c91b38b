// What the page does itself, through the public API, without the dialogue server: checking
// which materials need not be brought (with the citizen's consent), finding a hall, picking a
// slot, booking and cancelling. Forms are transient panels in the transcript; only their
// results (masked) are kept, as cards of the same message contract the server sends.

import { ApiError, get, post, qs, randomToken } from "./api.js";
import { dayText, h, hm, uid } from "./dom.js";
import { maskId } from "./store.js";

/** Run a page action (a button's `action`). chat: see app.js `chat`. */
export async function act(action, chat) {
  const run = FLOWS[action.type];
  if (!run) return;
  try {
    await run(action, chat);
  } catch (err) {
    chat.note(err instanceof ApiError ? err.message : "出了点问题，请稍后再试。", { alert: true });
  }
}

const FLOWS = {
  ask: (a, chat) => chat.send({ text: a.text }),
  waiver: (a, chat) => chat.panel(waiverForm(a, chat)),
  halls: halls,
  dates: dates,
  slots: slots,
  book: (a, chat) => chat.panel(bookingForm(a, chat)),
  cancel: (a, chat) => chat.panel(cancelForm(a, chat)),
};

// ------------------------------------------------------------------ forms

function field(label, attrs) {
  const id = uid("in");
  return { id, el: h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attrs })) };
}

function panel(title, intro, fields, submitLabel, onSubmit, chat) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-label": title },
    h("h3", {}, title),
    intro ? h("p", { class: "muted" }, intro) : null,
    fields,
    error,
    h("div", { class: "form-actions" }, submit, h("button", { type: "button", class: "secondary", onclick: () => form.remove() }, "先不用了")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      await onSubmit(form);
      form.remove();
      chat.focusInput();
    } catch (err) {
      error.textContent = err instanceof ApiError || err instanceof FormProblem ? err.message : "出了点问题，请稍后再试。";
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

class FormProblem extends Error {}

function value(form, id) {
  return form.querySelector(`#${id}`).value.trim();
}

function waiverForm(a, chat) {
  const idf = field("身份证号码", { name: "id_number", inputmode: "text", autocomplete: "off", maxlength: "18", required: true });
  const consentId = uid("cb");
  const consent = h(
    "p",
    { class: "consent" },
    h("input", { type: "checkbox", id: consentId, name: "consent" }),
    h("label", { for: consentId }, "我同意为办理本事项查询我的电子证照和政务共享数据"),
  );
  return panel(
    `查询“${a.guide}”哪些材料可以免交`,
    "我们用您的身份证号查询电子证照库和政务共享数据，能查到的证照就不用再带。只查这一次，不会显示完整号码。",
    [idf.el, consent],
    "查询",
    async (form) => {
      const id = value(form, idf.id);
      if (!id) throw new FormProblem("请填写身份证号码。");
      if (!form.querySelector(`#${consentId}`).checked) throw new FormProblem("需要您勾选同意查询，我们才能帮您核验。");
      const r = await post("/waivers", {
        guide: String(a.guide_id),
        situation: a.situation || null,
        id_number: id,
        consent: true,
        channel: "web",
      });
      chat.push({ who: "user", text: `同意查询免交材料（身份证 ${maskId(id)}）` });
      chat.push({ who: "bot", local: true, reply: { card: waiverCard(r) } });
    },
    chat,
  );
}

/** POST /waivers answer → the contract's WaiverCard. */
export function waiverCard(r) {
  return {
    kind: "waiver",
    guide: r.situation ? `${r.target.name}（${r.situation.name}）` : r.target.name,
    summary: r.summary.text,
    materials: r.materials.map((m) => ({
      name: m.name,
      form: m.form,
      required: m.required,
      condition: m.condition,
      status: m.status,
      reason: m.reason,
    })),
    notices: r.notices || [],
  };
}

// ------------------------------------------------------------------ booking

async function halls(a, chat) {
  if (!chat.position && !a.district) {
    chat.panel(wherePanel(a, chat));
    return;
  }
  const p = chat.position;
  const found = await chat.busy(() =>
    get(`/halls/nearest${qs({ guide: a.guide_id, lat: p && p.lat, lon: p && p.lon, district: p ? null : a.district })}`),
  );
  chat.push({
    who: "bot",
    local: true,
    hallAction: { type: "dates", guide_id: a.guide_id, guide: a.guide },
    reply: {
      text: found.halls.length ? `这些大厅可以办理“${found.guide}”，${p ? "按离您的远近排列" : "先列出您所在区县的大厅"}：` : "暂时没有可办理这个事项的大厅。",
      card: {
        kind: "halls",
        guide: found.guide,
        halls: found.halls.slice(0, 5).map((x) => ({
          hall_id: x.id,
          name: x.name,
          address: x.address,
          distance_km: x.distance_km,
          waiting: x.open_now ? x.waiting : null,
          wait_minutes: x.open_now ? x.wait_minutes : null,
          wait_text: x.open_now ? null : x.wait_text,
          next_slot: x.next_slot ? x.next_slot.text : null,
        })),
      },
    },
  });
}

function wherePanel(a, chat) {
  const box = h(
    "section",
    { class: "panel", "aria-label": "选择位置" },
    h("h3", {}, "您在哪里？"),
    h("p", { class: "muted" }, "告诉我您的位置或所在区县，帮您找最近的大厅。"),
  );
  const buttons = h("div", { class: "quick" });
  buttons.append(
    h("button", { type: "button", class: "choice primary", onclick: async () => {
      if (await chat.locate()) {
        box.remove();
        await act(a, chat);
      }
    } }, "使用我的位置"),
  );
  chat.districts().then((names) => {
    for (const d of names) {
      buttons.append(h("button", { type: "button", class: "choice", onclick: () => {
        box.remove();
        act({ ...a, district: d }, chat);
      } }, d));
    }
  });
  box.append(buttons);
  return box;
}

async function dates(a, chat) {
  const days = await chat.busy(() => get(`/calendar${qs({ hall: a.hall, days: 14 })}`));
  const open = days.filter((d) => d.open).slice(0, 7);
  chat.push({
    who: "bot",
    local: true,
    reply: {
      text: open.length ? `请选择到“${a.hall_name}”办理的日期：` : `“${a.hall_name}”近两周没有开放预约的日子，请换一个大厅。`,
      buttons: open.map((d) => ({
        title: dayText(d.date),
        action: { type: "slots", guide_id: a.guide_id, guide: a.guide, hall: a.hall, hall_name: a.hall_name, date: d.date },
      })),
    },
  });
}

async function slots(a, chat) {
  const day = await chat.busy(() => get(`/slots${qs({ hall: a.hall, guide: a.guide_id, date: a.date })}`));
  const options = day.slots
    .filter((s) => s.bookable && s.available > 0)
    .map((s) => ({
      date: day.date,
      start: s.start,
      end: s.end,
      free: s.available,
      action: { type: "book", guide_id: a.guide_id, guide: day.guide, hall: a.hall, hall_name: day.hall, date: day.date, start: s.start, end: s.end },
    }));
  chat.push({
    who: "bot",
    local: true,
    reply: { text: day.note || null, card: { kind: "slots", hall: day.hall, guide: day.guide, options } },
  });
}

function bookingForm(a, chat) {
  const name = field("办事人姓名", { name: "name", autocomplete: "name", maxlength: "40", required: true });
  const phone = field("手机号码（取消预约时要用）", { name: "phone", type: "tel", inputmode: "numeric", autocomplete: "tel", maxlength: "11", required: true });
  const idn = field("办事人身份证号码", { name: "id_number", autocomplete: "off", maxlength: "18", required: true });
  const key = randomToken(12); // one form, one booking: a double tap or a retry books once
  return panel(
    "填写预约信息",
    `${a.guide} · ${a.hall_name} · ${dayText(a.date)} ${hm(a.start)}-${hm(a.end)}`,
    [name.el, phone.el, idn.el],
    "确认预约",
    async (form) => {
      const body = { name: value(form, name.id), phone: value(form, phone.id), id_number: value(form, idn.id) };
      if (!body.name || !body.phone || !body.id_number) throw new FormProblem("请把姓名、手机号码和身份证号码都填上。");
      const b = await post(
        "/bookings",
        { hall: String(a.hall), guide: String(a.guide_id), date: a.date, start: a.start, channel: "web", ...body },
        { headers: { "Idempotency-Key": `web-${key}` } },
      );
      chat.rememberPhone(body.phone);
      chat.push({ who: "user", text: `预约 ${dayText(a.date)} ${hm(a.start)}` });
      chat.push(bookingEntry(b));
      chat.askRating();
    },
    chat,
  );
}

function bookingEntry(b) {
  return {
    who: "bot",
    local: true,
    reply: {
      text: b.message,
      card: { kind: "booking", code: b.code, guide: b.guide, hall: b.hall.name, date: b.date, start: b.start, end: b.end, status: b.status },
    },
  };
}

function cancelForm(a, chat) {
  const phone = field("预约时留的手机号码", { name: "phone", type: "tel", inputmode: "numeric", autocomplete: "tel", maxlength: "11", value: chat.phone() || "" });
  return panel(
    `取消预约 ${a.code}`,
    "为了确认是您本人，请输入预约时留的手机号码。",
    [phone.el],
    "确认取消",
    async (form) => {
      const p = value(form, phone.id);
      if (!p) throw new FormProblem("请填写预约时留的手机号码。");
      const b = await post(`/bookings/${encodeURIComponent(a.code)}/cancel`, { phone: p });
      chat.push({ who: "user", text: `取消预约 ${a.code}` });
      chat.push(bookingEntry(b));
      chat.askRating();
    },
    chat,
  );
}
