// API calls with the bearer token kept in sessionStorage (gone when the tab closes).
const KEY = "bulwark.token";

export const getToken = (): string | null => sessionStorage.getItem(KEY);
export const setToken = (t: string): void => sessionStorage.setItem(KEY, t);
export const clearToken = (): void => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (f: () => void): void => {
  onUnauthorized = f;
};

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${getToken() ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 401) {
    clearToken();
    onUnauthorized();
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = (await res.json()) as { error?: { message?: string } };
      if (j.error?.message) message = j.error.message;
    } catch {
      // Not JSON.
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

export async function get<T>(path: string): Promise<T> {
  return (await (await call("GET", path)).json()) as T;
}
export async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await call("POST", path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}
export async function del(path: string): Promise<void> {
  await call("DELETE", path);
}

/** Downloads an authenticated file (a plain link could not carry the bearer token). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await call("GET", path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
