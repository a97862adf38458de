// The notebook's editors with JavaScript: save on the server as the member types.
//
// Every editor is a plain form that works without this module. With it, changes are sent
// ~800 ms after typing stops; a failed save keeps the text, says so and retries; a page
// changed on another device (409) stops the autosave and asks what to keep. Nothing the
// member writes is kept in the browser's storage.
//
// Several editors can share a page (the meeting room has one per step that is written
// in): each one looks for its conflict box, picture, preview and sharing section inside
// its nearest [data-notebook-scope], and in the whole page only when it has none.

const DEBOUNCE_MS = 800;
const RETRY_MS = [2000, 5000, 10000, 20000, 30000];

class NotebookEditor {
  constructor(form) {
    this.form = form;
    const scope = form.closest("[data-notebook-scope]") || document;
    this.status = form.querySelector("[data-notebook-status]");
    this.version = form.querySelector("[data-notebook-version]");
    this.errorBox = form.querySelector("[data-notebook-errors]");
    this.conflictBox = scope.querySelector("[data-notebook-conflict]");
    this.picture = scope.querySelector("[data-notebook-picture]");
    // Not form.action: the buttons named "action" would shadow it.
    this.url = form.getAttribute("action") || window.location.pathname;
    this.preview = scope.querySelector("[data-notebook-preview]");
    this.sharing = scope.querySelector("[data-notebook-sharing]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    // CSRF_COOKIE_HTTPONLY is on: the token comes from the form, never from the cookie.
    this.csrfToken = token ? token.value : "";
    this.timer = null;
    this.inFlight = false;
    this.dirty = false;
    this.again = false;
    this.inConflict = false;
    this.newerVersion = null;
    this.retries = 0;

    form.addEventListener("input", () => this.changed());
    form.addEventListener("change", () => this.changed());
    form.addEventListener("submit", (event) => this.submitted(event));
    window.addEventListener("beforeunload", (event) => {
      if (this.dirty || this.inFlight) {
        event.preventDefault();
        event.returnValue = this.text("leave");
      }
    });
    const keep = this.conflictBox && this.conflictBox.querySelector("[data-notebook-keep-mine]");
    if (keep) keep.addEventListener("click", () => this.keepMine());
  }

  text(name) {
    return (this.status && this.status.dataset["text" + name[0].toUpperCase() + name.slice(1)]) || "";
  }

  say(message, kind) {
    if (!this.status) return;
    this.status.textContent = message;
    this.status.classList.toggle("nb-status--problem", kind === "problem");
    this.status.classList.toggle("nb-status--saved", kind === "saved");
  }

  changed() {
    this.dirty = true;
    if (this.inConflict) return;
    this.say(this.text("unsaved"));
    this.schedule(DEBOUNCE_MS);
  }

  schedule(delay) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.save(), delay);
  }

  submitted(event) {
    const action = (event.submitter && event.submitter.value) || "save";
    event.preventDefault();
    if (action.startsWith("add:")) {
      this.addRow(action.slice(4));
    } else if (action.startsWith("remove:")) {
      this.removeRow(event.submitter);
    } else {
      this.save();
    }
  }

  addRow(listName) {
    const list = this.form.querySelector(`[data-notebook-list="${CSS.escape(listName)}"]`);
    if (!list) return;
    const rows = list.querySelector("[data-notebook-rows]");
    const template = list.querySelector("template[data-notebook-row-template]");
    const max = Number(list.dataset.maxItems || "0");
    const count = rows.querySelectorAll("[data-notebook-row]").length;
    if (max && count >= max) {
      this.showErrors({ [listName]: [this.text("full")] }, this.text("full"));
      return;
    }
    let next = 0;
    for (const field of rows.querySelectorAll("[name]")) {
      const match = field.name.match(/^[a-z_]+-(\d+)-/);
      if (match) next = Math.max(next, Number(match[1]) + 1);
    }
    const html = template.innerHTML
      .replaceAll("__INDEX__", String(next))
      .replaceAll("__NUMBER__", String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    const added = rows.lastElementChild;
    const first = added && added.querySelector("input, select, textarea");
    if (first) first.focus();
    const legend = added && added.querySelector("legend");
    this.say(`${this.text("added")} ${legend ? legend.textContent.trim() : ""}`.trim());
  }

  removeRow(button) {
    const row = button.closest("[data-notebook-row]");
    if (!row) return;
    const sibling = row.nextElementSibling || row.previousElementSibling;
    const list = row.closest("[data-notebook-list]");
    row.remove();
    const target =
      (sibling && sibling.querySelector("input, select, textarea")) ||
      (list && list.querySelector("[data-notebook-add]"));
    if (target) target.focus();
    this.dirty = true;
    this.say(this.text("removed"));
    this.save();
  }

  async save() {
    window.clearTimeout(this.timer);
    if (this.inConflict) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.dirty = false;
    this.say(this.text("saving"));
    const body = new FormData(this.form);
    body.set("action", "save");
    let response = null;
    let data = null;
    try {
      // In the meeting room the save goes over the room's socket when it is open (room.js
      // sets form.roomWrite); its answer has the same fields. null: send it over HTTP.
      const viaRoom = this.form.roomWrite ? await this.form.roomWrite(body) : null;
      if (viaRoom) {
        response = { ok: viaRoom.status === 200, status: viaRoom.status };
        data = viaRoom;
      } else {
        response = await fetch(this.url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: {
            "X-CSRFToken": this.csrfToken,
            "X-Notebook-Autosave": "1",
            Accept: "application/json",
          },
        });
        data = await response.json();
      }
    } catch {
      data = null;
    }
    this.inFlight = false;
    if (response && response.ok && data && data.ok) {
      this.saved(data);
    } else if (response && response.status === 409 && data && data.conflict) {
      this.dirty = true;
      this.showConflict(data);
    } else if (response && response.status === 400 && data && data.errors) {
      this.dirty = true;
      this.showErrors(data.errors, data.message || this.text("invalid"));
    } else {
      this.dirty = true;
      this.failed();
    }
  }

  saved(data) {
    this.retries = 0;
    this.version.value = String(data.version);
    this.clearErrors();
    if (this.picture && data.picture) this.picture.innerHTML = data.picture;
    if (this.preview && data.preview) this.preview.innerHTML = data.preview;
    // Redrawn only when it changed, so that a focused link in it keeps the focus.
    if (this.sharing && typeof data.sharing === "string" && data.sharing !== this.lastSharing) {
      if (this.lastSharing !== undefined || !this.sharing.querySelector("section")) {
        this.sharing.innerHTML = data.sharing;
      }
      this.lastSharing = data.sharing;
    }
    const when = new Date(data.saved_at).toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
    if (this.again || this.dirty) {
      this.again = false;
      this.schedule(DEBOUNCE_MS);
      this.say(this.text("unsaved"));
    } else {
      this.say(`${this.text("saved")} ${when}.`, "saved");
    }
  }

  failed() {
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
    this.retries += 1;
    this.say(this.text("failed"), "problem");
    this.schedule(delay);
  }

  showConflict(data) {
    this.inConflict = true;
    this.newerVersion = data.version;
    window.clearTimeout(this.timer);
    this.say(this.text("conflict"), "problem");
    if (!this.conflictBox) return;
    const newer = this.conflictBox.querySelector("[data-notebook-newer]");
    if (newer) newer.innerHTML = data.newer_html || "";
    this.conflictBox.hidden = false;
    this.conflictBox.scrollIntoView({ block: "nearest" });
  }

  keepMine() {
    if (this.newerVersion === null) return;
    // Deliberately saving over the other device's version, which the member has seen.
    this.version.value = String(this.newerVersion);
    this.inConflict = false;
    this.newerVersion = null;
    if (this.conflictBox) this.conflictBox.hidden = true;
    this.save();
  }

  clearErrors() {
    for (const message of this.form.querySelectorAll("[data-js-error]")) message.remove();
    for (const field of this.form.querySelectorAll("[aria-invalid=true]")) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
      const wrapper = field.closest(".field");
      if (wrapper) wrapper.classList.remove("field--error");
    }
    for (const message of this.form.querySelectorAll(".field__error")) message.remove();
    if (this.errorBox) {
      this.errorBox.hidden = true;
      this.errorBox.textContent = "";
    }
  }

  showErrors(errors, summary) {
    this.clearErrors();
    const general = [];
    for (const [name, messages] of Object.entries(errors)) {
      const field = this.form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (!field) {
        general.push(...messages);
        continue;
      }
      const message = document.createElement("p");
      message.className = "field__error";
      message.dataset.jsError = "";
      message.id = `${field.id || name}_error`;
      message.textContent = messages.join(" ");
      const wrapper = field.closest(".field") || field.parentElement;
      wrapper.classList.add("field--error");
      wrapper.append(message);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", message.id);
    }
    if (this.errorBox) {
      this.errorBox.hidden = false;
      for (const text of [summary, ...general]) {
        const paragraph = document.createElement("p");
        paragraph.textContent = text;
        this.errorBox.append(paragraph);
      }
    }
    this.say(summary, "problem");
  }
}

const started = new WeakSet();

/** Start the autosave of every editor form under `root` that has not been started yet. */
export function initNotebookEditors(root = document) {
  for (const form of root.querySelectorAll("form[data-notebook-editor]")) {
    if (started.has(form)) continue;
    started.add(form);
    new NotebookEditor(form);
  }
}

initNotebookEditors();
