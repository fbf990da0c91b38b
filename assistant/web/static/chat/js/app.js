// The web chat: posts the channel-neutral UserMessage to POST /api/v1/chat and renders the Turn.
// The sender id and the (masked) transcript live in localStorage, so a reload continues the
// same conversation; Rasa keeps the dialogue state on the server.

import { get, post } from "./api.js";
import { h } from "./dom.js";
import { act } from "./flows.js";
import { renderEntry } from "./render.js";
import * as store from "./store.js";

const WELCOME = {
  who: "bot",
  local: true,
  reply: {
    text: "您好！我是汕尾市政务服务智能导办“智导”。请直接说您想办的事，我帮您找到办事指南、看哪些材料可以免交，还能帮您预约到大厅办理。",
    buttons: [
      { title: "身份证丢了怎么补办", action: { type: "ask", text: "身份证丢了怎么补办" } },
      { title: "孩子出生怎么上户口", action: { type: "ask", text: "孩子出生怎么上户口" } },
      { title: "结婚登记要带什么", action: { type: "ask", text: "结婚登记要带什么" } },
    ],
  },
};

const els = {
  log: document.getElementById("log"),
  form: document.getElementById("composer"),
  input: document.getElementById("input"),
  send: document.getElementById("send"),
  locate: document.getElementById("locate"),
  big: document.getElementById("big"),
  reset: document.getElementById("reset"),
};

const state = {
  session: store.sessionId(),
  log: store.loadLog(),
  busy: false,
  position: null, // {lat, lon}, only in memory, only after the citizen shares it
  phone: null, // the last booking's phone, only in memory, to prefill a cancellation
  halls: null, // Promise of /halls (coordinates for map links, districts)
};

// ------------------------------------------------------------------ the chat object flows use

const chat = {
  send,
  push,
  note,
  panel(el) {
    els.log.append(el);
    el.scrollIntoView({ block: "nearest" });
    const first = el.querySelector("input, button");
    if (first) first.focus();
  },
  busy: withTyping,
  get position() {
    return state.position;
  },
  locate,
  districts: async () => [...new Set((await allHalls()).map((x) => x.district))],
  rememberPhone: (p) => (state.phone = p),
  askRating,
  phone: () => state.phone,
  focusInput: () => els.input.focus(),
};

function ctx(live) {
  return { live, send, act: (a) => act(a, chat), mapUrl };
}

// ------------------------------------------------------------------ transcript

function lastUserIndex() {
  for (let i = state.log.length - 1; i >= 0; i -= 1) if (state.log[i].who === "user") return i;
  return -1;
}

function renderAll() {
  const last = lastUserIndex();
  els.log.replaceChildren(...state.log.map((e, i) => renderEntry(e, ctx(i > last))));
  els.log.lastElementChild?.scrollIntoView({ block: "end" });
}

/** Add an entry to the transcript, keep it, show it. */
function push(entry) {
  if (entry.who === "user") retire();
  state.log.push(entry);
  store.saveLog(state.log);
  const el = renderEntry(entry, ctx(true));
  els.log.append(el);
  el.scrollIntoView({ block: entry.who === "user" ? "end" : "start" });
  return el;
}

/** Earlier quick replies stop working once the citizen has moved on (the dialogue has too). */
function retire() {
  for (const b of els.log.querySelectorAll("button[data-payload]")) b.disabled = true;
}

/** At the end of a task done on the page (booked, cancelled): ask for a rating (好差评), unless
 *  a rating prompt is still waiting for an answer. The answer goes to the dialogue like a button. */
function askRating() {
  const last = state.log.findLastIndex((e) => e.reply && e.reply.card && e.reply.card.kind === "rating");
  if (last >= 0 && last > lastUserIndex()) return;
  push({ who: "bot", local: true, reply: { card: { kind: "rating", question: "请问您对这次服务满意吗？" } } });
}

/** A transient line (errors, hints): shown, not kept. */
function note(text, { alert = false, retry = null } = {}) {
  const el = renderEntry({ who: "note", text, alert }, ctx(true));
  if (retry) el.append(h("button", { type: "button", class: "choice", onclick: () => (el.remove(), retry()) }, "重新发送"));
  els.log.append(el);
  el.scrollIntoView({ block: "end" });
}

