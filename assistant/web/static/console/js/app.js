// The console's entry point: who is logged in, the header, and a small hash router
// (#/ list, #/new, #/guide/<id>).

import { api, get, setUnauthenticatedHandler } from "./api.js";
import { fill, h } from "./dom.js";
import { showEditor } from "./editor.js";
import { ROLES } from "./labels.js";
import { showList } from "./list.js";
import { showLogin } from "./login.js";
import { message } from "./ui.js";

const root = document.getElementById("app");
const state = { me: null, meta: null, view: null, hash: location.hash, flash: null, filters: {} };
const LEAVE = "本页有未保存的修改，离开后将丢失。确定要离开吗？";

function header() {
  const me = state.me;
  return h(
    "header",
    { class: "console-top" },
    h("a", { href: "#/", class: "brand" }, "智导 · 指南编辑台"),
    h(
      "div",
      { class: "who" },
      h("span", { class: "user" }, me.display_name, me.display_name !== me.username ? `（${me.username}）` : ""),
      me.roles.map((r) => h("span", { class: "role" }, ROLES[r] || r)),
      h("button", { type: "button", class: "logout", onclick: logout }, "退出登录"),
    ),
  );
}

async function logout() {
  if (state.view && state.view.isDirty() && !window.confirm(LEAVE)) return;
  try {
    await api("POST", "/auth/logout", {}, { quiet401: true });
  } finally {
    loggedOut("您已退出登录。");
  }
}

function loggedOut(notice) {
  state.me = null;
  state.view = null;
  showLogin(root, { onLoggedIn, notice });
}

async function onLoggedIn(me) {
  state.me = me;
  if (!location.hash || location.hash === "#") history.replaceState(null, "", "#/");
  await route();
}

function navigate(hash, { saved = null } = {}) {
  state.flash = saved;
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  if (!state.me) return;
  state.hash = location.hash;
  const main = h("main", { class: "console-main" });
  fill(root, header(), main);
  const flash = state.flash;
  state.flash = null;
  try {
    state.meta ??= await get("/editor/meta");
    const m = location.hash.match(/^#\/guide\/(\d+)$/);
    if (m) state.view = await showEditor(main, { id: Number(m[1]), me: state.me, meta: state.meta, navigate });
    else if (location.hash === "#/new") state.view = await showEditor(main, { id: null, me: state.me, meta: state.meta, navigate });
    else state.view = await showList(main, { me: state.me, navigate, filters: state.filters });
    if (flash && state.view.flash) state.view.flash(flash);
  } catch (err) {
    if (state.me) fill(main, message(err.message || "页面载入失败，请刷新重试。", "error"));
  }
}

window.addEventListener("hashchange", () => {
  if (state.view && state.view.isDirty() && !window.confirm(LEAVE)) {
    history.replaceState(null, "", state.hash);
    return;
  }
  route();
});

window.addEventListener("beforeunload", (e) => {
  if (state.view && state.view.isDirty()) e.preventDefault();
});

setUnauthenticatedHandler(() => {
  if (state.me) loggedOut("登录已过期，请重新登录。");
});

async function boot() {
  try {
    state.me = await api("GET", "/auth/me", undefined, { quiet401: true });
  } catch {
    loggedOut("");
    return;
  }
  await onLoggedIn(state.me);
}

boot();
