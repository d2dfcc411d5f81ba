/* 掌上装维: the technician's phone app (issue 7). Vanilla JS, no build step. Reads go through the
   JSON API (the service worker keeps the last answer for offline display); every write goes
   through Outbox.send (outbox.js). Texts: strings.js. Times are shown in Asia/Shanghai. */
"use strict";
(function () {
  const script = document.currentScript;
  const API = script.dataset.api;
  const LOGIN = script.dataset.login;
  const API_CACHE = "fiberops-api";
  /** Statuses in which the order is the technician's (a phone may be revealed, R-CUS-5). */
  const OPEN = ["dispatched", "accepted", "appointed", "en_route", "on_site"];
  /** Where a lifecycle verb leads, to show the next buttons while it waits to be sent. */
  const LEADS_TO = {
    accept: "accepted", appoint: "appointed", reschedule: "appointed", depart: "en_route",
    arrive: "on_site", "leave-note": "accepted", complete: "completed", rework: "on_site",
    return: "returned", handover: "handed_over",
  };
  /** The lifecycle buttons by status while an action waits (the server's table decides later). */
  const NEXT = {
    dispatched: ["accept", "return"], accepted: ["appoint", "depart", "return"],
    appointed: ["appoint", "depart", "return"], en_route: ["arrive", "return"],
    on_site: ["complete", "leave_site", "return"], completed: ["rework"],
  };

  const state = {
    queue: null, orders: new Map(), staleSince: null, skewMs: 0, waiting: [], refused: [],
    revealed: new Map(), noteLeft: new Set(), signedOut: false, timeline: null,
  };
  const $ = (selector) => document.querySelector(selector);
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  // ---- time -----------------------------------------------------------------------------------
  const shortFormat = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const isoParts = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const when = (iso) => (iso ? shortFormat.format(new Date(iso)) : T.none);
  const hm = (iso) => (iso ? isoParts.format(new Date(iso)).slice(11, 16) : T.none);
  /** Now by the server's clock (its Date header), so a countdown does not trust the phone's. */
  const serverNow = () => Date.now() + state.skewMs;
  function shanghai(ms) {
    const [date, time] = isoParts.format(new Date(ms)).split(" ");
    return { date, time };
  }
  const atShanghai = (date, time) => `${date}T${time}:00+08:00`;
  /** A time of day (Shanghai) as the next such moment from `fromMs` (now by default; an hour of
      slack), within the coming day. */
  function upcoming(time, fromMs = serverNow()) {
    let iso = atShanghai(shanghai(fromMs).date, time);
    if (Date.parse(iso) < fromMs - 3600e3) iso = atShanghai(shanghai(fromMs + 86400e3).date, time);
    return iso;
  }
  const windowText = (appointment) =>
    `${when(appointment.starts_at)}–${hm(appointment.ends_at)}`;

  // ---- reads ----------------------------------------------------------------------------------
  async function read(path) {
    let response;
    try {
      response = await fetch(API + path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (networkError) {
      throw { offline: true };
    }
    const cached = response.headers.get("X-Fiberops-Offline");
    if (cached) {
      state.staleSince = response.headers.get("X-Fiberops-Stored-At") || "";
    } else {
      state.staleSince = null;
      const date = Date.parse(response.headers.get("Date") || "");
      const skew = date - Date.now();
      // The Date header has whole seconds: small differences are rounding, not a wrong clock.
      if (!Number.isNaN(skew)) state.skewMs = Math.abs(skew) > 5000 ? skew : 0;
    }
    if (response.status === 401) {
      state.signedOut = true;
      throw { signedOut: true };
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw { status: response.status, error: body && body.error };
    return body;
  }

  /** Keep an order the server sent after a write in the offline copy of the reads. Masked data
      only: a write's answer is the order JSON, never a revealed phone. */
  async function remember(order) {
    state.orders.set(order.id, order);
    if (state.queue) {
      const index = state.queue.findIndex((o) => o.id === order.id);
      if (index >= 0) state.queue[index] = order;
    }
    if (!window.caches) return;
    const cache = await caches.open(API_CACHE);
    const headers = { "Content-Type": "application/json", "X-Fiberops-Stored-At": new Date().toISOString() };
    await cache.put(`${API}work-orders/${order.id}/`, new Response(JSON.stringify(order), { headers }));
    if (state.queue) await cache.put(`${API}me/queue/`, new Response(JSON.stringify(state.queue), { headers }));
  }

  // ---- the header: network, waiting actions, refusals -----------------------------------------
  async function refreshOutbox() {
    state.waiting = await Outbox.waiting();
    state.refused = await Outbox.refused();
    const sync = $("#sync");
    sync.hidden = state.waiting.length === 0;
    sync.textContent = fill(T.pending, { n: state.waiting.length });
    $("#net").hidden = navigator.onLine;
    const refused = $("#refused");
    refused.hidden = state.refused.length === 0 && !Outbox.isSignedOut();
    refused.innerHTML =
      (Outbox.isSignedOut() ? `<p class="signin">${esc(T.signInAgain)} <a href="${esc(LOGIN)}">${esc(T.signIn)}</a></p>` : "") +
      (state.refused.length ? `<h2>${esc(T.refusedTitle)}</h2>` : "") +
      state.refused.map((item) => `<div class="refusal">
        <p><b>${esc(fill(T.refusedWhat, { label: item.label, order: item.orderNo || orderName(item.orderId), time: hm(item.occurred_at) }))}</b></p>
        <p class="message">${esc(errorText(item.error))}</p>
        <button class="small" data-dismiss="${esc(item.key)}">${esc(T.dismiss)}</button></div>`).join("");
  }

  /** The server's refusal in words: its message, then what it said of each field. */
  function errorText(error) {
    if (!error) return "";
    const details = Object.values(error.fields || {}).flat();
    return details.length ? `${error.message}（${details.join("；")}）` : error.message;
  }

  function orderName(id) {
    const order = state.orders.get(id) || (state.queue || []).find((o) => o.id === id);
    return order ? order.bss_order_no : `#${id}`;
  }

  let toastTimer = null;
  function toast(text) {
    if (!text) return;
    const element = $("#toast");
    element.textContent = text;
    element.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { element.hidden = true; }, 4000);
  }

  // ---- screens --------------------------------------------------------------------------------
  function route() {
    const match = location.hash.match(/^#o\/(\d+)$/);
    return match ? { order: Number(match[1]) } : { queue: true };
  }

  /** A read answered while a write was being sent may be older than the write's answer: keep
      whichever copy of the order the server changed last. */
  function newest(order) {
    const known = state.orders.get(order.id);
    if (known && Date.parse(known.updated_at) > Date.parse(order.updated_at)) return known;
    state.orders.set(order.id, order);
    return order;
  }

  async function show() {
    const where = route();
    $(".back").hidden = !where.order;
    try {
      if (where.order) {
        const order = newest(await read(`work-orders/${where.order}/`));
        renderOrder(order);
      } else {
        state.queue = (await read("me/queue/")).map(newest);
        renderQueue();
      }
    } catch (failure) {
      if (failure.signedOut) {
        $("#screen").innerHTML = `<p class="center">${esc(T.signInAgain)}</p><p class="center"><a class="button" href="${esc(LOGIN)}">${esc(T.signIn)}</a></p>`;
      } else if (where.order && state.orders.has(where.order) && failure.offline) {
        renderOrder(state.orders.get(where.order));
      } else if (where.order && failure.status === 404) {
        state.orders.delete(where.order); // handed over, cancelled … : no longer this technician's
        $("#screen").innerHTML = `<p class="center muted">${esc(T.orderGone)}</p>
          <p class="center"><a class="button" href="#">${esc(T.myQueue)}</a></p>`;
      } else {
        const message = failure.error ? errorText(failure.error) : T.failedRead;
        $("#screen").innerHTML = `<p class="center muted">${esc(message)}</p>`;
      }
    }
    await refreshOutbox();
  }

  function staleNote() {
    if (state.staleSince === null) return "";
    const text = state.staleSince ? fill(T.offlineDataSince, { time: hm(state.staleSince) }) : T.offlineData;
    return `<p class="stale">${esc(text)}</p>`;
  }

  const waitingFor = (id) => state.waiting.filter((item) => item.orderId === id);

  function slaBadge(order) {
    const sla = order.sla_state;
    return sla ? `<span class="badge sla-${esc(sla)}">${esc(T.sla[sla] || sla)}</span>` : "";
  }

  function openDeadlines(order) {
    return (order.deadlines || []).filter((d) => !d.met_at && d.state !== "void");
  }

  function renderQueue() {
    $("#title").textContent = T.myQueue;
    const cards = state.queue.map((order) => {
      const waiting = waitingFor(order.id).length;
      const appointment = order.appointment;
      return `<article class="card sla-${esc(order.sla_state || "none")}">
        <a class="tap" href="#o/${order.id}">
          <div class="top"><b>${esc(T.orderType[order.order_type] || order.order_type)}</b>
            ${slaBadge(order)}
            ${order.is_second_appointment ? `<span class="badge second">${esc(T.secondAppointment)}</span>` : ""}
            <span class="status">${esc(T.status[order.status] || order.status)}</span></div>
          <div class="no">${esc(order.bss_order_no)}</div>
          <div class="who">${esc(order.customer && order.customer.name)} · ${esc(order.customer && order.customer.phone)}</div>
          <div class="addr">${esc(order.customer && order.customer.address)}</div>
          ${appointment ? `<div class="appt">${esc(T.appointment)} ${esc(windowText(appointment))}</div>` : ""}
          <ul class="deadlines">${openDeadlines(order).map((d) => `<li class="sla-${esc(d.state)}">${esc(T.deadlineKind[d.kind] || d.kind)} ${esc(fill(T.due, { time: when(d.due_at) }))}</li>`).join("")}</ul>
          ${waiting ? `<div class="waiting">${esc(fill(T.pending, { n: waiting }))}</div>` : ""}
        </a>
        ${OPEN.includes(order.status) ? `<button class="call" data-do="call" data-id="${order.id}" aria-label="${esc(T.action.call)}" ${navigator.onLine ? "" : "disabled"}>☎</button>` : ""}
      </article>`;
    });
    $("#screen").innerHTML = staleNote() + (cards.length ? cards.join("") : `<p class="center muted">${esc(T.empty)}</p>`) +
      `<p class="center"><button class="small" data-sign-out>${esc(T.signOut)}</button></p>`;
  }

  /** The status the order will have once its waiting actions are sent (for the buttons). */
  function projectedStatus(order) {
    let status = order.status;
    for (const item of waitingFor(order.id)) status = LEADS_TO[item.verb] || status;
    return status;
  }

  /** After the service note, until the second appointment is booked: the note and the booking. */
  function offersSecondBooking(order) {
    const visit = order.visit;
    return projectedStatus(order) === "accepted" && order.status === "accepted" &&
      (state.noteLeft.has(order.id) || Boolean(visit && visit.note_left_at));
  }

  function buttons(order) {
    const waiting = waitingFor(order.id);
    const status = projectedStatus(order);
    const allowed = waiting.length ? NEXT[status] || [] : order.allowed_actions || [];
    const appointment = order.appointment;
    const pendingAppointment = appointment && appointment.outcome === "pending" ? appointment : null;
    const visit = order.visit;
    const waited = waiting.map((item) => item.verb);
    const main = [];
    const list = [];
    const add = (verb, label, primary = false, extra = "") => (primary ? main : list).push(
      `<button class="${primary ? "primary" : ""}" data-do="${verb}" data-id="${order.id}" ${extra}>${esc(label)}</button>`);
    if (allowed.includes("accept")) add("accept", T.action.accept, true);
    if (order.requires_survey && !order.survey_completed_at && ["accepted", "appointed", "en_route", "on_site"].includes(status)) {
      add("survey", T.action.survey, status === "on_site");
    }
    if (allowed.includes("appoint") && !pendingAppointment && status === "accepted" && !offersSecondBooking(order)) {
      add("appoint", (order.appointments || []).length ? T.bookSecond : T.action.appoint, true);
    }
    const toReconfirm = status === "appointed" && pendingAppointment && !pendingAppointment.reconfirmed_at && !waited.includes("reconfirm");
    if (toReconfirm) add("reconfirm", T.action.reconfirm, true);
    if (allowed.includes("depart")) add("depart", T.action.depart, status === "appointed" && !toReconfirm);
    if (allowed.includes("arrive")) add("arrive", T.action.arrive, true);
    if (status === "on_site" && visit && !visit.absent_at && !waited.includes("customer-absent")) add("customer-absent", T.action.customer_absent);
    if (status === "on_site" && visit && visit.absent_at) {
      const over = Date.parse(visit.wait_until) <= serverNow();
      add("leave-note", T.action.leave_note, over, over ? "" : "disabled");
    }
    if (allowed.includes("complete")) add("complete", T.action.complete, !(visit && visit.absent_at));
    if (["appointed", "en_route"].includes(status) && pendingAppointment && Date.parse(pendingAppointment.starts_at) > serverNow()) {
      add("running-late", T.action.running_late);
    }
    if (pendingAppointment && ["appointed", "en_route"].includes(status)) add("reschedule", T.action.reschedule);
    if (allowed.includes("rework")) add("rework", T.action.rework, true);
    if (OPEN.includes(status)) {
      add("contact", T.action.contact);
      add("handover", T.action.handover);
    }
    if (allowed.includes("return")) add("return", T.action.return);
    return main.join("") + list.join(""); // the next step first, full width
  }

  function renderOrder(order) {
    $("#title").textContent = order.bss_order_no;
    const customer = order.customer || {};
    const revealed = state.revealed.get(order.id);
    const appointment = order.appointment;
    const visit = order.visit;
    const waiting = waitingFor(order.id);
    const open = OPEN.includes(order.status);
    // The call and the reveal need the server at once: never queued, so off without a signal.
    const offlineOnly = navigator.onLine ? "" : "disabled";
    const phone = revealed
      ? `<a href="tel:${esc(revealed.phone)}">${esc(revealed.phone)}</a> <small>${esc(T.revealed)}</small>`
      : `${esc(customer.phone)} ${open ? `<button class="small" data-do="reveal" data-id="${order.id}" ${offlineOnly}>${esc(T.action.reveal)}</button>` : ""}`;
    const sections = [];
    sections.push(`<section class="summary">
      <div class="top"><b>${esc(T.orderType[order.order_type] || order.order_type)}</b> ${slaBadge(order)}
        ${order.is_second_appointment ? `<span class="badge second">${esc(T.secondAppointment)}</span>` : ""}
        <span class="status">${esc(T.status[order.status] || order.status)}</span></div>
      ${order.plan_mbps ? `<p>${esc(T.plan)} ${esc(order.plan_mbps)}M</p>` : ""}
      ${order.broadband_account ? `<p>${esc(T.broadbandAccount)} ${esc(order.broadband_account)}</p>` : ""}
      ${order.description ? `<p>${esc(order.description)}</p>` : ""}
      ${order.requires_survey ? `<p class="${order.survey_completed_at ? "" : "warn"}">${esc(order.survey_completed_at ? fill(T.surveyDone, { time: when(order.survey_completed_at) }) : T.surveyNeeded)}</p>` : ""}
    </section>`);
    sections.push(`<section><h2>${esc(T.customer)}</h2>
      <p>${esc(revealed ? revealed.name : customer.name)}</p>
      <p>${esc(T.phone)}：${phone}</p>
      <p>${esc(T.address)}：${esc(revealed ? revealed.address : customer.address)}</p>
      ${open ? `<button class="wide" data-do="call" data-id="${order.id}" ${offlineOnly}>☎ ${esc(T.action.call)}</button>` : ""}
      ${open && !navigator.onLine ? `<p class="muted">${esc(T.callNeedsNetwork)}</p>` : ""}
    </section>`);
    const deadlines = order.deadlines || [];
    if (deadlines.length) {
      sections.push(`<section><h2>${esc(T.deadlines)}</h2><ul class="deadlines">${deadlines.map((d) => `<li class="sla-${esc(d.state)}">
        ${esc(T.deadlineKind[d.kind] || d.kind)} · ${esc(d.met_at ? fill(T.metAt, { time: when(d.met_at) }) : fill(T.due, { time: when(d.due_at) }))}
        <span class="badge sla-${esc(d.state)}">${esc(T.sla[d.state] || d.state)}</span></li>`).join("")}</ul></section>`);
    }
    if (appointment) {
      const lines = [`<p class="appt">${esc(windowText(appointment))} · ${esc(T.outcome[appointment.outcome] || appointment.outcome)}</p>`];
      if (appointment.outcome === "pending" && appointment.arrive_from) {
        lines.push(`<p>${esc(fill(T.arriveTarget, { from: hm(appointment.arrive_from), to: hm(appointment.arrive_by) }))}</p>`);
      }
      if (appointment.reconfirmed_at) lines.push(`<p>${esc(fill(T.reconfirmedAt, { time: when(appointment.reconfirmed_at) }))}</p>`);
      // The SLA worker's reminders (R-APT-3, R-APT-4), while they still apply.
      if (appointment.outcome === "pending" && appointment.reconfirm_reminded_at && !appointment.reconfirmed_at) {
        lines.push(`<p class="warn">${esc(T.reminderReconfirm)}</p>`);
      }
      if (appointment.outcome === "pending" && appointment.miss_warned_at) lines.push(`<p class="warn">${esc(T.reminderMiss)}</p>`);
      if (appointment.eta) lines.push(`<p>${esc(fill(T.eta, { time: hm(appointment.eta) }))}</p>`);
      if (appointment.late_notice_at) lines.push(`<p class="warn">${esc(fill(T.lateNotice, { time: hm(appointment.late_notice_at) }))}</p>`);
      const history = (order.appointments || []).slice(0, -1);
      if (history.length) {
        lines.push(`<ul class="history">${history.map((a) => `<li>${esc(windowText(a))} · ${esc(T.outcome[a.outcome] || a.outcome)}</li>`).join("")}</ul>`);
      }
      sections.push(`<section><h2>${esc(T.appointment)}</h2>${lines.join("")}</section>`);
    }
    if (visit) {
      const lines = [`<p>${esc(fill(T.checkedIn, { time: when(visit.checked_in_at) }))}${visit.distance_m != null ? ` · ${esc(fill(T.distance, { m: visit.distance_m }))}` : ""}</p>`];
      if (visit.absent_at) {
        lines.push(`<p>${esc(fill(T.absentSince, { time: hm(visit.absent_at) }))}</p>`);
        if (!visit.note_left_at) lines.push(`<p class="countdown" data-until="${esc(visit.wait_until)}"></p>`);
      }
      if (visit.note_left_at) lines.push(`<p>${esc(fill(T.noteLeft, { time: hm(visit.note_left_at) }))}</p>`);
      sections.push(`<section><h2>${esc(T.visit)}</h2>${lines.join("")}</section>`);
    }
    if (offersSecondBooking(order)) {
      sections.push(`<section class="note"><p>${esc(T.noteLeftOffer)}</p><div class="row">
        <a class="button" target="_blank" rel="noopener" href="${API}work-orders/${order.id}/service-note.pdf">${esc(T.serviceNote)}</a>
        <button class="primary" data-do="appoint" data-id="${order.id}">${esc(T.bookSecond)}</button></div></section>`);
    }
    if (waiting.length) {
      sections.push(`<section class="waiting"><h2>${esc(T.pendingHere)}</h2><ul>${waiting.map((item) => `<li>${esc(item.label)} · ${esc(hm(item.occurred_at))}</li>`).join("")}</ul></section>`);
    }
    sections.push(`<section class="actions">${buttons(order)}</section>`);
    sections.push(`<section class="timeline"><h2>${esc(T.timeline)}</h2>${state.timeline && state.timeline.id === order.id
      ? `<ul>${state.timeline.lines}</ul>`
      : `<button class="small" data-do="timeline" data-id="${order.id}" ${offlineOnly}>${esc(T.showTimeline)}</button>`}</section>`);
    $("#screen").innerHTML = staleNote() + sections.join("");
    tick();
  }

  function tick() {
    for (const element of document.querySelectorAll(".countdown[data-until]")) {
      const left = Date.parse(element.dataset.until) - serverNow();
      if (left > 0) {
        const seconds = Math.ceil(left / 1000);
        const mmss = `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
        element.textContent = fill(T.waitLeft, { mmss });
      } else {
        element.textContent = T.waitOver;
        element.classList.add("over");
        const button = document.querySelector("button[data-do='leave-note'][disabled]");
        if (button) { button.disabled = false; button.classList.add("primary"); }
      }
    }
  }

  // ---- the form sheet -------------------------------------------------------------------------
  /** Ask for some values in a bottom sheet; resolves with them, or null when cancelled. */
  function ask({ title, intro = "", fields = [], submit = T.submit }) {
    const sheet = $("#sheet");
    const input = (field) => {
      const common = `name="${field.name}" id="f-${field.name}" ${field.required ? "required" : ""}`;
      if (field.type === "select") {
        return `<select ${common}>${field.options.map(([value, label]) => `<option value="${esc(value)}" ${value === field.value ? "selected" : ""}>${esc(label)}</option>`).join("")}</select>`;
      }
      if (field.type === "textarea") return `<textarea ${common} rows="3">${esc(field.value)}</textarea>`;
      return `<input type="${field.type || "text"}" ${common} value="${esc(field.value)}" ${field.type === "text" ? 'autocomplete="off"' : ""}>`;
    };
    // The confirming button comes first: Enter in a field submits with it (CSS shows it right).
    sheet.innerHTML = `<form method="dialog">
      <h2>${esc(title)}</h2>${intro}
      ${fields.map((field) => `<label for="f-${field.name}">${esc(field.label)}</label>${input(field)}`).join("")}
      <div class="row"><button class="primary" value="ok">${esc(submit)}</button>
      <button value="cancel" formnovalidate>${esc(T.cancel)}</button></div></form>`;
    return new Promise((resolve) => {
      sheet.onclose = () => {
        if (sheet.returnValue !== "ok") return resolve(null);
        const values = {};
        for (const field of fields) values[field.name] = sheet.querySelector(`[name="${field.name}"]`).value.trim();
        resolve(values);
      };
      sheet.returnValue = "";
      sheet.showModal();
    });
  }

  const reasonField = { name: "reason", label: T.field.reason, type: "textarea", required: true };
  function windowFields() {
    const start = Math.ceil((serverNow() + 3600e3) / 1800e3) * 1800e3;
    const from = shanghai(start);
    return [
      { name: "date", label: T.field.date, type: "date", value: from.date, required: true },
      { name: "start", label: T.field.start, type: "time", value: from.time, required: true },
      { name: "end", label: T.field.end, type: "time", value: shanghai(start + 2 * 3600e3).time, required: true },
    ];
  }
  const etaField = (fromMs = serverNow()) => ({
    name: "eta", label: T.field.etaTime, type: "time", value: shanghai(fromMs + 30 * 60e3).time, required: true,
  });
  function windowOf(values) {
    const starts_at = atShanghai(values.date, values.start);
    let ends_at = atShanghai(values.date, values.end);
    if (Date.parse(ends_at) <= Date.parse(starts_at)) ends_at = atShanghai(shanghai(Date.parse(starts_at) + 86400e3).date, values.end);
    return { starts_at, ends_at };
  }

  // ---- writes ---------------------------------------------------------------------------------
  async function write(order, verb, body, label) {
    await Outbox.send({ path: `${API}work-orders/${order.id}/${verb}/`, body, orderId: order.id, orderNo: order.bss_order_no, label, verb });
    if (!navigator.onLine) toast(T.queued);
    await refreshOutbox();
    rerender();
  }

  function rerender() {
    const where = route();
    if (where.order && state.orders.has(where.order)) renderOrder(state.orders.get(where.order));
    else if (where.queue && state.queue) renderQueue();
  }

  function position() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  async function errorMessage(response) {
    const body = await response.json().catch(() => null);
    return (body && body.error && errorText(body.error)) || `HTTP ${response.status}`;
  }

  async function call(order) {
    if (!navigator.onLine) return toast(T.needsNetwork);
    let response;
    try {
      response = await Outbox.post(`${API}work-orders/${order.id}/call/`, {});
    } catch (networkError) {
      return toast(T.needsNetwork);
    }
    if (!response.ok) return toast(await errorMessage(response));
    const { dial, recording_ref: recordingRef } = await response.json();
    const asking = ask({
      title: T.callOutcome,
      intro: `<p class="dial">${esc(T.callPrivacy)} <a class="button primary" id="dial" href="tel:${esc(dial)}">${esc(T.dial)} ${esc(dial)}</a></p>
        <p class="muted">${esc(fill(T.recording, { ref: recordingRef }))}</p>`,
      fields: [{ name: "outcome", label: T.field.outcome, type: "select", options: Object.entries(T.contactOutcome), value: "reached" }],
    });
    const values = await asking;
    if (values) await write(order, "contact-attempts", { channel: "app_call", outcome: values.outcome, recording_ref: recordingRef }, T.action.call);
  }

  async function reveal(order) {
    if (!navigator.onLine) return toast(T.needsNetwork);
    const values = await ask({ title: T.action.reveal, fields: [{ ...reasonField, label: T.field.revealReason, value: T.defaults.revealReason }] });
    if (!values) return;
    let response;
    try {
      // Never queued, never cached: the full number lives in this page's memory only.
      response = await Outbox.post(`${API}work-orders/${order.id}/reveal-contact/`, { reason: values.reason });
    } catch (networkError) {
      return toast(T.needsNetwork);
    }
    if (!response.ok) return toast(await errorMessage(response));
    state.revealed.set(order.id, await response.json());
    rerender();
  }

  /** The order's timeline, read when asked (online only, not kept offline: notes may name people). */
  async function timeline(order) {
    let events;
    try {
      events = await read(`work-orders/${order.id}/events/`);
    } catch (failure) {
      return toast(failure.error ? errorText(failure.error) : T.needsNetwork);
    }
    const line = (event) => {
      let what = T.eventKind[event.kind] || event.kind;
      if (event.kind === "transition") what = T.transitionAction[event.action] || what;
      if (event.kind === "contact_attempt") what += `：${T.contactOutcome[event.data.outcome] || event.data.outcome}`;
      return `<li><span class="muted">${esc(when(event.occurred_at))}</span> ${esc(what)}${event.note ? ` · ${esc(event.note)}` : ""}</li>`;
    };
    state.timeline = { id: order.id, lines: events.slice().reverse().map(line).join("") };
    rerender();
  }

  const VERBS = {
    accept: (order) => write(order, "accept", {}, T.action.accept),
    return: async (order) => {
      const values = await ask({ title: T.action.return, fields: [reasonField] });
      if (values) await write(order, "return", values, T.action.return);
    },
    handover: async (order) => {
      const values = await ask({ title: T.action.handover, fields: [{ name: "technician", label: T.field.staffNo, required: true, type: "text" }, reasonField] });
      if (values) await write(order, "handover", values, T.action.handover);
    },
    survey: async (order) => {
      const values = await ask({ title: T.action.survey, fields: [
        { name: "conditions_met", label: T.field.conditionsMet, type: "select", options: [["yes", T.field.yes], ["no", T.field.no]], value: "yes" },
        { name: "note", label: T.field.note, type: "textarea" }] });
      if (values) await write(order, "complete-survey", { conditions_met: values.conditions_met === "yes", note: values.note }, T.action.survey);
    },
    appoint: async (order) => {
      const values = await ask({ title: T.action.appoint, fields: windowFields() });
      if (values) await write(order, "appoint", windowOf(values), T.action.appoint);
    },
    reschedule: async (order) => {
      const values = await ask({ title: T.action.reschedule, fields: [...windowFields(),
        { name: "initiated_by", label: T.field.initiatedBy, type: "select", options: Object.entries(T.initiatedBy), value: "customer" },
        { ...reasonField, required: false }] });
      if (values) await write(order, "reschedule", { ...windowOf(values), initiated_by: values.initiated_by, reason: values.reason }, T.action.reschedule);
    },
    reconfirm: async (order) => {
      const values = await ask({ title: T.action.reconfirm, fields: [{ ...etaField(), required: false }] });
      if (values) await write(order, "reconfirm", values.eta ? { eta: upcoming(values.eta) } : {}, T.action.reconfirm);
    },
    depart: async (order) => {
      const values = await ask({ title: T.action.depart, fields: [etaField()] });
      if (values) await write(order, "depart", { eta: upcoming(values.eta) }, T.action.depart);
    },
    "running-late": async (order) => {
      // The new arrival lies after the window's start (else it is not late): proposed 30 min after.
      const start = Date.parse(order.appointment.starts_at);
      const values = await ask({ title: T.action.running_late, fields: [etaField(start)] });
      if (values) await write(order, "running-late", { eta: upcoming(values.eta, start) }, T.action.running_late);
    },
    arrive: async (order) => {
      const coords = await position();
      if (!coords) toast(T.noLocation);
      const body = coords ? { lat: Number(coords.latitude.toFixed(6)), lng: Number(coords.longitude.toFixed(6)), accuracy_m: Math.round(coords.accuracy) } : {};
      await write(order, "arrive", body, T.action.arrive);
    },
    "customer-absent": (order) => write(order, "customer-absent", {}, T.action.customer_absent),
    "leave-note": (order) => write(order, "leave-note", {}, T.action.leave_note),
    complete: (order) => write(order, "complete", {}, T.action.complete),
    rework: async (order) => {
      const values = await ask({ title: T.action.rework, fields: [reasonField] });
      if (values) await write(order, "rework", values, T.action.rework);
    },
    contact: async (order) => {
      const values = await ask({ title: T.action.contact, fields: [
        { name: "channel", label: T.field.channel, type: "select", options: Object.entries(T.channel), value: "phone" },
        { name: "outcome", label: T.field.outcome, type: "select", options: Object.entries(T.contactOutcome), value: "reached" },
        { name: "note", label: T.field.note, type: "textarea" }] });
      if (values) await write(order, "contact-attempts", values, T.action.contact);
    },
    call,
    reveal,
    timeline,
  };

  /** Sign out: nothing of the technician's orders stays on the phone (the read cache goes);
      refused while actions wait, so that no tap is lost. */
  async function signOut() {
    if ((await Outbox.waiting()).length) return toast(T.signOutWaiting);
    if (window.caches) {
      // The orders go, and the shell too: the next start asks the server, which asks to sign in.
      for (const name of await caches.keys()) if (name.startsWith("fiberops-")) await caches.delete(name);
    }
    const form = document.createElement("form");
    form.method = "post";
    form.action = script.dataset.logout;
    const token = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
    for (const [name, value] of [["csrfmiddlewaretoken", decodeURIComponent(token)], ["next", LOGIN]]) {
      const input = document.createElement("input");
      Object.assign(input, { type: "hidden", name, value });
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  }

  // ---- events ---------------------------------------------------------------------------------
  document.addEventListener("click", async (event) => {
    const dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) return Outbox.dismiss(dismiss.dataset.dismiss);
    if (event.target.closest("[data-sign-out]")) return signOut();
    const button = event.target.closest("button[data-do]");
    if (!button) return;
    event.preventDefault();
    const order = state.orders.get(Number(button.dataset.id));
    if (order && VERBS[button.dataset.do]) await VERBS[button.dataset.do](order);
  });
  $(".back").addEventListener("click", (event) => {
    event.preventDefault();
    location.hash = "";
  });
  window.addEventListener("hashchange", () => {
    state.revealed.clear(); // a revealed phone is shown once, then forgotten
    state.timeline = null;
    show();
  });
  window.addEventListener("online", async () => {
    await Outbox.flush(); // the waiting actions first, then read what they changed
    show();
  });
  window.addEventListener("offline", () => { refreshOutbox(); rerender(); });
  setInterval(tick, 1000);

  Outbox.on(async (event) => {
    if (event.type === "applied" && event.data && event.data.id) {
      const order = event.data;
      const previous = state.orders.get(order.id);
      await remember(order);
      if (state.timeline && state.timeline.id === order.id) state.timeline = null; // out of date
      // The server's answer is fresh: the shown order is no longer the offline copy.
      if (route().order === order.id) state.staleSince = null;
      if (event.item.verb === "leave-note") state.noteLeft.add(order.id);
      if (["return", "handover"].includes(event.item.verb) && route().order === order.id) {
        location.hash = ""; // no longer this technician's: back to the queue
        return;
      }
      if (event.item.verb === "reschedule" && (order.appointments || []).length > 1) {
        const before = order.appointments[order.appointments.length - 2];
        toast(fill(T.previousOutcome, { outcome: T.outcome[before.outcome] || before.outcome }));
      } else if (event.replayed || (previous && previous !== order && !navigator.onLine)) {
        toast(T.replayed);
      }
    } else if (event.type === "refused") {
      toast(errorText(event.item.error));
      await refreshOutbox();
      return show(); // the server said no: read again what it holds now
    }
    await refreshOutbox();
    rerender();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.scope }).catch(() => {});
  }
  show();
})();
