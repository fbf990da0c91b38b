// What the chat keeps in the browser: the web session id (the conversation's sender id on the
// server, where Rasa keeps the dialogue state), the transcript (so a reload shows it again) and
// the large-text preference. ID and mobile numbers are masked before anything is stored.

import { randomToken } from "./api.js";

const SESSION_KEY = "zd.chat.session";
const LOG_KEY = "zd.chat.log";
const BIG_KEY = "zd.bigText";
const MAX_ENTRIES = 150;

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode): the chat still works, without memory
  }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* full or disabled: keep going without memory */
  }
}

export function sessionId() {
  let id = read(SESSION_KEY);
  if (!id || !/^web-[0-9a-f]{32}$/.test(id)) {
    id = `web-${randomToken(16)}`;
    write(SESSION_KEY, id);
  }
  return id;
}

/** Forget the conversation: a new sender id, an empty transcript. */
export function resetSession() {
  write(SESSION_KEY, null);
  write(LOG_KEY, null);
  return sessionId();
}

export function loadLog() {
  try {
    const log = JSON.parse(read(LOG_KEY) || "[]");
    return Array.isArray(log) ? log : [];
  } catch {
    return [];
  }
}

export function saveLog(log) {
  write(LOG_KEY, JSON.stringify(log.slice(-MAX_ENTRIES)));
}

export function bigText() {
  return read(BIG_KEY) === "1";
}

export function setBigText(on) {
  write(BIG_KEY, on ? "1" : "0");
}

// The same rules as assistant/privacy.py mask_text: 18/15-digit ID numbers, then mobile numbers.
const ID_RE = /(?<![0-9A-Za-z])[0-9]{14,17}[0-9Xx]?(?![0-9A-Za-z])/g;
const PHONE_RE = /(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])/g;

export function maskId(v) {
  const s = String(v).trim();
  return s.length <= 8 ? "*".repeat(s.length) : s.slice(0, 4) + "*".repeat(s.length - 8) + s.slice(-4);
}

export function maskText(text) {
  return String(text)
    .replace(ID_RE, (m) => maskId(m))
    .replace(PHONE_RE, (_m, a, _b, c) => `${a}****${c}`);
}
