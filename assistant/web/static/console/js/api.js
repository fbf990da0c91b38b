// The console's only door to the server: JSON in, JSON out, errors as ApiError.

const BASE = "/api/v1";

export class ApiError extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

let onUnauthenticated = () => {};

/** Called when any request answers 401 (the session ended): the app shows the login screen. */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

export async function api(method, path, body, { quiet401 = false } = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, "无法连接服务器，请检查网络后重试。");
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
  const message = error.message || `服务器暂时无法处理（${response.status}），请稍后重试。`;
  if (response.status === 401 && !quiet401) onUnauthenticated();
  throw new ApiError(response.status, message, error.details);
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body ?? {});
export const put = (path, body) => api("PUT", path, body);
