/* Broadsheet service worker, version {{ version }}.
 *
 * - The app shell (offline page, saved page, CSS, every JS module, icon) is
 *   stored on install.
 * - Pages readers open are kept for offline reading: network first, the copy
 *   when offline; at most MAX_PAGES, oldest dropped first.
 * - Only responses marked Cache-Control: public are ever stored, so pages for
 *   logged-in people (private), the admin and POST responses never are.
 * - "Save for later" copies live in their own cache, kept until removed.
 * - A new version installs its own shell and deletes the old one.
 */
"use strict";

const VERSION = "{{ version }}";
const SHELL = "bs-shell-" + VERSION;
const PAGES = "bs-pages";
const IMAGES = "bs-images";
const SAVED = "bs-saved";
const KNOWN = [SHELL, PAGES, IMAGES, SAVED];
const PRECACHE = {{ precache_json|safe }};
const OFFLINE_URL = PRECACHE[0];
const MAX_PAGES = {{ max_pages }};
const MAX_IMAGES = 200;
const NEVER = ["/admin/", "/accounts/", "/sw.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => !KNOWN.includes(name)).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function isShareable(response) {
  if (!response || !response.ok || response.type !== "basic") return false;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return control.includes("public") && !control.includes("private") && !control.includes("no-store");
}

async function keepBounded(cacheName, maximum) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  for (const request of keys.slice(0, Math.max(0, keys.length - maximum))) {
    await cache.delete(request);
  }
}

async function remember(cacheName, maximum, request, response) {
  const cache = await caches.open(cacheName);
  await cache.delete(request);  // re-insert so the newest is last
  await cache.put(request, response);
  await keepBounded(cacheName, maximum);
}

async function page(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (isShareable(response)) {
      event.waitUntil(remember(PAGES, MAX_PAGES, request, response.clone()));
    }
    return response;
  } catch (error) {
    const copy = await caches.match(request, { ignoreSearch: false });
    return copy || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function asset(event, cacheName, maximum) {
  const copy = await caches.match(event.request);
  if (copy) return copy;
  const response = await fetch(event.request);
  if (isShareable(response) || (response.ok && cacheName === SHELL)) {
    event.waitUntil(remember(cacheName, maximum, event.request, response.clone()));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(event, SHELL, 1000));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(asset(event, IMAGES, MAX_IMAGES));
  }
});
