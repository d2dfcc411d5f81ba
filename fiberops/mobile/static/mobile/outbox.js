/* The outbox (issue 7, offline): every write of the app goes through Outbox.send(action).
   1. The tap gets an Idempotency-Key and the device time (occurred_at, ISO 8601 with offset).
   2. The action is stored in IndexedDB before anything is sent: a dropped signal loses nothing.
   3. Stored actions are sent strictly in order, one at a time. A network error or a 5xx stops
      the run (retried on `online`, on page load and every 30 s); 401 (signed out) too.
      2xx removes the action (a replay answers 2xx with Idempotent-Replayed: true);
      any other 4xx moves it to the refused list, shown until the technician dismisses it. */
"use strict";
(function () {
  const DB_NAME = "fiberops-mobile";
  const OUTBOX = "outbox";
  const REFUSED = "refused";
  const RETRY_MS = 30000;
  let database = null;
  let running = null; // the promise of the current run
  let again = false;
  let signedOut = false;
  const listeners = [];

  function open() {
    if (database) return database;
    database = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(OUTBOX, { keyPath: "seq", autoIncrement: true });
        request.result.createObjectStore(REFUSED, { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  }

  async function run(stores, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      let result;
      Promise.resolve(work(tx)).then((value) => { result = value; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  function asPromise(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  const all = (store) => run([store], "readonly", (tx) => asPromise(tx.objectStore(store).getAll()));

  async function first() {
    return run([OUTBOX], "readonly", (tx) =>
      asPromise(tx.objectStore(OUTBOX).openCursor()).then((cursor) => (cursor ? cursor.value : null)));
  }

  /** The device's time with its UTC offset, e.g. 2026-11-29T09:05:00.123+08:00. */
  function deviceTime(date) {
    const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");
    const offset = -date.getTimezoneOffset();
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `.${pad(date.getMilliseconds(), 3)}${offset < 0 ? "-" : "+"}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // Plain-HTTP pages (a LAN demo) have no randomUUID; the same version-4 layout by hand.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function emit(event) {
    for (const listener of listeners) listener(event);
  }

  /** Post one write now (used by the outbox, and directly by the few writes that need the
      network and must never be stored: the call and the reveal of a phone number). JSON, or
      multipart/form-data when `multipart` (a photo: its Blob was kept in IndexedDB as it is). */
  function post(path, body, key, multipart = false) {
    const headers = { Accept: "application/json", "Idempotency-Key": key || newKey(), "X-CSRFToken": csrfToken() };
    let payload;
    if (multipart) {
      payload = new FormData();
      for (const [name, value] of Object.entries(body)) {
        if (value instanceof Blob) payload.append(name, value, value.name || `${name}.jpg`);
        else if (value !== undefined && value !== null) payload.append(name, String(value));
      }
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(path, { method: "POST", credentials: "same-origin", headers, body: payload });
  }

  async function errorOf(response) {
    try {
      const body = await response.json();
      if (body && body.error) return body.error;
    } catch (ignored) { /* not JSON: a proxy's page */ }
    return { code: `http_${response.status}`, message: `HTTP ${response.status}` };
  }

  /** Send the stored actions in order until the outbox is empty or the network fails. A call
      during a run asks for another pass and shares the run's promise. */
  function flush() {
    if (running) { again = true; return running; }
    running = drain().finally(() => { running = null; emit({ type: "changed" }); });
    return running;
  }

  async function drain() {
    do {
      again = false;
      for (;;) {
        const item = await first();
        if (!item) break;
        let response;
        try {
          response = await post(item.path, item.body, item.key, item.multipart);
        } catch (networkError) {
          return; // no signal: keep it, retried on `online`, on load and every 30 s
        }
        if (response.ok) {
          const data = await response.json().catch(() => null);
          await run([OUTBOX], "readwrite", (tx) => tx.objectStore(OUTBOX).delete(item.seq));
          signedOut = false;
          emit({ type: "applied", item, data, replayed: response.headers.get("Idempotent-Replayed") === "true" });
        } else if (response.status >= 500 || response.status === 401 || response.status === 429) {
          signedOut = response.status === 401;
          emit({ type: "changed" });
          return; // the server's trouble or an expired sign-in: keep it and try again later
        } else {
          const error = await errorOf(response);
          const refused = { ...item, status: response.status, error, refused_at: deviceTime(new Date()) };
          await run([OUTBOX, REFUSED], "readwrite", (tx) => {
            tx.objectStore(OUTBOX).delete(item.seq);
            tx.objectStore(REFUSED).put(refused);
          });
          emit({ type: "refused", item: refused });
        }
      }
    } while (again);
  }

  /** Record a write the technician just made and start sending. `action`: {path, body, orderId,
      orderNo, verb, label, multipart?}. Resolves with the stored item once it is safe in IndexedDB. */
  async function send(action) {
    const occurredAt = deviceTime(new Date());
    const item = {
      key: newKey(),
      occurred_at: occurredAt,
      path: action.path,
      body: { ...action.body, occurred_at: occurredAt },
      orderId: action.orderId,
      orderNo: action.orderNo,
      verb: action.verb,
      label: action.label,
      multipart: Boolean(action.multipart),
    };
    item.seq = await run([OUTBOX], "readwrite", (tx) => asPromise(tx.objectStore(OUTBOX).add(item)));
    emit({ type: "changed" });
    flush();
    return item;
  }

  async function dismiss(key) {
    await run([REFUSED], "readwrite", (tx) => tx.objectStore(REFUSED).delete(key));
    emit({ type: "changed" });
  }

  window.Outbox = {
    send,
    flush,
    post,
    dismiss,
    deviceTime,
    newKey,
    waiting: () => all(OUTBOX),
    refused: () => all(REFUSED),
    isSignedOut: () => signedOut,
    on: (listener) => listeners.push(listener),
  };
  window.addEventListener("online", flush);
  window.addEventListener("load", flush);
  setInterval(flush, RETRY_MS);
})();
