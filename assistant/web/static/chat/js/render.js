// Rendering of the transcript: one function per entry and per card kind of the message contract
// (assistant/conversation/messages.py). Pure DOM building with text nodes; what a click does is
// the caller's (ctx.send for a server payload, ctx.act for a page action such as booking).

import { dayText, h, hm, outLink } from "./dom.js";

const STATUS = {
  waived_licence: ["免提交", "ok"],
  waived_shared_data: ["免提交", "ok"],
  commitment: ["可承诺代替", "soft"],
  deferrable: ["可容缺后补", "soft"],
  must_bring: ["需携带", "need"],
};

const BOOKING_STATUS = { booked: "已预约", cancelled: "已取消", checked_in: "已签到取号", no_show: "未到" };

/**
 * One transcript entry → element. ctx: {send(msg), act(action), live: this turn still current,
 * mapUrl(hall) → url or a Promise of one}.
 */
export function renderEntry(entry, ctx) {
  if (entry.who === "user") {
    return h("div", { class: "msg user" }, h("p", { class: "bubble" }, entry.text));
  }
  if (entry.who === "note") {
    return h("div", { class: "msg note", role: entry.alert ? "alert" : null }, h("p", {}, entry.text));
  }
  const reply = entry.reply || {};
  return h(
    "div",
    { class: "msg bot" },
    reply.text ? h("p", { class: "bubble" }, reply.text) : null,
    reply.card ? renderCard(reply.card, entry, ctx) : null,
    buttonRow(reply.buttons, ctx),
  );
}

/** Quick replies: big buttons; a server payload is sent, a page action is run. */
export function buttonRow(buttons, ctx, cls = "quick") {
  if (!buttons || !buttons.length) return null;
  return h("div", { class: cls }, buttons.map((b) => choice(b, ctx)));
}

function choice(b, ctx, label) {
  const stale = !b.action && !ctx.live;
  return h(
    "button",
    {
      type: "button",
      class: "choice",
      dataset: b.action ? null : { payload: "1" },
      disabled: stale,
      title: stale ? "这是之前的选项，请看最新的回复" : null,
      onclick: () => (b.action ? ctx.act(b.action) : ctx.send({ text: b.title, payload: b.payload })),
    },
    label || b.title,
  );
}

export function renderCard(card, entry, ctx) {
  const render = CARDS[card.kind];
  return render ? render(card, entry, ctx) : null;
}

const CARDS = {
  guide: guideCard,
  theme: themeCard,
  waiver: waiverCard,
  halls: hallsCard,
  slots: slotsCard,
  booking: bookingCard,
  rating: ratingCard,
};

function guideCard(c, _entry, ctx) {
  const facts = [
    ["办理时限", c.time_limit],
    ["收费", c.fee],
    ["网上办理", c.online],
    ["咨询电话", c.phone],
  ].filter(([, v]) => v);
  const target = { guide_id: c.guide_id, guide: c.name, situation: c.situation_key || null };
  return h(
    "article",
    { class: "card guide", "aria-label": `办事指南：${c.name}` },
    h("h3", {}, c.name),
    c.situation_name ? h("p", { class: "situation" }, `您的情形：${c.situation_name}`) : null,
    c.summary ? h("p", { class: "summary" }, c.summary) : null,
    facts.length
      ? h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, k === "咨询电话" ? tel(v) : v)]))
      : null,
    c.materials && c.materials.length ? checklist("要准备的材料", c.materials) : null,
    h(
      "div",
      { class: "card-actions" },
      choice({ title: "查哪些材料可以免交", action: { type: "waiver", ...target } }, ctx),
      choice({ title: "预约到大厅办理", action: { type: "halls", ...target } }, ctx),
      outLink(c.url, "查看完整办事指南", { class: "more" }),
    ),
  );
}

function tel(phone) {
  const first = String(phone).split(/[、 ]/)[0];
  return /^[0-9-]{5,20}$/.test(first) ? h("a", { href: `tel:${first}` }, phone) : phone;
}

/** The material checklist; with a waiver check, each item says whether to bring it and why. */
export function checklist(title, materials) {
  return h(
    "section",
    { class: "checklist" },
    h("h4", {}, title),
    h(
      "ol",
      {},
      materials.map((m) => {
        const [label, tone] = STATUS[m.status] || [];
        const extra = [m.form, m.copies > 1 ? `${m.copies}份` : null].filter(Boolean).join(" ");
        return h(
          "li",
          { class: tone ? `m-${tone}` : null },
          label ? h("span", { class: `badge ${tone}` }, label) : null,
          h("strong", {}, m.name),
          extra ? h("span", { class: "muted" }, ` ${extra}`) : null,
          m.required === false && m.condition ? h("span", { class: "muted" }, `（${m.condition}）`) : null,
          m.reason ? h("p", { class: "reason" }, m.reason) : null,
        );
      }),
    ),
  );
}

function themeCard(c, _entry, ctx) {
  return h(
    "article",
    { class: "card theme", "aria-label": `一件事：${c.name}` },
    h("h3", {}, c.name),
    c.summary ? h("p", { class: "summary" }, c.summary) : null,
    c.items && c.items.length
      ? [
          h("h4", {}, "包含这些事项，点一项查看指南："),
          h("div", { class: "quick" }, c.items.map((name) => choice({ title: name, action: { type: "ask", text: name } }, ctx))),
        ]
      : null,
  );
}