async function withTyping(work) {
  const dots = h(
    "div",
    { class: "msg bot typing", role: "status" },
    h("p", { class: "bubble" }, h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), h("span", { class: "sr-only" }, "智导正在输入…")),
  );
  els.log.append(dots);
  dots.scrollIntoView({ block: "end" });
  try {
    return await work();
  } finally {
    dots.remove();
  }
}

// ------------------------------------------------------------------ talking to the server

async function send({ text = "", payload = null }) {
  const said = (text || payload || "").trim();
  if (!said || state.busy) return;
  state.busy = true;
  els.send.disabled = true;
  push({ who: "user", text: store.maskText(said) });
  const message = { sender_id: state.session, channel: "web", text: text.trim(), payload };
  if (state.position) Object.assign(message, state.position);
  try {
    const turn = await withTyping(() => post("/chat", message));
    for (const reply of withoutRepeats(turn.replies)) push({ who: "bot", reply });
    if (!turn.replies.length) note("（智导没有回复，您可以换个说法再问。）");
  } catch (err) {
    note(err.message, { alert: true, retry: () => send({ text, payload }) });
  } finally {
    state.busy = false;
    els.send.disabled = false;
    els.input.focus();
  }
}

/** A slot picker's times also come as buttons (for text-only channels): show them once, as the
 *  card. */
function withoutRepeats(replies) {
  const inCards = new Set(
    replies.flatMap((r) => (r.card && r.card.kind === "slots" ? r.card.options.map((o) => o.payload) : [])),
  );
  if (!inCards.size) return replies;
  return replies.map((r) => ({ ...r, buttons: (r.buttons || []).filter((b) => !inCards.has(b.payload)) }));
}

async function locate() {
  if (!navigator.geolocation) {
    note("您的浏览器不支持定位。可以直接告诉我您在哪个区县，比如“海丰县”。");
    return false;
  }
  try {
    const pos = await withTyping(
      () => new Promise((ok, fail) => navigator.geolocation.getCurrentPosition(ok, fail, { timeout: 10000, maximumAge: 300000 })),
    );
    state.position = { lat: Number(pos.coords.latitude.toFixed(5)), lon: Number(pos.coords.longitude.toFixed(5)) };
    return true;
  } catch {
    note("没能获取您的位置（可能没有允许定位）。可以直接告诉我您在哪个区县，比如“海丰县”。");
    return false;
  }
}

// ------------------------------------------------------------------ map links

function allHalls() {
  if (!state.halls) state.halls = get("/halls").catch(() => ((state.halls = null), []));
  return state.halls;
}

/** A map link for a hall card: the server's, else one built from the hall's coordinates. */
function mapUrl(hall) {
  if (hall.map_url) return hall.map_url;
  return allHalls().then((list) => {
    const x = list.find((y) => y.id === hall.hall_id);
    if (!x) return null;
    const q = new URLSearchParams({ position: `${x.lon},${x.lat}`, name: x.name, coordinate: "wgs84" });
    return `https://uri.amap.com/marker?${q}`;
  });
}

// ------------------------------------------------------------------ page

function setBig(on) {
  document.documentElement.classList.toggle("big", on);
  els.big.setAttribute("aria-pressed", on ? "true" : "false");
  store.setBigText(on);
}

/** The input grows with what is typed (up to its CSS max-height), so long questions stay readable. */
function grow() {
  els.input.style.height = "auto";
  els.input.style.height = `${els.input.scrollHeight + 4}px`;
}

function boot() {
  setBig(store.bigText());
  if (!state.log.length) {
    state.log.push(WELCOME);
    store.saveLog(state.log);
  }
  renderAll();
  els.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = els.input.value;
    if (!text.trim() || state.busy) return;
    els.input.value = "";
    grow();
    send({ text });
  });
  els.input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      els.form.requestSubmit();
    }
  });
  els.input.addEventListener("input", grow);
  els.big.addEventListener("click", () => setBig(!document.documentElement.classList.contains("big")));
  els.reset.addEventListener("click", () => {
    if (!window.confirm("清空聊天记录，开始新的咨询？")) return;
    state.session = store.resetSession();
    state.log = [WELCOME];
    store.saveLog(state.log);
    renderAll();
    els.input.focus();
  });
  els.locate.addEventListener("click", async () => {
    if (await locate()) send({ text: "附近的大厅" });
  });
  document.body.classList.add("ready");
}

boot();
