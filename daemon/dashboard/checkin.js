// The coordinator's scanner at the door or the bus: #checkin=ALERT, and #checkin=ALERT.MEMBER.TAG,
// the URL in a member's QR code, which a phone's camera app opens (after sign-in the code is
// checked at once). The camera (getUserMedia, the back camera) is read a few times a second
// by BarcodeDetector where the browser has it, else by jsQR (/dashboard/jsQR.js, loaded on
// this page only); each code read goes to POST /v1/alerts/{id}/checkins and the answer
// fills a large banner: green checked in, amber already (with the time, in the union's time
// zone), red refused; a short vibration says which without looking. A code is read once
// while it stays in view: it is read again only after leaving the camera for a moment.
// Without a camera (refused, none, a laptop): the member number, the SMS's short code or a
// name search within the coordinator's regions. The counter "present N / yes M" follows
// the alert's event stream, so it moves with the other coordinators' scans too.

import { $, element, setText, setMessage } from "./dom.js";
import { LiveStream } from "./live.js";
import { applyChange, parseField } from "./counts.js";
import { manualKind, shortName } from "./checkin_helpers.js";

const SCAN_INTERVAL_MS = 200;
// A code must be out of view this long before it is read again.
const FORGET_AFTER_MS = 1000;
const VIBRATION = { checked_in: [80], already: [60, 60, 60], refused: [300] };

let jsQrLoading = null;
function loadJsQr() {
  jsQrLoading ??= new Promise((resolve, reject) => {
    const script = element("script", { src: "/dashboard/jsQR.js" });
    script.addEventListener("load", () => resolve(window.jsQR));
    script.addEventListener("error", () => {
      script.remove();
      jsQrLoading = null;
      reject(new Error("jsQR.js"));
    });
    document.head.append(script);
  });
  return jsQrLoading;
}

export class CheckinPage {
  // app: { api(), t, who(), show(viewId), errorText(error), formatNumber, dateFormat(options) }
  constructor(app) {
    this.app = app;
    this.alertId = "";
    this.fields = {};
    this.stream = null;
    this.camera = null;
    this.timer = 0;
    this.seen = new Map();  // code -> last time in view (ms)
    this.busy = false;
    this.lastResult = null;
    $("checkin-camera").addEventListener("click", () => this.toggleCamera());
    $("checkin-manual").addEventListener("submit", (event) => {
      event.preventDefault();
      this.manual();
    });
    $("checkin-back").addEventListener("click", () => this.close());
  }

  get t() { return this.app.t; }

  async open({ alertId, code }) {
    this.app.show("checkin-view");
    $("checkin-back").href = `#alert=${alertId}`;
    if (this.alertId !== alertId) {
      this.stop();
      this.alertId = alertId;
      this.fields = {};
      this.showResult(null);
      $("checkin-matches").replaceChildren();
      setText($("checkin-alert"), "");
      this.follow();
    }
    this.renderCounter();
    $("checkin-heading").focus();
    // The member's QR code opened this page: check it in at once.
    if (code) await this.submit({ code });
    if (!this.camera) this.startCamera();
  }

  close() {
    this.stop();
    this.alertId = "";
  }

  stop() {
    this.stream?.close();
    this.stream = null;
    this.stopCamera();
  }

  relabel() {
    this.renderCounter();
    setText($("checkin-camera"), this.t(this.camera ? "checkin_camera_stop" : "checkin_camera_start"));
    if (this.lastResult) this.showResult(this.lastResult);
  }

  // ---- the counter: present / yes in the caller's regions, live ----------------------------

  follow() {
    this.stream = new LiveStream({
      url: `/v1/alerts/${encodeURIComponent(this.alertId)}/events`,
      onEvent: (event) => this.onEvent(event),
      onState: () => {},
      onUnauthorized: () => this.app.onUnauthorized?.(),
    });
  }

  onEvent(event) {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    if (event.type === "snapshot") {
      this.fields = { ...(data.fields || {}) };
      // The alert as the turnout names it (a coordinator may not read the alert itself).
      setText($("checkin-alert"), [data.alert?.code, data.alert?.title].filter(Boolean).join(" · "));
    }
    else if (event.type === "change") applyChange(this.fields, data.fields);
    else return;
    this.renderCounter();
  }

  totals() {
    let present = 0, self = 0, yes = 0;
    for (const [name, value] of Object.entries(this.fields)) {
      const field = parseField(name);
      if (!field || field.dimension !== "all") continue;
      if (field.measure === "present") present += Number(value) || 0;
      if (field.measure === "present_self") self += Number(value) || 0;
      if (field.measure === "yes") yes += Number(value) || 0;
    }
    return { present, self, yes };
  }

  renderCounter() {
    const { present, self, yes } = this.totals();
    const node = $("checkin-counter");
    node.dataset.present = String(present);
    node.dataset.yes = String(yes);
    setText(node, this.t("checkin_counter", { present: this.app.formatNumber(present),
                                              yes: this.app.formatNumber(yes) }) +
                  (self > 0 ? ` · ${this.t("checkin_counter_self", { n: this.app.formatNumber(self) })}` : ""));
  }

  // ---- checking in ---------------------------------------------------------------------------

