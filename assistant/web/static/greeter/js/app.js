// 场景式导办: the hall greeter starts from a life event, a theme or a search, walks the guide's
// questions with the citizen, and ends at the precise checklist (see guide.js).

import { ApiError, get, post, qs } from "../../chat/js/api.js";
import { fill, h, uid } from "../../chat/js/dom.js";
import { showGuide } from "./guide.js";

const root = document.getElementById("app");
const HALL_KEY = "zd.greeter.hall";
const GREETER_ROLES = ["greeter", "staff", "admin"];

export const session = {
  user: null,
  guides: [], // summaries of every published guide
  themes: [],
  halls: [],
  get hall() {
    return localStorage.getItem(HALL_KEY) || "";
  },
  set hall(id) {
    localStorage.setItem(HALL_KEY, String(id));
  },
};

// ------------------------------------------------------------------ shell

function header() {
  const hallId = uid("hall");
  const select = h(
    "select",
    { id: hallId, onchange: (ev) => (session.hall = ev.target.value) },
    h("option", { value: "" }, "请选择"),
    session.halls.map((x) => h("option", { value: String(x.id), selected: String(x.id) === session.hall }, x.name)),
  );
  return h(
    "header",
    { class: "bar no-print" },
    h("a", { href: "/greeter", class: "brand", onclick: (ev) => (ev.preventDefault(), start()) }, "智导 · 场景式导办"),
    h("p", { class: "hall-pick" }, h("label", { for: hallId }, "本厅"), select),
    h(
      "p",
      { class: "who" },
      session.user.display_name,
      h("button", { type: "button", class: "link", onclick: logout }, "退出登录"),
    ),
  );
}

/** Show a screen: the header, then the given content. */
export function screen(...content) {
  fill(root, header(), h("main", { class: "main" }, content));
  window.scrollTo(0, 0);
  const heading = root.querySelector("main h1, main h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

export function problem(err) {
  return h("p", { class: "error", role: "alert" }, err instanceof ApiError ? err.message : "出了点问题，请稍后再试。");
}

// ------------------------------------------------------------------ login

function loginForm(message) {
  const u = uid("u");
  const p = uid("p");
  const error = h("p", { class: "error", role: "alert", hidden: !message }, message || "");
  const form = h(
    "form",
    { class: "login", "aria-label": "导办员登录" },
    h("h1", {}, "智导 · 场景式导办"),
    h("p", { class: "muted" }, "大厅导办员专用。请用导办员账号登录。"),
    h("p", { class: "field" }, h("label", { for: u }, "用户名"), h("input", { id: u, autocomplete: "username", required: true })),
    h("p", { class: "field" }, h("label", { for: p }, "密码"), h("input", { id: p, type: "password", autocomplete: "current-password", required: true })),
    error,
    h("button", { type: "submit", class: "primary" }, "登录"),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      const user = await post("/auth/login", { username: form.querySelector(`#${u}`).value, password: form.querySelector(`#${p}`).value });
      await enter(user);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : "登录失败，请重试。";
      error.hidden = false;
    }
  });
  fill(root, h("main", { class: "main narrow" }, form));
  form.querySelector("input").focus();
}

async function enter(user) {
  if (!user.roles.some((r) => GREETER_ROLES.includes(r))) {
    await post("/auth/logout").catch(() => null);
    loginForm("这个账号不是导办员账号，请换导办员账号登录。");
    return;
  }
  session.user = user;
  const [guides, themes, halls] = await Promise.all([get("/guides?limit=500"), get("/themes"), get("/halls")]);
  session.guides = guides.items;
  session.themes = themes;
  session.halls = halls;
  start();
}

async function logout() {
  await post("/auth/logout").catch(() => null);
  session.user = null;
  loginForm();
}

// ------------------------------------------------------------------ where to start

function lifeEvents() {
  const count = new Map();
  for (const g of session.guides) for (const e of g.life_events) count.set(e, (count.get(e) || 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1]).map(([e]) => e);
}

