// The live meeting room in the browser: one socket, one snapshot, the shared timer.
//
// The page works without this module: every control is a form that posts a command and
// comes back. With it, the page joins /ws/room/<meeting>/, receives a snapshot and then
// versioned events, and draws the current step, the timer, who is here, the pairs and the
// round as they change. A missed version or a reconnection asks for a fresh snapshot.
// The timer counts down to the server's deadline, corrected by the clock offset measured
// with ping/pong. Nothing is kept in the browser's storage.
//
// The presenter page (data-room-mode="presenter") uses the same module without controls.

const PING_EVERY_MS = 25_000;
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
const POLL_WHILE_OFFLINE_MS = 15_000;
const TOOL_REFRESH_MS = 20_000;
const AGENDA_DEBOUNCE_MS = 250;
const ONE_MINUTE_MS = 60_000;
// A save sent over the socket and not answered in this long counts as failed (notebook.js
// then says so and tries again).
const WRITE_TIMEOUT_MS = 15_000;
// A socket that has said nothing for this long (not even a pong) is treated as dead:
// a laptop waking from sleep often holds one that will never speak again.
const SILENT_SOCKET_MS = 2 * PING_EVERY_MS + 10_000;
// Closing codes after which reconnecting is pointless: removed from the group, not allowed.
const FINAL_CLOSE_CODES = new Set([4403, 4404, 4410]);
// How the command form's fields travel on the socket (the same names the server reads).
const INT_ARGS = new Set(["minutes", "index", "member", "group", "to"]);
const BOOL_ARGS = new Set(["skipped", "present"]);
const SKIP_FIELDS = new Set(["csrfmiddlewaretoken", "type", "confirm"]);
// Keys whose change means the agenda part of the page is drawn again by the server.
const AGENDA_KEYS = ["steps", "fit", "state", "current", "facilitator"];

/** The difference between the server's clock and this device's, from ping/pong samples. */
class Clock {
  constructor() {
    this.offset = 0;
    this.bestRtt = Infinity;
    this.measured = false;
  }

  /** A first guess from a snapshot's server_now, until a ping has been answered. */
  guess(serverNow) {
    if (this.measured || typeof serverNow !== "number") return;
    this.offset = serverNow - Date.now();
  }

  /** offset = server_now − (t + rtt/2); the sample with the shortest round trip wins. */
  sample(sentAt, serverNow) {
    if (typeof sentAt !== "number" || typeof serverNow !== "number") return;
    const rtt = Date.now() - sentAt;
    if (rtt < 0) return;
    // Older samples grow less trustworthy: let a fresh one win after a while.
    if (rtt <= this.bestRtt * 1.5 || !this.measured) {
      this.bestRtt = Math.min(rtt, this.bestRtt);
      this.offset = serverNow - (sentAt + rtt / 2);
      this.measured = true;
    }
  }

  now() {
    return Date.now() + this.offset;
  }
}

/** A short, soft tone, made on the device (no file to fetch). Off until asked for. */
class SoftSound {
  constructor() {
    this.context = null;
  }

  enable() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return false;
    if (!this.context) this.context = new Context();
    if (this.context.state === "suspended") this.context.resume();
    return true;
  }

  play(frequency = 528, seconds = 0.9) {
    const context = this.context;
    if (!context) return;
    const start = context.currentTime + 0.02;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.08, start + 0.08);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + seconds + 0.05);
  }
}

function fill(template, values) {
  let text = template || "";
  for (const [key, value] of Object.entries(values)) {
    text = text.replaceAll(`__${key}__`, String(value));
  }
  return text;
}