  async submit(body) {
    if (this.busy) return;
    this.busy = true;
    try {
      const answer = await this.app.api().postJson(
          `/v1/alerts/${encodeURIComponent(this.alertId)}/checkins`, body);
      this.showResult({ kind: answer.status === "checked_in" ? "checked_in" : "already", answer });
      $("checkin-matches").replaceChildren();
    } catch (error) {
      this.showResult({ kind: "refused", error });
    } finally {
      this.busy = false;
    }
  }

  showResult(result) {
    this.lastResult = result;
    const node = $("checkin-result");
    if (!result) {
      node.dataset.result = "";
      node.replaceChildren();
      return;
    }
    let text;
    if (result.kind === "refused") {
      text = this.refusalText(result.error);
    } else {
      const { answer } = result;
      const name = shortName(answer.firstName, answer.lastName) || answer.memberId;
      text = result.kind === "checked_in"
          ? this.t("checkin_done", { name })
          : this.t("checkin_already", { name, time: this.app.dateFormat({ hour: "numeric", minute: "2-digit" })
                                                           .format(new Date(Number(answer.atMs))) });
      if (answer.answer && answer.answer !== "yes") text += ` (${this.t("checkin_not_yes")})`;
    }
    node.dataset.result = result.kind;
    node.replaceChildren(element("p", { text }));
    navigator.vibrate?.(VIBRATION[result.kind]);
  }

  // The daemon's refusals the door sees often, in the page's language; others as they come.
  refusalText(error) {
    const message = String(error?.message || "");
    if (error?.status === 400 && message.includes("another alert")) return this.t("checkin_other_alert");
    if (error?.status === 400 && message.includes("not valid")) return this.t("checkin_forged");
    if (error?.status === 403) return this.t("checkin_other_region");
    if (error?.status === 404 && error.field !== "id") return this.t("checkin_unknown");
    return this.app.errorText(error);
  }

  async manual() {
    const input = $("checkin-query");
    const { kind, value } = manualKind(input.value);
    if (!value) return;
    if (kind === "code") return this.submit({ code: value });
    if (kind === "member") return this.submit({ memberId: value });
    const list = $("checkin-matches");
    try {
      const found = await this.app.api().getJson(
          `/v1/alerts/${encodeURIComponent(this.alertId)}/checkins:search?q=${encodeURIComponent(value)}`);
      const members = found.members || [];
      list.setAttribute("aria-label", this.t("checkin_matches", { n: members.length }));
      list.replaceChildren(...members.map((member) => element("li", {},
          element("span", { text: `${member.firstName || ""} ${member.lastName || ""} · ${member.memberId}` +
                                  (member.present ? ` · ${this.t("checkin_present_mark")}` : "") }),
          this.matchButton(member))));
      if (members.length === 0) list.replaceChildren(element("li", { className: "muted", text: this.t("checkin_no_match") }));
    } catch (error) {
      this.showResult({ kind: "refused", error });
    }
  }

  matchButton(member) {
    const button = element("button", { type: "button", className: "primary-button",
                                       text: this.t("checkin_manual_submit"),
                                       "aria-label": `${this.t("checkin_manual_submit")} ${member.firstName || ""} ${member.lastName || ""}` });
    button.addEventListener("click", () => this.submit({ memberId: member.memberId }));
    return button;
  }

  // ---- the camera ------------------------------------------------------------------------------

  toggleCamera() {
    if (this.camera) this.stopCamera();
    else this.startCamera();
  }

  async startCamera() {
    const message = $("checkin-camera-message");
    if (!navigator.mediaDevices?.getUserMedia) {
      setMessage(message, this.t("checkin_no_camera"));
      return;
    }
    try {
      const detector = await this.detector();
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } }, audio: false });
      const video = $("checkin-video");
      video.srcObject = stream;
      await video.play();
      this.camera = { stream, detector };
      setMessage(message, "");
      setText($("checkin-camera"), this.t("checkin_camera_stop"));
      this.scanSoon();
    } catch {
      setMessage(message, this.t("checkin_no_camera"));
    }
  }

  stopCamera() {
    clearTimeout(this.timer);
    for (const track of this.camera?.stream.getTracks() || []) track.stop();
    this.camera = null;
    $("checkin-video").srcObject = null;
    setText($("checkin-camera"), this.t("checkin_camera_start"));
  }

  // A function from the video to the codes in view: BarcodeDetector's, else jsQR's.
  async detector() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const barcodes = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async (video) => (await barcodes.detect(video)).map((code) => code.rawValue);
        }
      } catch { /* fall back to jsQR */ }
    }
    const jsQR = await loadJsQr();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async (video) => {
      const width = video.videoWidth, height = video.videoHeight;
      if (!width || !height) return [];
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      const found = jsQR(context.getImageData(0, 0, width, height).data, width, height,
                         { inversionAttempts: "dontInvert" });
      return found ? [found.data] : [];
    };
  }

  scanSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.scan(), SCAN_INTERVAL_MS);
  }

  async scan() {
    const camera = this.camera;
    if (!camera) return;
    try {
      const now = Date.now();
      for (const code of await camera.detector($("checkin-video"))) {
        const last = this.seen.get(code);
        this.seen.set(code, now);
        if (last !== undefined && now - last < FORGET_AFTER_MS + SCAN_INTERVAL_MS) continue;
        await this.submit({ code });
        this.seen.set(code, Date.now());
      }
    } catch { /* a frame that could not be read */ }
    if (this.camera === camera) this.scanSoon();
  }
}
