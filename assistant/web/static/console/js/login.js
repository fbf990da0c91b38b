// The login screen.

import { api } from "./api.js";
import { fill, h } from "./dom.js";

export function showLogin(root, { onLoggedIn, notice = "" }) {
  document.title = "登录 · 智导指南编辑台";
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, maxLength: 40 });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, maxLength: 200 });
  const error = h("div", { class: "error-text", role: "alert" }, notice);
  const button = h("button", { type: "submit", class: "primary wide" }, "登录");
  const form = h(
    "form",
    {
      class: "login-card",
      onsubmit: async (e) => {
        e.preventDefault();
        if (!username.value.trim() || !password.value) {
          error.textContent = "请输入用户名和密码。";
          return;
        }
        button.disabled = true;
        error.textContent = "";
        try {
          const me = await api("POST", "/auth/login", { username: username.value.trim(), password: password.value }, { quiet401: true });
          onLoggedIn(me);
        } catch (err) {
          error.textContent = err.message;
          password.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", {}, "智导 · 指南编辑台"),
    h("p", { class: "muted" }, "请使用编辑或审核账号登录。"),
    h("label", { for: "username" }, "用户名"),
    username,
    h("label", { for: "password" }, "密码"),
    password,
    error,
    button,
  );
  fill(root, h("div", { class: "login-page" }, form));
  username.focus();
}