export function start() {
  const searchId = uid("q");
  const results = h("div", { class: "results", "aria-live": "polite" });
  const search = h(
    "form",
    { class: "search", role: "search", "aria-label": "搜索事项" },
    h("label", { for: searchId }, "搜索事项或直接输入群众的问题"),
    h("div", { class: "row" }, h("input", { id: searchId, type: "search", maxlength: "80", placeholder: "如：身份证丢了、退休、开餐馆" }), h("button", { type: "submit", class: "primary" }, "搜索")),
  );
  search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    find(search.querySelector("input").value.trim(), results);
  });
  screen(
    h("h1", {}, "群众要办什么事？"),
    search,
    results,
    h("section", { "aria-label": "按人生事件" }, h("h2", {}, "按人生事件"), h("div", { class: "chips" }, lifeEvents().map((e) => h("button", { type: "button", class: "chip", onclick: () => lifeEvent(e) }, e)))),
    h(
      "section",
      { "aria-label": "按“一件事”主题" },
      h("h2", {}, "按“一件事”主题"),
      h("div", { class: "chips" }, session.themes.map((t) => h("button", { type: "button", class: "chip", onclick: () => theme(t) }, t.name))),
    ),
  );
}

function guideButton(g, note) {
  return h("li", {}, h("button", { type: "button", class: "pick", onclick: () => showGuide(g.id) }, h("strong", {}, g.name), h("span", { class: "muted" }, note || g.department)));
}

function lifeEvent(e) {
  const guides = session.guides.filter((g) => g.life_events.includes(e));
  const themes = session.themes.filter((t) => t.content.life_event === e);
  screen(
    h("p", { class: "crumbs" }, h("button", { type: "button", class: "link", onclick: start }, "重新选择"), ` › 人生事件 › ${e}`),
    h("h1", {}, `${e}：请选择要办的事项`),
    themes.length ? h("div", { class: "chips" }, themes.map((t) => h("button", { type: "button", class: "chip theme", onclick: () => theme(t) }, `“一件事”：${t.name}`))) : null,
    h("ul", { class: "picks" }, guides.map((g) => guideButton(g))),
  );
}

function theme(t) {
  screen(
    h("p", { class: "crumbs" }, h("button", { type: "button", class: "link", onclick: start }, "重新选择"), ` › “一件事” › ${t.name}`),
    h("h1", {}, t.name),
    h("p", {}, t.content.summary),
    h("h2", {}, "包含的事项：请选择先办哪一项"),
    h("ul", { class: "picks" }, t.items.map((g) => guideButton(g))),
  );
}

async function find(text, results) {
  if (!text) return;
  fill(results, h("p", { class: "muted" }, "正在查找……"));
  try {
    const [byName, byMeaning] = await Promise.all([
      get(`/guides${qs({ q: text, limit: 10 })}`),
      post("/nlu/parse", { text }).catch(() => null), // the NLU service, where it is installed
    ]);
    const seen = new Set();
    const found = [];
    for (const r of (byMeaning && byMeaning.results) || []) {
      if (r.kind !== "guide" || seen.has(r.guide_id)) continue;
      const g = session.guides.find((x) => x.id === r.guide_id);
      if (g) (seen.add(g.id), found.push(g));
    }
    for (const g of byName.items) if (!seen.has(g.id)) (seen.add(g.id), found.push(g));
    fill(results, found.length ? h("ul", { class: "picks" }, found.map((g) => guideButton(g))) : h("p", {}, "没有找到相关事项，换个说法试试，或按人生事件查找。"));
  } catch (err) {
    fill(results, problem(err));
  }
}

// ------------------------------------------------------------------ boot

async function boot() {
  try {
    const me = await get("/auth/me");
    await enter(me);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) loginForm();
    else fill(root, problem(err));
  }
}

boot();