function waiverCard(c) {
  return h(
    "article",
    { class: "card waiver", "aria-label": `免提交核验：${c.guide}` },
    h("h3", {}, `${c.guide} · 免提交核验结果`),
    h("p", { class: "summary" }, c.summary),
    checklist("材料清单", c.materials || []),
    (c.notices || []).length ? h("ul", { class: "notices" }, c.notices.map((n) => h("li", {}, n))) : null,
  );
}

function hallsCard(c, entry, ctx) {
  return h(
    "section",
    { class: "card halls", "aria-label": "服务大厅" },
    c.guide ? h("h3", {}, `可办理“${c.guide}”的大厅`) : h("h3", {}, "服务大厅"),
    h("ol", { class: "hall-list" }, c.halls.map((hall) => h("li", {}, hallCard(hall, entry, ctx)))),
  );
}

function hallCard(hall, entry, ctx) {
  const meta = [
    hall.distance_km !== null && hall.distance_km !== undefined ? `距离约${hall.distance_km}公里` : null,
    hall.waiting !== null && hall.waiting !== undefined ? `现在排队${hall.waiting}人` : null,
    hall.wait_minutes !== null && hall.wait_minutes !== undefined ? `预计等候约${hall.wait_minutes}分钟` : null,
  ].filter(Boolean);
  const map = h("a", { class: "map", target: "_blank", rel: "noopener noreferrer", hidden: true }, "在地图上查看");
  const url = ctx.mapUrl(hall);
  Promise.resolve(url).then((u) => {
    if (u && /^https?:\/\//.test(u)) {
      map.href = u;
      map.hidden = false;
    }
  });
  return h(
    "article",
    { class: "hall" },
    h("h4", {}, hall.name),
    h("p", {}, hall.address),
    meta.length ? h("p", { class: "hall-meta" }, meta.join(" · ")) : null,
    hall.wait_text ? h("p", { class: "muted" }, hall.wait_text) : null,
    hall.next_slot ? h("p", { class: "muted" }, `最早可约：${hall.next_slot}`) : null,
    h(
      "div",
      { class: "card-actions" },
      map,
      hall.phone ? h("a", { href: `tel:${hall.phone}` }, `电话 ${hall.phone}`) : null,
      entry.hallAction
        ? choice({ title: "预约这家大厅", action: { ...entry.hallAction, hall: hall.hall_id, hall_name: hall.name } }, ctx)
        : null,
    ),
  );
}

function slotsCard(c, _entry, ctx) {
  const days = new Map();
  for (const o of c.options) {
    if (!days.has(o.date)) days.set(o.date, []);
    days.get(o.date).push(o);
  }
  return h(
    "section",
    { class: "card slots", "aria-label": `可预约时段：${c.hall}` },
    h("h3", {}, `${c.hall} · 可预约时段`),
    c.options.length ? null : h("p", {}, "这一天已经约满或不开放，请换一天。"),
    [...days].map(([day, options]) => [
      h("h4", {}, dayText(day)),
      h(
        "div",
        { class: "slot-grid" },
        options.map((o) =>
          choice(
            { title: `${dayText(o.date)} ${hm(o.start)}`, payload: o.payload, action: o.action },
            ctx,
            [h("span", { class: "slot-time" }, `${hm(o.start)}-${hm(o.end)}`), h("span", { class: "slot-free" }, `剩${o.free}个`)],
          ),
        ),
      ),
    ]),
  );
}

function bookingCard(c, entry, ctx) {
  const cancelled = c.status === "cancelled";
  return h(
    "article",
    { class: `card booking${cancelled ? " cancelled" : ""}`, "aria-label": `预约：${c.code}` },
    h("h3", {}, cancelled ? "预约已取消" : "预约凭证"),
    h("p", { class: "code" }, h("span", { class: "muted" }, "预约号 "), h("strong", {}, c.code)),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "事项"),
      h("dd", {}, c.guide),
      h("dt", {}, "大厅"),
      h("dd", {}, c.hall),
      h("dt", {}, "时间"),
      h("dd", {}, `${dayText(c.date)} ${hm(c.start)}-${hm(c.end)}`),
      h("dt", {}, "状态"),
      h("dd", {}, BOOKING_STATUS[c.status] || c.status),
    ),
    c.status === "booked"
      ? h(
          "div",
          { class: "card-actions" },
          entry.local
            ? choice({ title: "取消这个预约", action: { type: "cancel", code: c.code } }, ctx)
            : choice({ title: "取消预约", payload: null }, ctx),
        )
      : null,
  );
}

// The rating intent with the citizen's word in it: the dialogue scores the word, and without the
// dialogue (degraded mode) the payload is not mistaken for a guide question.
const RATINGS = ["满意", "一般", "不满意"].map((word) => ({
  title: word,
  payload: `/rate_service{"rating":"${word}"}`,
}));

function ratingCard(c, entry, ctx) {
  const own = entry.reply && entry.reply.buttons && entry.reply.buttons.length;
  return h(
    "section",
    { class: "card rating", "aria-label": "服务评价" },
    h("h3", {}, c.question),
    own ? null : buttonRow(RATINGS, ctx, "quick rating-buttons"),
  );
}