function formatSeconds(total) {
  const seconds = Math.max(0, Math.ceil(total));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

class Room {
  constructor(root) {
    this.root = root;
    this.presenter = root.dataset.roomMode === "presenter";
    this.me = Number(root.dataset.roomMe);
    this.mayTakeOver = root.dataset.roomMayTakeOver === "1";
    this.openLead = root.dataset.roomOpenLead === "1";
    this.timeZone = root.dataset.roomTimeZone || undefined;
    this.language = document.documentElement.lang || undefined;
    const texts = root.querySelector("[data-room-texts]");
    this.texts = texts ? texts.dataset : {};
    this.clock = new Clock();
    this.sound = new SoftSound();
    this.soundOn = false;
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pollTimer = null;
    this.tickTimer = null;
    this.agendaTimer = null;
    this.toolTimer = null;
    this.finished = false;
    this.drawnKeys = {};
    this.announced = { key: "", minute: false, end: false };
    this.writeRef = 0;
    this.writes = new Map();

    try {
      this.snapshot = JSON.parse(root.dataset.roomSnapshot || "null");
    } catch {
      this.snapshot = null;
    }
    root.removeAttribute("data-room-snapshot");

    root.addEventListener("submit", (event) => this.submitted(event));
    // The notebook editors in the steps save over this socket while it is open.
    for (const form of root.querySelectorAll("form[data-room-writing][data-room-key]")) {
      form.roomWrite = (body) => this.write(form, body);
    }
    this.setUpSound();
    this.setUpCopy();
    this.agendaStale = false;
    const agendaDetails = root.querySelector("[data-room-agenda-details]");
    if (agendaDetails) {
      agendaDetails.addEventListener("toggle", () => {
        if (agendaDetails.open && this.agendaStale) {
          this.agendaStale = false;
          this.fetchAgenda();
        }
      });
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.wake();
    });
    window.addEventListener("online", () => this.wake());

    if (this.snapshot) this.draw(null, true);
    this.tick();
    this.connect();
    this.toolTimer = window.setInterval(() => this.refreshTools(true), TOOL_REFRESH_MS);
  }

  /** A word from [data-room-texts]: text("oneMinute") reads data-text-one-minute. */
  text(name) {
    return this.texts[`text${name[0].toUpperCase()}${name.slice(1)}`] || "";
  }

  // --- the connection ---------------------------------------------------------------------

  socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${window.location.host}${this.root.dataset.roomSocket}`;
  }

  connect() {
    if (this.finished) return;
    window.clearTimeout(this.retryTimer);
    let socket;
    try {
      socket = new WebSocket(this.socketUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    if (this.attempt > 0) this.status("reconnecting");
    socket.addEventListener("open", () => {
      // The server sends a fresh snapshot on every connection; no need to ask for one.
      this.lastHeard = Date.now();
      this.ping();
      window.clearInterval(this.pingTimer);
      this.pingTimer = window.setInterval(() => this.ping(), PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => {
      this.lastHeard = Date.now();
      this.received(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.abandonWrites();
      window.clearInterval(this.pingTimer);
      this.root.dataset.roomConnected = "false";
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.finish();
        return;
      }
      this.status("reconnecting");
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.finished) return;
    // Exponential backoff with jitter, so that a room of devices does not return at once.
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
    this.startPolling();
  }

  /** Back from sleep or offline: try at once instead of waiting for the backoff. */
  wake() {
    if (this.finished) return;
    if (this.socket && this.socket.readyState === WebSocket.OPEN && !this.silent()) {
      this.send({ type: "snapshot" });
      return;
    }
    if (this.socket && this.silent()) this.drop();
    if (!this.socket || this.socket.readyState === WebSocket.CLOSED) {
      this.attempt = 0;
      this.connect();
    }
  }

  /** While the socket is down the page still follows the room, more slowly, over HTTP. */
  startPolling() {
    if (this.pollTimer || !this.root.dataset.roomStateUrl) return;
    this.pollTimer = window.setInterval(() => this.poll(), POLL_WHILE_OFFLINE_MS);
  }

  stopPolling() {
    window.clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  async poll() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.stopPolling();
      return;
    }
    try {
      const response = await fetch(this.root.dataset.roomStateUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 404 || response.status === 403) {
        this.finish();
        return;
      }
      if (!response.ok) return;
      const snapshot = await response.json();
      if (!this.snapshot || snapshot.version >= this.snapshot.version) this.replace(snapshot);
    } catch {
      // Still offline; the next poll or the socket will catch up.
    }
  }

  finish() {
    this.finished = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    this.stopPolling();
    this.status("gone");
  }

  status(kind) {
    const box = this.root.querySelector("[data-room-connection]");
    if (!box) return;
    const message = kind === "ok" ? "" : this.text(kind);
    box.textContent = message;
    box.classList.toggle("room-connection--problem", Boolean(message));
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  ping() {
    if (this.silent()) {
      this.drop();
      return;
    }
    this.send({ type: "ping", t: Date.now() });
  }

  silent() {
    return (
      this.socket !== null &&
      this.socket.readyState === WebSocket.OPEN &&
      Date.now() - (this.lastHeard || 0) > SILENT_SOCKET_MS
    );
  }

  /** Give up on a socket that went quiet and start again. */
  drop() {
    const socket = this.socket;
    this.socket = null;
    this.abandonWrites();
    window.clearInterval(this.pingTimer);
    this.root.dataset.roomConnected = "false";
    if (socket) socket.close();
    this.status("reconnecting");
    this.scheduleReconnect();
  }

  received(raw) {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (!message || typeof message !== "object") return;
    switch (message.type) {
      case "snapshot":
        this.clock.guess(message.server_now);
        this.attempt = 0;
        this.stopPolling();
        this.status("ok");
        this.root.dataset.roomConnected = "true";
        this.replace(message.snapshot);
        break;
      case "event":
        this.applyEvent(message);
        break;
      case "pong":
        this.clock.sample(message.t, message.server_now);
        this.tick();
        break;
      case "written":
        this.written(message.ref, message);
        break;
      case "error":
        // A refused save goes again over HTTP, where the notebook's own answer tells why
        // (in the editor's status line, not in the room's error box).
        if (message.command === "write") {
          this.written(message.ref, null);
          break;
        }
        this.showError(message.message || this.text("failed"));
        break;
      case "refresh":
        if (message.what === "tools") this.refreshTools(false);
        break;
      default:
        break;
    }
  }

  applyEvent(message) {
    if (!this.snapshot) {
      this.send({ type: "snapshot" });
      return;
    }
    const version = Number(message.version);
    if (version <= this.snapshot.version) return; // already seen
    if (version !== this.snapshot.version + 1) {
      this.send({ type: "snapshot" }); // missed one: start again from a fresh snapshot
      return;
    }
    const before = this.snapshot;
    this.snapshot = { ...before, ...(message.changes || {}), version };
    this.draw(before, false, Object.keys(message.changes || {}));
  }

  replace(snapshot) {
    if (!snapshot || typeof snapshot !== "object") return;
    const before = this.snapshot;
    this.snapshot = snapshot;
    this.draw(before, false, null);
  }

  // --- writing ----------------------------------------------------------------------------

  /** Save a notebook editor's form over the socket: a promise of the answer (the HTTP
   *  autosave's fields and its status), or of null when it should go over HTTP instead. */
  write(form, body) {
    const key = form.dataset.roomKey;
    if (!key || !this.socket || this.socket.readyState !== WebSocket.OPEN || this.silent()) {
      return Promise.resolve(null);
    }
    const fields = {};
    for (const [name, value] of body.entries()) {
      if (typeof value !== "string" || ["csrfmiddlewaretoken", "action", "version"].includes(name)) continue;
      fields[name] = value;
    }
    const version = Number.parseInt(String(body.get("version") || "0"), 10) || 0;
    this.writeRef += 1;
    const ref = this.writeRef;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => finish({ status: 0 }), WRITE_TIMEOUT_MS);
      const finish = (answer) => {
        window.clearTimeout(timer);
        this.writes.delete(ref);
        resolve(answer);
      };
      this.writes.set(ref, finish);
      if (!this.send({ type: "write", ref, key, version, fields })) finish(null);
    });
  }

  /** The answer to a save; false when no save of this page waits for it. */
  written(ref, answer) {
    const finish = this.writes.get(ref);
    if (!finish) return false;
    finish(answer);
    return true;
  }

  /** The socket went down: saves in flight failed (notebook.js retries them). */
  abandonWrites() {
    for (const finish of [...this.writes.values()]) finish({ status: 0 });
  }

  // --- commands ---------------------------------------------------------------------------

  submitted(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-room-command]")) return;
    const data = new FormData(form);
    const message = { type: String(data.get("type") || "") };
    for (const [name, value] of data.entries()) {
      if (SKIP_FIELDS.has(name)) continue;
      if (INT_ARGS.has(name)) message[name] = Number.parseInt(String(value), 10);
      else if (BOOL_ARGS.has(name)) message[name] = ["1", "true", "yes", "on"].includes(String(value));
      else message[name] = String(value);
    }
    // Without an open socket the form goes to the server the ordinary way.
    if (!this.send(message)) return;
    event.preventDefault();
    this.showError("");
    const confirm = form.querySelector("input[name=confirm]");
    if (confirm) confirm.checked = false;
  }

  showError(message) {
    const box = this.root.querySelector("[data-room-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  // --- drawing ----------------------------------------------------------------------------

  isDriver() {
    return this.snapshot && this.snapshot.facilitator === this.me;
  }

  mayTakeOverNow() {
    const s = this.snapshot;
    if (!s || this.isDriver() || s.state === "ended") return false;
    return this.mayTakeOver || (this.openLead && s.facilitator === null);
  }

  name(id) {
    const person = this.snapshot && this.snapshot.people && this.snapshot.people[String(id)];
    return person ? person.name : this.text("someone");
  }

  list(names) {
    if (names.length < 2) return names.join("");
    try {
      return new Intl.ListFormat(this.language, { type: "conjunction" }).format(names);
    } catch {
      return names.join(", ");
    }
  }

  time(ms) {
    try {
      return new Intl.DateTimeFormat(this.language, {
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: this.timeZone,
      }).format(new Date(ms));
    } catch {
      return new Date(ms).toLocaleTimeString(this.language, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
  }

  /** Draw what changed. `changed` is a list of snapshot keys, or null for everything. */
  draw(before, first, changed = null) {
    const s = this.snapshot;
    const has = (key) => changed === null || changed.includes(key);
    this.root.dataset.roomVersion = String(s.version);
    this.root.dataset.roomState = s.state;
    this.drawVisibility();
    if (has("current") || has("steps") || has("state")) this.drawStep(before, first);
    if (has("facilitator")) this.drawLead(before, first);
    if (has("people") || has("present")) this.drawPresent();
    if (has("pairs") || has("people") || has("present") || has("facilitator")) this.drawPairs();
    if (has("round") || has("people") || has("facilitator")) this.drawRound(before, first);
    if (has("present")) this.drawAttendance();
    if (has("planned_end") || has("state") || has("remaining") || has("steps")) this.drawPlannedEnd();
    if (!first && AGENDA_KEYS.some(has)) this.reloadAgenda();
    if (!first && before && before.state !== s.state) this.announceState(before.state, s.state);
    this.tick();
  }

  drawVisibility() {
    const focused = document.activeElement;
    const s = this.snapshot;
    const driver = this.isDriver();
    const roles = {
      driver,
      other: !driver,
      taker: this.mayTakeOverNow(),
      speaker: Boolean(s.round && s.round.current === this.me),
    };
    const conditions = {
      pairs: Array.isArray(s.pairs) && s.pairs.length > 0,
      round: Boolean(s.round),
    };
    for (const element of this.root.querySelectorAll("[data-room-when], [data-room-role], [data-room-if]")) {
      const when = element.dataset.roomWhen;
      const role = element.dataset.roomRole;
      const condition = element.dataset.roomIf;
      const visible =
        (!when || when.split(" ").includes(s.state)) &&
        (!role || Boolean(roles[role])) &&
        (!condition || Boolean(conditions[condition]));
      element.hidden = !visible;
    }
    if (focused && focused !== document.body && this.root.contains(focused) && focused.closest("[hidden]")) {
      this.keepFocus(focused);
    }
  }

  /** The button just pressed was hidden by what it did: focus its counterpart, or the step. */
  keepFocus(lost) {
    const counterpart = { pause: "resume", resume: "pause", start: "next", "take-over": "next" };
    const name = lost.dataset ? lost.dataset.roomControl : undefined;
    const candidates = [
      name && counterpart[name] ? this.root.querySelector(`[data-room-control="${counterpart[name]}"]`) : null,
      this.root.querySelector("#room-step-title"),
      this.root.querySelector("[data-room-when=ended] h2"),
      this.root.querySelector("h1"),
    ];
    for (const target of candidates) {
      if (target && !target.closest("[hidden]")) {
        if (!target.matches("button, a, input, select, textarea") && !target.hasAttribute("tabindex")) {
          target.tabIndex = -1;
        }
        target.focus();
        return;
      }
    }
  }

  section(id) {
    const steps = this.root.querySelector("[data-room-steps]");
    if (!steps || !id) return null;
    let found = null;
    for (const section of steps.querySelectorAll("section[data-step]")) {
      if (section.dataset.step === id) found = section;
    }
    if (found) return found;
    // A step the page has never seen (a break added later): drawn from the blank step.
    const template = this.root.querySelector("template[data-room-template=step]");
    const step = (this.snapshot.steps || []).find((item) => item.id === id);
    if (!template || !step) return null;
    const clone = template.content.firstElementChild.cloneNode(true);
    clone.dataset.step = id;
    clone.dataset.roomKind = step.kind;
    if (step.kind === "break" && clone.dataset.roomBreakTitle) {
      clone.dataset.roomTitle = clone.dataset.roomBreakTitle;
      clone.dataset.roomLabel = clone.dataset.roomBreakTitle;
      const text = clone.querySelector("[data-room-break-text]");
      if (text) text.hidden = false;
    }
    steps.append(clone);
    return clone;
  }

  /** A step's title, with how people work in it for a task ("Set goals · In pairs"). */
  labelOf(id) {
    const section = this.section(id);
    return section ? section.dataset.roomLabel : this.text("step");
  }

  drawStep(before, first) {
    const s = this.snapshot;
    const current = s.state === "running" || s.state === "paused" ? s.current : null;
    const steps = this.root.querySelector("[data-room-steps]");
    const section = this.section(current);
    if (steps) {
      for (const item of steps.querySelectorAll("section[data-step]")) {
        item.hidden = item !== section;
      }
    }
    const title = this.root.querySelector("#room-step-title");
    if (title) title.textContent = section ? section.dataset.roomTitle : "";
    const mode = this.root.querySelector("[data-room-mode-name]");
    if (mode) {
      const name = section ? section.dataset.roomModeName : "";
      mode.textContent = name ? ` · ${name}` : "";
    }
    const next = this.root.querySelector("[data-room-next]");
    if (next) {
      const upcoming = this.nextStep(current);
      next.textContent = upcoming
        ? fill(this.text("next"), { TITLE: this.labelOf(upcoming.id) })
        : this.text("last");
    }
    if (!first && before && before.current !== current && current) {
      this.say(fill(this.text("now"), { TITLE: section ? section.dataset.roomLabel : "" }));
      this.refreshTools(false);
    }
  }

  nextStep(current) {
    const steps = this.snapshot.steps || [];
    const index = steps.findIndex((step) => step.id === current);
    return steps.slice(index + 1).find((step) => !step.skipped) || null;
  }

  drawLead(before, first) {
    const s = this.snapshot;
    const line = this.root.querySelector("[data-room-led-by]");
    if (line) {
      if (this.isDriver()) line.textContent = this.text("ledByYou");
      else if (s.facilitator !== null && s.facilitator !== undefined)
        line.textContent = fill(this.text("ledBy"), { NAME: this.name(s.facilitator) });
      else line.textContent = this.text("ledByNobody");
    }
    if (!first && before && before.facilitator !== s.facilitator && this.isDriver()) {
      this.say(this.text("youLead"));
    }
  }

  drawPresent() {
    const s = this.snapshot;
    const present = s.present || [];
    for (const count of this.root.querySelectorAll("[data-room-present-count]")) {
      count.textContent = `(${present.length})`;
    }
    for (const list of this.root.querySelectorAll("[data-room-present-list]")) {
      list.replaceChildren();
      if (!present.length) {
        const item = document.createElement("li");
        item.className = "room-muted";
        item.textContent = this.text("nobodyHere");
        list.append(item);
      }
      for (const id of present) {
        const item = document.createElement("li");
        const person = s.people && s.people[String(id)];
        item.textContent = this.name(id) + (person && person.guide ? ` (${this.text("guide")})` : "");
        list.append(item);
      }
    }
  }

  drawPairs() {
    const box = this.root.querySelector("#room-pairs");
    if (!box) return;
    const s = this.snapshot;
    const pairs = Array.isArray(s.pairs) ? s.pairs : [];
    const key = JSON.stringify([pairs, s.people]);
    if (this.drawnKeys.pairs === key) return;
    this.drawnKeys.pairs = key;

    const mine = box.querySelector("[data-room-my-pair]");
    if (mine) {
      const group = pairs.find((members) => members.includes(this.me));
      const others = group ? group.filter((id) => id !== this.me).map((id) => this.name(id)) : [];
      if (!group) mine.textContent = "";
      else if (others.length === 1) mine.textContent = fill(this.text("partner"), { NAME: others[0] });
      else if (others.length > 1) mine.textContent = fill(this.text("partners"), { NAMES: this.list(others) });
      else mine.textContent = this.text("noPartner");
    }
    const list = box.querySelector("[data-room-pair-list]");
    if (list) {
      list.replaceChildren(
        ...pairs.map((members) => {
          const item = document.createElement("li");
          item.textContent = this.list(members.map((id) => this.name(id)));
          return item;
        }),
      );
    }
    const text = box.querySelector("[data-room-pairs-text]");
    if (text) {
      text.value = pairs
        .map((members, index) =>
          fill(this.text("pairsRoom"), {
            NUMBER: index + 1,
            NAMES: members.map((id) => this.name(id)).join(", "),
          }),
        )
        .join("\n");
    }
    const who = box.querySelector("[data-room-move-member]");
    const where = box.querySelector("[data-room-move-group]");
    if (who && where) {
      const chosen = who.value;
      who.replaceChildren(
        ...pairs.flat().map((id) => new Option(this.name(id), String(id), false, String(id) === chosen)),
      );
      const target = where.value;
      where.replaceChildren(
        ...pairs.map(
          (_members, index) =>
            new Option(fill(this.text("pairOption"), { NUMBER: index + 1 }), String(index), false, String(index) === target),
        ),
        new Option(this.text("newPair"), "-1", false, target === "-1"),
      );
    }
  }

  drawRound(before, first) {
    const box = this.root.querySelector("[data-room-if=round]");
    const s = this.snapshot;
    const round = s.round;
    if (!box || !round) return;
    const order = round.order || [];
    const passed = new Set(round.passed || []);
    const done = new Set(round.done || []);
    const current = round.current;
    const start = order.indexOf(current) + 1;
    const next = order.slice(start).find((id) => !passed.has(id) && !done.has(id) && id !== current);
    const speaking = box.querySelector("[data-room-speaking]");
    if (speaking) speaking.textContent = current !== null && current !== undefined ? this.name(current) : this.text("nobody");
    const following = box.querySelector("[data-room-speaking-next]");
    if (following) following.textContent = next !== undefined ? this.name(next) : this.text("nobody");
    const over = box.querySelector("[data-room-round-over]");
    if (over) over.hidden = current !== null && current !== undefined;
    const list = box.querySelector("[data-room-round-order]");
    if (list) {
      list.replaceChildren(
        ...order.map((id) => {
          const state = id === current ? "now" : passed.has(id) ? "passed" : done.has(id) ? "done" : "waiting";
          const item = document.createElement("li");
          item.className = `room-round__person room-round__person--${state}`;
          item.textContent = this.name(id);
          const label = { now: "roundNow", passed: "roundPassed", done: "roundDone" }[state];
          if (label) {
            const note = document.createElement("span");
            note.className = "room-round__state";
            note.textContent = ` (${this.text(label)})`;
            item.append(note);
          }
          return item;
        }),
      );
    }
    const wasMine = before && before.round && before.round.current === this.me;
    if (!first && !this.presenter && current === this.me && !wasMine) this.say(this.text("yourTurn"));
  }

  drawAttendance() {
    const present = new Set(this.snapshot.present || []);
    for (const row of this.root.querySelectorAll("[data-room-attendance]")) {
      const state = row.querySelector("[data-room-attendance-state]");
      if (state) state.textContent = present.has(Number(row.dataset.roomAttendance)) ? this.text("here") : this.text("notHere");
    }
  }

  drawPlannedEnd() {
    const s = this.snapshot;
    const line = this.root.querySelector("[data-room-planned-end]");
    if (!line) return;
    let end = s.planned_end;
    if (s.state === "paused" && typeof s.remaining === "number") {
      // Not fixed while paused: the rest of the step and the steps after it, from now.
      const rest = (s.steps || [])
        .slice((s.steps || []).findIndex((step) => step.id === s.current) + 1)
        .filter((step) => !step.skipped)
        .reduce((sum, step) => sum + step.minutes, 0);
      end = this.clock.now() + (s.remaining + rest * 60) * 1000;
    }
    if (!end || s.state === "ended") {
      line.hidden = true;
      return;
    }
    line.hidden = false;
    line.textContent = fill(this.text("plannedEnd"), { TIME: this.time(end) });
  }

  announceState(was, state) {
    if (state === "running") this.say(this.text(was === "paused" ? "resumed" : "started"));
    else if (state === "paused") this.say(this.text("paused"));
    else if (state === "ended") this.say(this.text("ended"));
  }

  /** Polite announcements for screen readers; `urgent` ones interrupt. */
  say(message, urgent = false) {
    const region = this.root.querySelector(urgent ? "[data-room-say-now]" : "[data-room-say]");
    if (!region || !message) return;
    region.textContent = "";
    // A fresh node is announced even when the words repeat.
    window.setTimeout(() => {
      region.textContent = message;
    }, 50);
  }

  // --- the timer --------------------------------------------------------------------------

  remainingMs() {
    const s = this.snapshot;
    if (!s) return null;
    if (s.state === "running" && typeof s.deadline === "number") return s.deadline - this.clock.now();
    if (s.state === "paused" && typeof s.remaining === "number") return s.remaining * 1000;
    return null;
  }

  tick() {
    window.clearTimeout(this.tickTimer);
    const timer = this.root.querySelector("#room-timer");
    const note = this.root.querySelector("[data-room-timer-note]");
    const left = this.remainingMs();
    const s = this.snapshot;
    if (timer) timer.textContent = left === null ? "–:––" : formatSeconds(left / 1000);
    const box = this.root.querySelector("[data-room-timer-box]");
    if (box) {
      box.classList.toggle("room-timer--last-minute", left !== null && left > 0 && left <= ONE_MINUTE_MS);
      box.classList.toggle("room-timer--over", left !== null && left <= 0);
    }
    if (note && s) {
      if (s.state === "paused") note.textContent = this.text("paused");
      else if (left !== null && left <= 0) note.textContent = this.text("timeUp");
      else if (left !== null && left <= ONE_MINUTE_MS) note.textContent = this.text("oneMinute");
      else note.textContent = "";
    }
    if (s && s.state === "running" && left !== null) {
      this.announceTime(left);
      // Wake just after the next whole second, so the display never skips or stalls.
      const wait = ((left % 1000) + 1000) % 1000 || 1000;
      this.tickTimer = window.setTimeout(() => this.tick(), wait + 20);
    }
  }

  announceTime(left) {
    const s = this.snapshot;
    const key = `${s.current}|${s.deadline}`;
    if (this.announced.key !== key) {
      // A new step, or time added: announce again only what is still ahead.
      this.announced = { key, minute: left <= ONE_MINUTE_MS, end: left <= 0 };
      return;
    }
    if (!this.announced.minute && left <= ONE_MINUTE_MS && left > 0) {
      this.announced.minute = true;
      this.say(this.text("oneMinute"));
      if (this.soundOn) this.sound.play(528, 0.8);
    }
    if (!this.announced.end && left <= 0) {
      this.announced.end = true;
      this.announced.minute = true;
      this.say(this.text("timeUp"), true);
      if (this.soundOn) {
        this.sound.play(440, 1.2);
      }
    }
  }

  setUpSound() {
    const button = this.root.querySelector("[data-room-sound]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      if (on && !this.sound.enable()) return;
      this.soundOn = on;
      button.setAttribute("aria-pressed", String(on));
    });
  }

  setUpCopy() {
    const button = this.root.querySelector("[data-room-copy]");
    const text = this.root.querySelector("[data-room-pairs-text]");
    const status = this.root.querySelector("[data-room-copy-status]");
    if (!button || !text) return;
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text.value);
        if (status) status.textContent = this.text("copied");
      } catch {
        text.select();
        if (status) status.textContent = this.text("copyFailed");
      }
    });
  }

  // --- parts fetched again from the server --------------------------------------------------

  reloadAgenda() {
    if (!this.root.querySelector("[data-room-agenda]")) return;
    const details = this.root.querySelector("[data-room-agenda-details]");
    if (details && !details.open) {
      // Folded away: fetched when someone opens it, not at every step for everyone.
      this.agendaStale = true;
      return;
    }
    window.clearTimeout(this.agendaTimer);
    this.agendaTimer = window.setTimeout(() => this.fetchAgenda(), AGENDA_DEBOUNCE_MS);
  }

  async fetchAgenda() {
    const box = this.root.querySelector("[data-room-agenda]");
    const url = this.root.dataset.roomAgendaUrl;
    if (!box || !url) return;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const html = await response.text();
      const focused = document.activeElement;
      const focusKey = focused && box.contains(focused) ? focused.dataset.roomFocus : null;
      box.innerHTML = html;
      if (focusKey) {
        const again = box.querySelector(`[data-room-focus="${CSS.escape(focusKey)}"]`);
        const target = again && !again.disabled ? again : box.querySelector("[data-room-fit], button");
        if (target) {
          if (!target.hasAttribute("tabindex") && target.matches("[data-room-fit]")) target.tabIndex = -1;
          target.focus();
        }
      }
    } catch {
      // The next change or reconnection draws it again.
    }
  }

  /** The planning tools in the steps: all of them on a "refresh", else the current one. */
  async refreshTools(currentOnly) {
    if (this.presenter) return;
    const s = this.snapshot;
    let panels = [...this.root.querySelectorAll("[data-room-tool]")];
    if (currentOnly) {
      if (!s || s.state !== "running" || document.visibilityState !== "visible") return;
      panels = panels.filter((panel) => {
        const section = panel.closest("section[data-step]");
        return section && !section.hidden;
      });
    }
    const fetched = new Map();
    for (const panel of panels) {
      const url = panel.dataset.roomToolUrl;
      if (!url) continue;
      try {
        if (!fetched.has(url)) {
          fetched.set(
            url,
            fetch(url, { credentials: "same-origin" }).then((response) => (response.ok ? response.text() : null)),
          );
        }
        const html = await fetched.get(url);
        if (html !== null && panel.innerHTML !== html && !panel.contains(document.activeElement)) {
          panel.innerHTML = html;
        }
      } catch {
        // Shown again at the next refresh.
      }
    }
  }
}

for (const root of document.querySelectorAll("[data-room]")) {
  new Room(root);
}
