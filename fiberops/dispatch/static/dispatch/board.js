// The dispatcher board (issue 9): choose an order, then a technician row or a suggestion. Assigning
// goes through the JSON API (dispatch for an unassigned order, handover to reassign) with the
// expected technician, so that a dispatcher who was slower gets the 409 and the current state.
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board) return;
  const api = board.dataset.api;
  const strings = JSON.parse(document.getElementById("board-strings").textContent);
  const data = JSON.parse(document.getElementById("board-data").textContent);
  const tiles = JSON.parse(document.getElementById("board-tiles").textContent);
  const csrf = board.querySelector("input[name=csrfmiddlewaretoken]").value;
  const $ = (id) => document.getElementById(id);
  const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173"];
  const colour = {};
  data.technicians.forEach((t, i) => { colour[t.staff_no] = PALETTE[i % PALETTE.length]; });
  document.querySelectorAll(".tech-swatch").forEach((el) => {
    el.style.background = colour[el.dataset.staff] || "#999";
  });

  let chosen = null;

  function choose(el) {
    document.querySelectorAll(".chosen").forEach((c) => c.classList.remove("chosen"));
    document.querySelectorAll(`[data-order="${el.dataset.order}"]`).forEach((c) => c.classList.add("chosen"));
    chosen = { id: el.dataset.order, no: el.dataset.no, technician: el.dataset.technician || "" };
    $("selection").hidden = false;
    $("sel-hint").hidden = true;
    $("sel-no").textContent = chosen.no;
    $("sel-current").textContent = chosen.technician
      ? format(strings.assigned_to, { technician: chosen.technician }) : strings.unassigned;
    $("sel-reason").hidden = !chosen.technician;
    $("pin-order").value = chosen.id;
    $("pin-form").hidden = !chosen.technician;
    $("unpin-button").hidden = !el.dataset.pinned;
    $("sel-message").textContent = "";
    document.querySelectorAll(".assign-to").forEach((b) => {
      b.disabled = b.dataset.staff === chosen.technician;
    });
    loadSuggestions(chosen.id);
  }

  function clear() {
    chosen = null;
    document.querySelectorAll(".chosen").forEach((c) => c.classList.remove("chosen"));
    $("selection").hidden = true;
    $("sel-hint").hidden = false;
    document.querySelectorAll(".assign-to").forEach((b) => { b.disabled = true; });
  }

  async function loadSuggestions(id) {
    const list = $("suggestions");
    list.innerHTML = "";
    list.setAttribute("aria-busy", "true");
    const response = await fetch(`${api}${id}/suggestions/`, { headers: { Accept: "application/json" } });
    list.removeAttribute("aria-busy");
    if (!chosen || chosen.id !== id) return;
    if (!response.ok) { $("sel-message").textContent = strings.failed; return; }
    const suggestions = await response.json();
    if (!suggestions.length) { list.innerHTML = `<li class="muted small">${strings.none}</li>`; return; }
    suggestions.slice(0, 6).forEach((s) => {
      const item = document.createElement("li");
      item.className = "suggestion";
      item.dataset.staff = s.technician;
      const why = s.why.map((w) => `<span>${escape(w)}</span>`).join("");
      item.innerHTML = `<button type="button" class="assign-suggestion primary" data-staff="${escape(s.technician)}">${strings.assign}</button>
        <strong>${escape(s.name)}</strong> <span class="small muted">${escape(s.technician)} · ${strings.score} ${s.score}</span>
        <div class="why small">${why}</div>`;
      list.appendChild(item);
    });
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  async function assign(staff) {
    if (!chosen) return;
    const body = { technician: staff, expected_technician: chosen.technician, borrow_reason: $("sel-borrow").value };
    let verb = "dispatch";
    if (chosen.technician) { verb = "handover"; body.reason = $("sel-reason").value; }
    $("sel-message").textContent = "";
    const response = await fetch(`${api}${chosen.id}/${verb}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.ok) { $("sel-message").textContent = strings.assigned; window.location.reload(); return; }
    let message = strings.failed;
    try {
      const error = (await response.json()).error;
      message = error.message;
      if (error.fields) message += " " + Object.values(error.fields).flat().join(" ");
      if (error.current) {
        message += " " + format(strings.current, { technician: error.current.technician || strings.unassigned, status: error.current.status });
      }
    } catch (ignored) { /* not JSON: keep the general message */ }
    $("sel-message").textContent = message;
  }

  board.addEventListener("click", (event) => {
    const target = event.target.closest(".queue-item, .job, .seg-stop, .assign-to, .assign-suggestion, #sel-clear");
    if (!target) return;
    if (target.id === "sel-clear") clear();
    else if (target.matches(".assign-to, .assign-suggestion")) assign(target.dataset.staff);
    else choose(target);
  });
  board.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches(".queue-item, .job, .seg-stop")) choose(event.target);
  });

  // --- the map: with or without tiles, the points and the lines show ---------------------------
  const map = L.map("board-map", { attributionControl: Boolean(tiles.url), zoomSnap: 0.25 });
  if (tiles.url) L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  const points = [];
  const icon = (className, html) => L.divIcon({ className, html, iconSize: null });
  data.unassigned.forEach((o) => {
    points.push(o.at);
    L.marker(o.at, { icon: icon(`queue-marker${o.urgent ? " urgent" : ""}`, `<span data-order="${o.order}">!</span>`), title: o.no })
      .addTo(map).on("click", () => {
        const item = document.querySelector(`.queue-item[data-order="${o.order}"]`);
        if (item) choose(item);
      });
  });
  data.technicians.forEach((t) => {
    const c = colour[t.staff_no];
    const route = [];
    if (t.at) {
      route.push(t.at);
      points.push(t.at);
      L.marker(t.at, { icon: icon("tech-marker", `<span style="background:${c}" data-staff="${escape(t.staff_no)}">${escape(t.name.slice(0, 1))}</span>`), title: t.name, zIndexOffset: 500 }).addTo(map);
    }
    if (t.plan) {
      // The stored day plan: a solid line from the start point through the stops in route
      // order and back, the stops numbered in that order.
      const planned = [];
      if (t.plan.start) { planned.push(t.plan.start); points.push(t.plan.start); }
      t.plan.stops.forEach((s) => {
        planned.push(s.at);
        points.push(s.at);
        L.marker(s.at, { icon: icon("job-marker planned", `<span style="border-color:${c}" data-order="${s.order}" data-staff="${escape(t.staff_no)}">${s.n}</span>`), title: `${s.n}. ${s.no} ${s.time} · ${t.name}` })
          .addTo(map).on("click", () => {
            const stop = document.querySelector(`.seg-stop[data-order="${s.order}"]`);
            if (stop) choose(stop);
          });
      });
      if (t.plan.start) planned.push(t.plan.start);
      if (planned.length > 1) {
        // The path exists once the map has a view (below): name its technician then.
        const line = L.polyline(planned, { color: c, weight: 3, opacity: 0.9, className: "plan-route" });
        line.on("add", () => { const path = line.getElement(); if (path) path.setAttribute("data-staff", t.staff_no); });
        line.addTo(map);
      }
      return;
    }
    t.jobs.forEach((j, index) => {
      route.push(j.at);
      points.push(j.at);
      L.marker(j.at, { icon: icon("job-marker", `<span style="border-color:${c}" data-order="${j.order}" data-staff="${escape(t.staff_no)}">${index + 1}</span>`), title: `${j.no} ${j.window} · ${t.name}` })
        .addTo(map).on("click", () => {
          const job = document.querySelector(`.job[data-order="${j.order}"]`);
          if (job) choose(job);
        });
    });
    if (route.length > 1) L.polyline(route, { color: c, weight: 2, opacity: 0.8, dashArray: "4 4" }).addTo(map);
  });
  if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 15 });
  else map.setView([30.66, 104.06], 11);
})();
