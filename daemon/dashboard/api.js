// Calls to the daemon's API with the session cookie the sign-in set (HttpOnly: this script
// never sees it; SameSite=Strict: the browser sends it only from our own pages). The
// browser adds Origin and Sec-Fetch-Site to every POST, which the daemon checks against
// cross-site requests. A 401 means the session ended: `onUnauthorized` sends the page
// back to sign-in.

export class ApiError extends Error {
  constructor(status, message, field = "", problems = []) {
    super(message);
    this.status = status;  // 0: no answer (network)
    this.field = field;
    this.problems = problems;  // [{field, error}] when the refusal lists them (TemplateRefusal)
  }
}

export class Api {
  constructor(onUnauthorized = () => {}) {
    this.onUnauthorized = onUnauthorized;
  }

  async request(method, path, { body, accept = "application/json" } = {}) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: body === undefined ? { Accept: accept }
                                    : { Accept: accept, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "same-origin",
      });
    } catch (error) {
      throw new ApiError(0, String(error?.message || error));
    }
    if (response.ok) return response;
    let message = response.statusText;
    let field = "";
    let problems = [];
    try {
      const error = await response.json();
      message = error.error || message;
      field = error.field || "";
      problems = Array.isArray(error.problems) ? error.problems : [];
    } catch {
      // Not JSON: keep the status text.
    }
    if (response.status === 401) this.onUnauthorized();
    throw new ApiError(response.status, message, field, problems);
  }

  async getJson(path) {
    return (await this.request("GET", path)).json();
  }

  async postJson(path, body) {
    return (await this.request("POST", path, { body })).json();
  }

  async getBlob(path, accept) {
    return (await this.request("GET", path, { accept })).blob();
  }
}
