// The live connection to GET /v1/alerts/{id}/events: read with fetch() and a stream reader
// (with the session cookie), parsed by SseParser, reconnected after a drop with growing
// delays, sending Last-Event-ID so the server replays exactly the changes missed. The
// server sends a heartbeat comment every 15 s by default; a connection silent for much
// longer than that is taken as dead and reopened.

import { SseParser } from "./sse.js";

const SILENCE_LIMIT_MS = 45000;
const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 30000;

// The delay before reconnection attempt `attempt` (0, 1, ...): doubling from 0.5 s up to
// 30 s, with up to 25% random spread so that many viewers do not all come back at once.
export function reconnectDelay(attempt, random = Math.random) {
  const base = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (1 + 0.25 * random()));
}

export class LiveStream {
  // url: the events URL; lastEventId: where to resume ("" for a
  // snapshot first). Callbacks: onEvent({type, data, id}), onState(state, detail) with
  // state "connecting" | "live" | "reconnecting" (detail: delay ms) | "stopped" (detail:
  // {status, message}), onUnauthorized().
  constructor({ url, lastEventId = "", onEvent, onState, onUnauthorized }) {
    Object.assign(this, { url, lastEventId, onEvent, onState, onUnauthorized });
    this.closed = false;
    this.controller = null;
    this.wakeUp = null;
    this.silenceTimer = null;
    this.run();
  }

  close() {
    this.closed = true;
    this.controller?.abort();
    this.wakeUp?.();
    clearTimeout(this.silenceTimer);
  }

  // Restarts the silence countdown: called on every chunk received.
  heard() {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.controller?.abort(), SILENCE_LIMIT_MS);
  }

  async run() {
    let attempt = 0;
    let first = true;
    while (!this.closed) {
      this.onState(first ? "connecting" : "reconnecting", 0);
      first = false;
      this.controller = new AbortController();
      try {
        const headers = { Accept: "text/event-stream" };
        if (this.lastEventId) headers["Last-Event-ID"] = this.lastEventId;
        const response = await fetch(this.url, {
          headers, signal: this.controller.signal, cache: "no-store", credentials: "same-origin",
        });
        if (response.status === 401) {
          this.closed = true;
          this.onUnauthorized();
          return;
        }
        if (response.status === 403 || response.status === 404 || response.status === 400) {
          // Asking again would get the same answer.
          let message = response.statusText;
          try { message = (await response.json()).error || message; } catch { /* not JSON */ }
          this.closed = true;
          this.onState("stopped", { status: response.status, message });
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const parser = new SseParser((event) => {
          if (event.id !== null) this.lastEventId = event.id;
          attempt = 0;
          this.onEvent(event);
        }, () => { attempt = 0; });
        this.onState("live", 0);
        this.heard();
        const reader = response.body.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.heard();
          parser.pushBytes(value);
        }
      } catch {
        // Dropped, refused or silent too long: reconnect below.
      }
      clearTimeout(this.silenceTimer);
      if (this.closed) return;
      const delay = reconnectDelay(attempt++);
      this.onState("reconnecting", delay);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => { clearTimeout(timer); resolve(); };
      });
      this.wakeUp = null;
    }
  }
}
