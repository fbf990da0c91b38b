// The pages' only door to the server: JSON in, JSON out, errors as ApiError with a message a
// citizen can read (the server's Chinese message when it sent one).

const BASE = "/api/v1";
const TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export async function api(method, path, body, { headers = {} } = {}) {
  const init = {
    method,
    headers: { Accept: "application/json", ...headers },
    credentials: "same-origin",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (err) {
    const slow = err && err.name === "TimeoutError";
    throw new ApiError(0, slow ? "服务器响应太慢了，请稍后再试。" : "网络好像断开了，请检查网络后再试。");
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return data;
  const error = data && data.error ? data.error : {};
  const message = error.message || `系统暂时无法处理（${response.status}），请稍后再试。`;
  throw new ApiError(response.status, message, error.details);
}

export const get = (path) => api("GET", path);
export const post = (path, body, options) => api("POST", path, body ?? {}, options);

/** Query string from an object, skipping empty values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** A random hex token (works on plain http too, where crypto.randomUUID is missing). */
export function randomToken(bytes = 16) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}
