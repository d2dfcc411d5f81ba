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
    evidence: null, evidenceFor: null,
    // issue 10: the inspection / rectification shown, and the last answer of each order read
    inspection: null, inspectionKept: new Map(), rectification: null, rectificationKept: new Map(),
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
          ${order.customer ? `<div class="who">${esc(order.customer.name)} · ${esc(order.customer.phone)}</div>
          <div class="addr">${esc(order.customer.address)}</div>` : `<div class="addr">${esc(order.description)}</div>`}
          ${appointment ? `<div class="appt">${esc(T.appointment)} ${esc(windowText(appointment))}</div>` : ""}
          <ul class="deadlines">${openDeadlines(order).map((d) => `<li class="sla-${esc(d.state)}">${esc(T.deadlineKind[d.kind] || d.kind)} ${esc(fill(T.due, { time: when(d.due_at) }))}</li>`).join("")}</ul>
          ${waiting ? `<div class="waiting">${esc(fill(T.pending, { n: waiting }))}</div>` : ""}
        </a>
        ${OPEN.includes(order.status) && order.customer ? `<button class="call" data-do="call" data-id="${order.id}" aria-label="${esc(T.action.call)}" ${navigator.onLine ? "" : "disabled"}>☎</button>` : ""}
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
    const visitsCustomer = Boolean(order.customer); // inspections and rectifications: nobody to book
    if (visitsCustomer && allowed.includes("appoint") && !pendingAppointment && status === "accepted" && !offersSecondBooking(order)) {
      add("appoint", (order.appointments || []).length ? T.bookSecond : T.action.appoint, true);
    }
    const toReconfirm = status === "appointed" && pendingAppointment && !pendingAppointment.reconfirmed_at && !waited.includes("reconfirm");
    if (toReconfirm) add("reconfirm", T.action.reconfirm, true);
    if (allowed.includes("depart")) add("depart", T.action.depart, (status === "appointed" && !toReconfirm) || (!visitsCustomer && status === "accepted"));
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
      if (order.customer) add("contact", T.action.contact); // inspections have nobody to call
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
    if (order.customer) sections.push(`<section><h2>${esc(T.customer)}</h2>
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
    if (hasEvidence(order)) sections.push(evidenceSection(order));
    if (order.order_type === "inspection") sections.push(inspectionSection(order));
    if (order.order_type === "rectification") sections.push(rectificationSection(order));
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

  // ---- on site: the checklist, the acceptance readings, the photos, the sign-off (issue 8) ---------
  const ELEMENTS = ["resource", "optical_power", "speed", "ont", "aaa"];
  const PHOTO_KINDS = ["route", "splitter_label", "ont_stb", "acceptance_form"];
  const hasEvidence = (order) => ["install", "relocation"].includes(order.order_type) &&
    ["on_site", "completed", "confirmed", "closed"].includes(order.status);

  /** The order's on-site records, read together; kept until the order is left or written to. */
  async function loadEvidence(orderId, force = false) {
    if (!force && state.evidenceFor === orderId) return;
    state.evidenceFor = orderId;
    const base = `work-orders/${orderId}/`;
    const optional = (path) => read(base + path).catch(() => null);
    const [acceptance, photos, checklist, signOff] = await Promise.all([
      optional("acceptance/"), optional("photos/"), optional("checklist/"), optional("sign-off/")]);
    if (state.evidenceFor !== orderId) return; // the technician went elsewhere meanwhile
    state.evidence = { acceptance, photos, checklist, signOff };
    if (force) {
      try { state.orders.set(orderId, await read(base)); } catch (ignored) { /* offline: keep */ }
    }
    rerender();
  }

  async function evidenceWrite(order, path, body, label, multipart = false) {
    await Outbox.send({ path: `${API}work-orders/${order.id}/${path}/`, body, orderId: order.id, orderNo: order.bss_order_no, label, verb: "evidence", multipart });
    toast(navigator.onLine ? T.evidence.sending : T.queued);
    await refreshOutbox();
  }

  const verdictClass = (ok) => (ok ? "ok" : "bad");
  function readingText(reading) {
    const v = reading.values || {};
    switch (reading.element) {
      case "resource": return v.used ? v.used.replace("/", " · ") : "";
      case "optical_power": return v.rx_power_dbm !== undefined ? `${v.rx_power_dbm} dBm` : "";
      case "speed": return v.measured_mbps !== undefined ? `${v.measured_mbps} Mbps` : "";
      case "ont": return v.loid ? `LOID ${v.loid}` : "";
      case "aaa": return v.account || "";
      default: return "";
    }
  }

  function evidenceSection(order) {
    if (state.evidenceFor !== order.id) loadEvidence(order.id);
    const evidence = state.evidence;
    if (!evidence) return `<section class="onsite"><h2>${esc(T.evidence.title)}</h2><p class="muted">${esc(T.loading)}</p></section>`;
    const onSite = order.status === "on_site";
    const parts = [`<section class="onsite"><h2>${esc(T.evidence.title)}</h2>`];
    const blocking = [
      ...((evidence.checklist && evidence.checklist.blocking) || []),
      ...((evidence.acceptance && evidence.acceptance.blocking) || []),
      ...((evidence.signOff && evidence.signOff.blocking) || []),
    ];
    const shotKinds = new Set((evidence.photos || []).map((photo) => photo.kind));
    const missingPhotos = PHOTO_KINDS.filter((kind) => !shotKinds.has(kind));
    const flagged = (evidence.photos || []).filter((photo) => (photo.flags || []).length);
    // the checklist (十步法)
    if (evidence.checklist && evidence.checklist.items) {
      const items = evidence.checklist.items;
      const done = items.filter((item) => item.answer).length;
      parts.push(`<h3>${esc(T.evidence.checklist)} <small>${esc(fill(T.evidence.progress, { done, all: items.length }))}</small></h3><ul class="checklist">`);
      let phase = null;
      for (const item of items) {
        if (item.phase !== phase) {
          phase = item.phase;
          parts.push(`<li class="phase">${esc(T.checklistPhase[phase] || phase)}</li>`);
        }
        const answered = item.answer ? `<span class="answer ${item.answer === "done" ? "ok" : ""}">${esc(T.checklistAnswer[item.answer] || item.answer)}${item.partner ? ` · ${esc(item.partner.name)}` : ""}</span>` : "";
        const buttons = onSite && item.answer !== "done"
          ? `<button class="small" data-do="tick" data-id="${order.id}" data-item="${esc(item.code)}" data-answer="done">${esc(T.checklistAnswer.done)}</button>` +
            (item.allows_not_applicable && !item.answer ? ` <button class="small" data-do="tick" data-id="${order.id}" data-item="${esc(item.code)}" data-answer="not_applicable">${esc(T.checklistAnswer.not_applicable)}</button>` : "")
          : "";
        parts.push(`<li class="item ${item.answer ? "answered" : ""}" data-item="${esc(item.code)}"><span class="label">${esc(item.label)}${item.required ? "" : ` <small class="muted">${esc(T.evidence.optional)}</small>`}</span> ${answered} ${buttons}</li>`);
      }
      parts.push(`</ul>`);
      if (onSite) parts.push(`<button class="small" data-do="defer" data-id="${order.id}">${esc(T.evidence.defer)}</button>`);
    }
    // the acceptance readings (装机挂测四要素)
    const latest = new Map(((evidence.acceptance && evidence.acceptance.readings) || []).map((r) => [r.element, r]));
    parts.push(`<h3>${esc(T.evidence.acceptance)}</h3><ul class="readings">`);
    for (const element of ELEMENTS) {
      const reading = latest.get(element);
      const state_ = reading ? `<span class="verdict ${verdictClass(reading.ok)}">${esc(reading.ok ? T.evidence.passed : T.evidence.failed)}</span> ${esc(readingText(reading))}${reading.ok ? "" : `<div class="why">${esc(reading.message)}</div>`}` : `<span class="muted">${esc(T.evidence.noReading)}</span>`;
      const scan = element === "resource" && onSite
        ? ` <label class="button small file">${esc(T.evidence.scanLabel)}<input type="file" accept="image/*" capture="environment" data-photo="scan" data-id="${order.id}" hidden></label>` : "";
      const record = onSite ? `<button class="small" data-do="reading" data-id="${order.id}" data-element="${element}">${esc(element === "aaa" ? T.evidence.askAaa : T.evidence.record)}</button>` : "";
      parts.push(`<li data-element="${element}"><b>${esc(T.element[element])}</b> ${state_}<div class="tools">${record}${scan}</div></li>`);
    }
    parts.push(`</ul>`);
    // the photos (照片)
    parts.push(`<h3>${esc(T.evidence.photos)}</h3><ul class="photos">`);
    for (const kind of PHOTO_KINDS) {
      const photos = (evidence.photos || []).filter((photo) => photo.kind === kind);
      const shots = photos.map((photo) => `<figure><img src="${esc(photo.thumbnail_url)}" alt="${esc(T.photoKind[kind])}" loading="lazy">${(photo.flags || []).map((flag) => `<figcaption class="flag">${esc(T.photoFlag[flag] || flag)}</figcaption>`).join("")}</figure>`).join("");
      const take = onSite || order.status === "completed"
        ? `<label class="button small file">${esc(photos.length ? T.evidence.retake : T.evidence.take)}<input type="file" accept="image/*" capture="environment" data-photo="${kind}" data-id="${order.id}" hidden></label>` : "";
      parts.push(`<li data-kind="${kind}"><b>${esc(T.photoKind[kind])}</b> ${photos.length ? "" : `<span class="bad">${esc(T.evidence.missing)}</span>`} ${take}<div class="shots">${shots}</div></li>`);
    }
    parts.push(`</ul>`);
    // the customer's sign-off (满意度, 签字, 业务施工确认单)
    const signOff = evidence.signOff;
    if (signOff) {
      const satisfaction = signOff.satisfaction;
      parts.push(`<h3>${esc(T.evidence.signOff)}</h3>`);
      parts.push(`<p>${esc(T.evidence.satisfaction)}：${satisfaction ? `<span class="verdict ${verdictClass(satisfaction.satisfied)}">${esc(satisfaction.satisfied ? T.evidence.satisfied : T.evidence.notSatisfied)}</span>` : `<span class="muted">${esc(T.evidence.notAsked)}</span>`}</p>`);
      if (["on_site", "completed"].includes(order.status)) {
        parts.push(`<div class="row"><button class="small" data-do="satisfied" data-id="${order.id}">${esc(T.evidence.satisfied)}</button> <button class="small" data-do="not-satisfied" data-id="${order.id}">${esc(T.evidence.notSatisfied)}</button></div>`);
      }
      const confirmation = signOff.confirmation;
      if (confirmation) {
        parts.push(`<p class="signed">${esc(fill(T.evidence.signedAt, { time: when(confirmation.signed_at), version: confirmation.version }))} <a class="button small" target="_blank" rel="noopener" href="${esc(confirmation.pdf_url)}">${esc(T.evidence.confirmation)}</a></p>`);
      }
      if (onSite && satisfaction && satisfaction.satisfied) {
        parts.push(`<button class="${confirmation ? "small" : "primary wide-blue"}" data-do="sign" data-id="${order.id}">${esc(confirmation ? T.evidence.signAgain : T.evidence.sign)}</button>`);
      }
    }
    // what still stands between the technician and 完工
    const open = [...blocking.map((b) => b.message), ...missingPhotos.map((kind) => fill(T.evidence.photoMissing, { kind: T.photoKind[kind] })),
      ...flagged.map((photo) => fill(T.evidence.photoFlagged, { kind: T.photoKind[photo.kind], flags: photo.flags.map((f) => T.photoFlag[f] || f).join("、") }))];
    const unique = [...new Set(open)];
    if (order.status === "on_site") {
      parts.push(unique.length
        ? `<div class="blocking"><b>${esc(fill(T.evidence.blocking, { n: unique.length }))}</b><ul>${unique.map((m) => `<li>${esc(m)}</li>`).join("")}</ul></div>`
        : `<p class="ready">${esc(T.evidence.ready)}</p>`);
    }
    parts.push(`</section>`);
    return parts.join("");
  }

  /** The customer signs on the screen: a canvas in the sheet, sent as a PNG. */
  function askSignature(order) {
    const sheet = $("#sheet");
    sheet.innerHTML = `<form method="dialog"><h2>${esc(T.evidence.sign)}</h2>
      <p class="muted">${esc(T.evidence.signHint)}</p>
      <canvas id="signature" width="680" height="340" aria-label="${esc(T.evidence.signHere)}"></canvas>
      <label for="f-signer">${esc(T.evidence.signerName)}</label><input id="f-signer" name="signer_name" autocomplete="off">
      <div class="row"><button class="primary" value="ok">${esc(T.evidence.confirmSign)}</button>
      <button value="clear" formnovalidate>${esc(T.evidence.clear)}</button>
      <button value="cancel" formnovalidate>${esc(T.cancel)}</button></div></form>`;
    const canvas = sheet.querySelector("canvas");
    const pen = canvas.getContext("2d");
    pen.fillStyle = "#fff";
    pen.fillRect(0, 0, canvas.width, canvas.height);
    Object.assign(pen, { lineWidth: 4, lineCap: "round", lineJoin: "round", strokeStyle: "#102040" });
    let drawing = false;
    let inked = false;
    const at = (event) => {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
    };
    canvas.addEventListener("pointerdown", (event) => { drawing = true; canvas.setPointerCapture(event.pointerId); pen.beginPath(); pen.moveTo(...at(event)); });
    canvas.addEventListener("pointermove", (event) => { if (!drawing) return; pen.lineTo(...at(event)); pen.stroke(); inked = true; });
    canvas.addEventListener("pointerup", () => { drawing = false; });
    return new Promise((resolve) => {
      sheet.onclose = () => {
        if (sheet.returnValue === "clear") {
          resolve(askSignature(order));
          return;
        }
        if (sheet.returnValue !== "ok") return resolve(null);
        if (!inked) { toast(T.evidence.signFirst); return resolve(null); }
        resolve({ signature_png: canvas.toDataURL("image/png"), signer_name: sheet.querySelector("#f-signer").value.trim() });
      };
      sheet.returnValue = "";
      sheet.showModal();
    });
  }

  const EVIDENCE_VERBS = {
    tick: async (order, button) => {
      const body = { item: button.dataset.item, answer: button.dataset.answer };
      const item = ((state.evidence && state.evidence.checklist && state.evidence.checklist.items) || []).find((i) => i.code === body.item);
      if (item && item.needs_partner && body.answer === "done") {
        const values = await ask({ title: item.label, fields: [{ name: "partner", label: T.evidence.partner, required: true }] });
        if (!values) return;
        body.partner_staff_no = values.partner;
      }
      await evidenceWrite(order, "checklist", body, item ? item.label : T.evidence.checklist);
    },
    defer: async (order) => {
      const tomorrow = shanghai(serverNow() + 86400e3).date;
      const values = await ask({ title: T.evidence.defer, intro: `<p class="muted">${esc(T.evidence.deferHint)}</p>`, fields: [
        { name: "date", label: T.field.date, type: "date", value: tomorrow, required: true },
        { name: "start", label: T.field.start, type: "time", value: "09:00", required: true },
        { name: "end", label: T.field.end, type: "time", value: "11:00", required: true },
        { name: "customer_agreed", label: T.evidence.customerAgreed, type: "select", options: [["yes", T.field.yes2], ["no", T.field.no2]], value: "yes" },
        { ...reasonField, value: T.evidence.deferReason }] });
      if (!values) return;
      await evidenceWrite(order, "safety-deferral", { ...windowOf(values), customer_agreed: values.customer_agreed === "yes", reason: values.reason }, T.evidence.defer);
    },
    reading: async (order, button) => {
      const element = button.dataset.element;
      const fields = {
        resource: [{ name: "box", label: T.evidence.box, required: true, value: (order.resource || {}).splitter_box || "" },
          { name: "port", label: T.evidence.port, type: "number", required: true, value: (order.resource || {}).port || "" }],
        optical_power: [{ name: "rx_power_dbm", label: T.evidence.rxPower, type: "text", required: true }],
        speed: [{ name: "measured_mbps", label: T.evidence.speed, type: "text", required: true }],
        ont: [{ name: "loid", label: "LOID", required: true },
          { name: "pppoe_dial_ok", label: T.evidence.pppoe, type: "select", options: [["yes", T.evidence.dialOk], ["no", T.evidence.dialFailed]], value: "yes" }],
        aaa: [],
      }[element];
      let values = {};
      if (fields.length) {
        values = await ask({ title: T.element[element], fields });
        if (!values) return;
      }
      if (element === "ont") values.pppoe_dial_ok = values.pppoe_dial_ok === "yes";
      if (element === "resource") values.port = Number(values.port);
      await evidenceWrite(order, "acceptance", { element, values }, T.element[element]);
    },
    satisfied: (order) => evidenceWrite(order, "satisfaction", { satisfied: true }, T.evidence.satisfied),
    "not-satisfied": async (order) => {
      const values = await ask({ title: T.evidence.notSatisfied, fields: [{ name: "comment", label: T.evidence.whatToImprove, type: "textarea", required: true }] });
      if (values) await evidenceWrite(order, "satisfaction", { satisfied: false, comment: values.comment }, T.evidence.notSatisfied);
    },
    sign: async (order) => {
      const values = await askSignature(order);
      if (values) await evidenceWrite(order, "signature", values, T.evidence.sign);
    },
  };

  // ---- inspection and rectification orders (issue 10) ----------------------------------------
  /** Element fields a technician may correct, by element kind (the API's `recorded` keys). */
  const METRICS = ["bandwidth_pct", "cpu_pct", "mem_pct"];
  const inspectionPath = (order, path = "") => `${API}work-orders/${order.id}/inspection/${path}`;

  /** The inspection of an order (plan, period, checklist, log, transfers, elements), read when
      the order is shown; kept until the order is left or written to. null: not a planned one. */
  async function loadInspection(orderId, force = false) {
    if (!force && state.inspection && state.inspection.id === orderId) return;
    state.inspection = { id: orderId, data: undefined };
    let data;
    try {
      data = await read(`work-orders/${orderId}/inspection/`);
    } catch (failure) {
      data = failure.status === 404 ? null : state.inspectionKept.get(orderId);
    }
    if (!state.inspection || state.inspection.id !== orderId) return; // gone elsewhere meanwhile
    if (data) state.inspectionKept.set(orderId, data);
    state.inspection = { id: orderId, data: data === undefined ? "failed" : data };
    rerender();
  }

  async function inspectionWrite(order, path, body, label) {
    await Outbox.send({ path: inspectionPath(order, path), body, orderId: order.id, orderNo: order.bss_order_no, label, verb: "inspection" });
    toast(navigator.onLine ? T.evidence.sending : T.queued);
    await refreshOutbox();
    rerender();
  }

  /** Writes to this order's inspection still in the outbox, with their body. */
  const waitingInspection = (order, path) => waitingFor(order.id).filter((item) => item.path === inspectionPath(order, path));

  function recordedText(kind, recorded) {
    return Object.entries(recorded || {}).filter(([, value]) => value !== "").map(([field, value]) =>
      `${T.elementField[field] || field} ${field === "state" ? T.portState[value] || value : value}`).join(" · ");
  }

  function inspectionSection(order) {
    if (!state.inspection || state.inspection.id !== order.id) loadInspection(order.id);
    const data = state.inspection && state.inspection.id === order.id ? state.inspection.data : undefined;
    const title = `<h2>${esc(T.insp.title)}</h2>`;
    if (data === undefined) return `<section class="inspection">${title}<p class="muted">${esc(T.loading)}</p></section>`;
    if (data === null) return `<section class="inspection">${title}<p class="muted">${esc(T.insp.notPlanned)}</p></section>`;
    if (data === "failed") return `<section class="inspection">${title}<p class="muted">${esc(T.needsNetwork)}</p></section>`;
    const working = OPEN.includes(order.status);
    const transferable = working || ["completed", "confirmed"].includes(order.status);
    const parts = [`<section class="inspection">${title}
      <p class="plan"><b>${esc(data.plan)}</b>${data.plan === T.planKind[data.kind] ? "" : ` <span class="badge">${esc(T.planKind[data.kind] || data.kind)}</span>`}</p>
      <p>${esc(fill(T.insp.period, { start: data.period_start, end: data.period_end }))} · ${esc(T.insp.grid)} ${esc(data.grid)}</p>
      <p class="due">${esc(fill(T.due, { time: when(data.due_at) }))}</p>`];
    // the checklist: each item's latest result, ticked as a log line of kind `checklist`
    const ticks = waitingInspection(order, "log/").filter((item) => item.body.kind === "checklist");
    if (data.checklist.length) {
      const checked = data.checklist.filter((row) => row.is_ok !== null).length;
      parts.push(`<h3>${esc(T.insp.checklist)} <small>${esc(fill(T.evidence.progress, { done: checked, all: data.checklist.length }))}</small></h3><ul class="insp-checklist">`);
      for (const row of data.checklist) {
        const pending = ticks.some((item) => item.body.item_code === row.code);
        const result = row.is_ok === null ? `<span class="muted">${esc(T.insp.unchecked)}</span>`
          : `<span class="${row.is_ok ? "ok" : "bad"}">${esc(row.is_ok ? T.insp.ok : T.insp.problem)}</span> <small class="muted">${esc(when(row.checked_at))}</small>`;
        const tools = working
          ? `<div class="tools"><button class="small" data-do="insp-ok" data-id="${order.id}" data-item="${esc(row.code)}">${esc(T.insp.ok)}</button>
             <button class="small" data-do="insp-problem" data-id="${order.id}" data-item="${esc(row.code)}">${esc(T.insp.problem)}</button></div>` : "";
        parts.push(`<li class="insp-item ${row.is_ok === null ? "" : row.is_ok ? "is-ok" : "is-problem"}" data-item="${esc(row.code)}">
          <span class="label">${esc(row.label)}</span> ${result}${pending ? ` <span class="waiting">${esc(T.pendingHere)}</span>` : ""}
          ${row.is_ok === false && row.note ? `<div class="why">${esc(row.note)}</div>` : ""}${tools}</li>`);
      }
      parts.push(`</ul>`);
    }
    // the resource check / asset inventory: each element confirmed or corrected on site
    if (data.elements.length) {
      const checks = waitingInspection(order, "checks/");
      const done = data.elements.filter((row) => row.is_confirmed !== null).length;
      parts.push(`<h3>${esc(T.planKind[data.kind] || T.insp.elements)} <small>${esc(fill(T.evidence.progress, { done, all: data.elements.length }))}</small></h3><ul class="insp-elements">`);
      for (const row of data.elements) {
        const pending = checks.some((item) => item.body.element_kind === row.kind && item.body.element_code === row.code);
        const result = row.is_confirmed === null ? `<span class="muted">${esc(T.insp.unchecked)}</span>`
          : `<span class="${row.is_confirmed ? "ok" : "bad"}">${esc(row.is_confirmed ? T.insp.confirmed : T.insp.corrected)}</span>`;
        const tools = working
          ? `<div class="tools"><button class="small" data-do="insp-confirm" data-id="${order.id}" data-kind="${esc(row.kind)}" data-code="${esc(row.code)}">${esc(T.insp.confirm)}</button>
             <button class="small" data-do="insp-correct" data-id="${order.id}" data-kind="${esc(row.kind)}" data-code="${esc(row.code)}">${esc(T.insp.correct)}</button></div>` : "";
        parts.push(`<li class="insp-element" data-code="${esc(row.code)}"><b>${esc(T.elementKind[row.kind] || row.kind)} ${esc(row.code)}</b> ${result}${pending ? ` <span class="waiting">${esc(T.pendingHere)}</span>` : ""}
          <div class="muted rec">${esc(recordedText(row.kind, row.recorded))}</div>${tools}</li>`);
      }
      parts.push(`</ul>`);
      const open = data.discrepancies.filter((d) => d.status === "open");
      if (open.length) {
        parts.push(`<h3>${esc(T.insp.discrepancies)}</h3><ul class="insp-discrepancies">${open.map((d) =>
          `<li>${esc(T.elementKind[d.element_kind] || d.element_kind)} ${esc(d.element_code)} · ${esc(T.elementField[d.field] || d.field)}：${esc(fill(T.insp.expectedFound, { expected: d.expected, found: d.found }))}</li>`).join("")}</ul>`);
      }
    }
    // the log: what was inspected, replaced, repaired (checklist lines are shown above)
    const lines = data.log.filter((entry) => entry.kind !== "checklist");
    parts.push(`<h3>${esc(T.insp.log)}</h3>`);
    parts.push(lines.length ? `<ul class="insp-log">${lines.map((entry) => `<li data-entry="${entry.id}"><b>${esc(T.logKind[entry.kind] || entry.kind)}</b> ${esc(entry.element_code)}${entry.fault_kind ? ` · ${esc(entry.fault_kind)}` : ""}
        ${entry.note ? `<div>${esc(entry.note)}</div>` : ""}<small class="muted">${esc(when(entry.recorded_at))} · ${esc(entry.recorded_by)}</small></li>`).join("")}</ul>`
      : `<p class="muted">${esc(T.insp.noLog)}</p>`);
    if (working) parts.push(`<button class="small" data-do="insp-log" data-id="${order.id}">${esc(T.insp.addLog)}</button>`);
    // transfers to other departments (R-ORD-5)
    parts.push(`<h3>${esc(T.insp.transfers)}</h3>`);
    parts.push(data.transfers.length ? `<ul class="insp-transfers">${data.transfers.map((t) => `<li><b>${esc(T.department[t.department] || t.department_label)}</b>${t.element_code ? ` · ${esc(t.element_code)}` : ""}
        <div>${esc(t.reason)}</div><small class="muted">${esc(when(t.transferred_at))} · ${esc(t.transferred_by)}</small></li>`).join("")}</ul>`
      : `<p class="muted">${esc(T.insp.noTransfers)}</p>`);
    if (transferable) parts.push(`<button class="small" data-do="insp-transfer" data-id="${order.id}">${esc(T.insp.transfer)}</button>`);
    parts.push(`</section>`);
    return parts.join("");
  }

  const INSPECTION_VERBS = {
    "insp-ok": (order, button) => {
      const row = inspectionRow(order, button.dataset.item);
      return inspectionWrite(order, "log/", { kind: "checklist", item_code: button.dataset.item, is_ok: true },
        fill(T.insp.tickLabel, { item: row ? row.label : button.dataset.item, result: T.insp.ok }));
    },
    "insp-problem": async (order, button) => {
      const row = inspectionRow(order, button.dataset.item);
      const label = row ? row.label : button.dataset.item;
      const values = await ask({ title: `${label}：${T.insp.problem}`, fields: [{ name: "note", label: T.insp.problemNote, type: "textarea", required: true }] });
      if (values) {
        await inspectionWrite(order, "log/", { kind: "checklist", item_code: button.dataset.item, is_ok: false, note: values.note },
          fill(T.insp.tickLabel, { item: label, result: T.insp.problem }));
      }
    },
    "insp-log": async (order) => {
      const values = await ask({ title: T.insp.addLog, fields: [
        { name: "kind", label: T.insp.logKindField, type: "select", options: ["inspected", "replaced", "repaired"].map((k) => [k, T.logKind[k]]), value: "inspected" },
        { name: "element_code", label: T.insp.elementCode, required: true },
        { name: "fault_kind", label: T.insp.faultKind },
        { name: "note", label: T.field.note, type: "textarea" }] });
      if (values) await inspectionWrite(order, "log/", values, `${T.logKind[values.kind]} ${values.element_code}`);
    },
    "insp-transfer": async (order) => {
      const values = await ask({ title: T.insp.transfer, fields: [
        { name: "department", label: T.insp.department, type: "select", options: Object.entries(T.department), value: "line_centre" },
        { name: "element_code", label: `${T.insp.elementCode}${T.evidence.optional}` },
        { ...reasonField, label: T.insp.transferReason }] });
      if (values) await inspectionWrite(order, "transfers/", values, fill(T.insp.transferLabel, { department: T.department[values.department] }));
    },
    "insp-confirm": (order, button) => inspectionWrite(order, "checks/",
      { element_kind: button.dataset.kind, element_code: button.dataset.code, corrections: [] },
      `${T.insp.confirm} ${button.dataset.code}`),
    "insp-correct": async (order, button) => {
      const data = state.inspection && state.inspection.data;
      const row = ((data && data.elements) || []).find((e) => e.kind === button.dataset.kind && e.code === button.dataset.code);
      const fields = Object.keys((row && row.recorded) || {});
      const values = await ask({ title: `${T.insp.correct} ${button.dataset.code}`,
        intro: row ? `<p class="muted">${esc(T.insp.recorded)}：${esc(recordedText(row.kind, row.recorded))}</p>` : "",
        fields: [
          { name: "field", label: T.insp.field, type: "select", options: fields.map((f) => [f, T.elementField[f] || f]), value: fields[0] },
          { name: "found", label: T.insp.found, required: true }] });
      if (values) {
        await inspectionWrite(order, "checks/", { element_kind: button.dataset.kind, element_code: button.dataset.code, corrections: [values] },
          `${T.insp.correct} ${button.dataset.code}`);
      }
    },
  };

  function inspectionRow(order, code) {
    const data = state.inspection && state.inspection.id === order.id && state.inspection.data;
    return ((data && data.checklist) || []).find((row) => row.code === code);
  }

  /** A rectification order: the switch and the readings that breached, from the order's own
      timeline (each breach an event with the metric, value and threshold) and the switch's
      record. Read online; the last answer is kept in this page's memory. */
  async function loadRectification(orderId, force = false) {
    if (!force && state.rectification && state.rectification.id === orderId) return;
    state.rectification = { id: orderId, data: undefined };
    let data = state.rectificationKept.get(orderId) || "failed";
    try {
      const events = await read(`work-orders/${orderId}/events/`);
      const breaches = events.filter((event) => event.kind === "switch_breach");
      const code = breaches.length ? breaches[0].data.switch : null;
      const device = code ? await read(`switches/${encodeURIComponent(code)}/`).catch(() => null) : null;
      data = { code, device, breaches };
      state.rectificationKept.set(orderId, data);
    } catch (failure) { /* offline: what was read before, if anything */ }
    if (!state.rectification || state.rectification.id !== orderId) return;
    state.rectification = { id: orderId, data };
    rerender();
  }

  const percent = (value) => (value === null || value === undefined ? T.none : `${Number(value).toFixed(1)}%`);

  function rectificationSection(order) {
    if (!state.rectification || state.rectification.id !== order.id) loadRectification(order.id);
    const data = state.rectification && state.rectification.id === order.id ? state.rectification.data : undefined;
    const title = `<h2>${esc(T.rect.title)}</h2>`;
    if (data === undefined) return `<section class="rectification">${title}<p class="muted">${esc(T.loading)}</p></section>`;
    if (data === "failed") return `<section class="rectification">${title}<p class="muted">${esc(T.needsNetwork)}</p></section>`;
    if (!data.code) return `<section class="rectification">${title}<p class="muted">${esc(T.rect.noBreach)}</p></section>`;
    const device = data.device;
    const parts = [`<section class="rectification">${title}<p class="switch"><b>${esc(T.rect.switch)} ${esc(data.code)}</b>${device && device.name && !device.name.includes(data.code) ? ` ${esc(device.name)}` : ""}</p>`];
    if (device) {
      parts.push(`<p>${esc(T.switchKind[device.kind] || device.kind)} · ${esc(T.insp.grid)} ${esc(device.grid)}${device.uplink_interface ? ` · ${esc(T.rect.uplink)} ${esc(device.uplink_interface)}${device.uplink_to ? ` → ${esc(device.uplink_to)}` : ""}` : ""}</p>`);
      const latest = device.latest_reading;
      if (latest) {
        parts.push(`<p class="latest ${latest.is_breach ? "bad" : "ok"}">${esc(fill(T.rect.latest, { time: when(latest.measured_at) }))}
          ${METRICS.map((m) => `${esc(T.metric[m])} ${esc(percent(latest[m]))}`).join(" · ")}</p>`);
      }
      if (device.is_unreachable) parts.push(`<p class="warn">${esc(T.rect.unreachable)}</p>`);
    }
    parts.push(`<h3>${esc(T.rect.breaches)}</h3><table class="breaches"><thead><tr><th>${esc(T.rect.time)}</th><th>${esc(T.rect.metric)}</th><th>${esc(T.rect.value)}</th><th>${esc(T.rect.threshold)}</th></tr></thead><tbody>`);
    for (const event of data.breaches.slice().reverse()) {
      for (const breach of event.data.breaches || []) {
        parts.push(`<tr data-metric="${esc(breach.metric)}"><td>${esc(when(event.occurred_at))}</td><td>${esc(T.metric[breach.metric] || breach.metric)}</td>
          <td class="bad">${esc(percent(breach.value))}</td><td>${esc(fill(T.rect.below, { value: percent(breach.threshold) }))}</td></tr>`);
      }
    }
    parts.push(`</tbody></table><p class="muted">${esc(T.rect.hint)}</p></section>`);
    return parts.join("");
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
    else if (order && EVIDENCE_VERBS[button.dataset.do]) await EVIDENCE_VERBS[button.dataset.do](order, button);
    else if (order && INSPECTION_VERBS[button.dataset.do]) await INSPECTION_VERBS[button.dataset.do](order, button);
  });
  document.addEventListener("change", async (event) => {
    const input = event.target.closest("input[type=file][data-photo]");
    if (!input || !input.files.length) return;
    const order = state.orders.get(Number(input.dataset.id));
    const file = input.files[0];
    input.value = "";
    if (!order) return;
    if (input.dataset.photo === "scan") {
      await evidenceWrite(order, "acceptance/scan", { file }, T.evidence.scanLabel, true);
    } else {
      await evidenceWrite(order, "photos", { kind: input.dataset.photo, file }, fill(T.evidence.photoOf, { kind: T.photoKind[input.dataset.photo] }), true);
    }
  });
  $(".back").addEventListener("click", (event) => {
    event.preventDefault();
    location.hash = "";
  });
  window.addEventListener("hashchange", () => {
    state.revealed.clear(); // a revealed phone is shown once, then forgotten
    state.timeline = null;
    state.evidence = null;
    state.evidenceFor = null;
    state.inspection = null;
    state.rectification = null;
    show();
  });
  window.addEventListener("online", async () => {
    await Outbox.flush(); // the waiting actions first, then read what they changed
    show();
  });
  window.addEventListener("offline", () => { refreshOutbox(); rerender(); });
  setInterval(tick, 1000);

  Outbox.on(async (event) => {
    if (event.type === "applied" && event.item.verb === "inspection") {
      await refreshOutbox();
      if (route().order === event.item.orderId) return loadInspection(event.item.orderId, true);
      return;
    }
    if (event.type === "applied" && event.item.verb === "evidence") {
      await refreshOutbox();
      if (route().order === event.item.orderId) {
        if (event.item.path.endsWith("/satisfaction/")) state.orders.delete(event.item.orderId); // may have reopened it
        return loadEvidence(event.item.orderId, true);
      }
      return;
    }
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
