// A Server-Sent Events parser for a stream read with fetch(): EventSource cannot start from
// a Last-Event-ID of the page's choosing (the turnout snapshot's). Follows the
// WHATWG "event stream interpretation": lines end with CRLF, LF or CR; "event", "data",
// "id" and "retry" fields; a line starting with ':' is a comment (the server's heartbeat);
// a blank line dispatches the event gathered so far. Pure: no DOM, no network.

export class SseParser {
  // onEvent({type, data, id}) for each event (id: the block's id field, or null);
  // onComment(text) for each comment line.
  constructor(onEvent, onComment = () => {}) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.decoder = new TextDecoder("utf-8");
    this.pending = "";
    this.retryMs = null;
    this.clear();
  }

  clear() {
    this.type = "";
    this.data = [];
    this.id = null;
  }

  // Bytes as they arrive: a UTF-8 character split across chunks is kept for the next one.
  pushBytes(bytes) {
    this.pushText(this.decoder.decode(bytes, { stream: true }));
  }

  pushText(text) {
    const buffer = this.pending + text;
    let start = 0;
    let i = 0;
    for (; i < buffer.length; ++i) {
      const c = buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      // A CR last in the buffer may be the first half of a CRLF: wait for the next chunk.
      if (c === "\r" && i + 1 === buffer.length) break;
      this.line(buffer.slice(start, i));
      if (c === "\r" && buffer[i + 1] === "\n") ++i;
      start = i + 1;
    }
    this.pending = buffer.slice(start);
  }

  line(line) {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line[0] === ":") {
      this.onComment(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
  }

  dispatch() {
    if (this.data.length > 0) {
      this.onEvent({ type: this.type || "message", data: this.data.join("\n"), id: this.id });
    }
    this.clear();
  }
}
