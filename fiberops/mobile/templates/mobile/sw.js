/* The technician app's service worker (issue 7). Rendered by fiberops.mobile.views.service_worker:
   the version is a digest of the precached files, so any change installs a fresh cache.
   - the shell (page, manifest, scripts, styles, icons): precached, served from the cache;
   - API reads of the queue and of an order: network first, the last answer kept for offline
     display (marked with X-Fiberops-Offline); these answers carry masked customer data only;
   - everything else, and every POST (writes, the logged reveal of a phone), is never cached. */
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "fiberops-shell-" + VERSION;
const API_CACHE = "fiberops-api";
const PRECACHE = {{ precache_json|safe }};
const SHELL_URL = "{{ shell_url }}";
// The queue, an order, an inspection order's inspection and a switch (issue 10): no phone in any.
const CACHED_READS = [
  /^\/api\/v1\/me\/queue\/$/, /^\/api\/v1\/work-orders\/\d+\/$/,
  /^\/api\/v1\/work-orders\/\d+\/inspection\/$/, /^\/api\/v1\/switches\/[^/]+\/$/,
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // "no-cache": revalidate with the server (a 304 when the page has just fetched the file), so
    // the first load does not download the shell twice, and a stale copy is never kept.
    for (const url of PRECACHE) {
      const response = await fetch(new Request(url, { cache: "no-cache", credentials: "same-origin" }));
      if (!response.ok || response.redirected) throw new Error("precache " + url + ": " + response.status);
      await cache.put(url, response);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fiberops-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function fromShellCache(request, key) {
  const cached = await caches.match(key || request, { cacheName: SHELL_CACHE, ignoreSearch: !!key });
  return cached || fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const headers = new Headers(response.headers);
      headers.set("X-Fiberops-Stored-At", new Date().toISOString());
      const body = await response.clone().arrayBuffer();
      await cache.put(request, new Response(body, { status: response.status, headers }));
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (!cached) throw error;
    const headers = new Headers(cached.headers);
    headers.set("X-Fiberops-Offline", "1");
    return new Response(await cached.arrayBuffer(), { status: 200, headers });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL_URL) {
    event.respondWith(fromShellCache(request, SHELL_URL));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(fromShellCache(request));
  } else if (CACHED_READS.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("message", (event) => {
  // Signing out: nothing of the technician's orders stays on the phone.
  if (event.data === "forget") event.waitUntil(caches.delete(API_CACHE));
});
