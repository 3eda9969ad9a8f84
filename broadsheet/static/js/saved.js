/* Save for later: the article's button, and the list on /saved/. The list
 * lives in localStorage (bs:saved), the offline copies in the bs-saved cache. */

import { SAVED_KEY, readJSON, writeJSON, forget } from "./storage.js";

const SAVED_CACHE = "bs-saved";
const MAX_SAVED = 200;

// A path on this site: no scheme, no "//host", no characters browsers
// strip or rewrite ("\\", tabs, newlines), and same origin once resolved.
function isLocalPath(url) {
  if (typeof url !== "string" || url.length > 500 || !/^\/(?![\/\\])[^\s\\]*$/.test(url)) {
    return false;
  }
  try {
    return new URL(url, location.origin).origin === location.origin;
  } catch (error) {
    return false;
  }
}

function text(value, limit) {
  return typeof value === "string" ? value.slice(0, limit) : "";
}

function isPublic(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && control.indexOf("public") !== -1 &&
    control.indexOf("private") === -1 && control.indexOf("no-store") === -1;
}

// Returns {items, reset}: reset is true when the stored list was unusable.
function loadSaved() {
  const stored = readJSON(SAVED_KEY);
  if (!stored.ok || (stored.value !== null && !Array.isArray(stored.value))) {
    forget(SAVED_KEY);
    return { items: [], reset: true };
  }
  const seen = {};
  const items = (stored.value || []).filter((item) => {
    const valid = item && typeof item === "object" && isLocalPath(item.url) &&
      typeof item.title === "string" && !seen[item.url];
    if (valid) seen[item.url] = true;
    return valid;
  }).slice(0, MAX_SAVED).map((item) => ({
    url: item.url,
    title: text(item.title, 300),
    standfirst: text(item.standfirst, 400),
    savedAt: typeof item.savedAt === "number" ? item.savedAt : 0,
    assets: Array.isArray(item.assets) ? item.assets.filter(isLocalPath).slice(0, 40) : []
  }));
  return { items: items, reset: stored.value !== null && items.length !== stored.value.length };
}

// Keep the offline copies in step with the list: whatever no saved
// article needs any more is deleted, whichever way it left the list.
function storeSaved(items) {
  items = items.slice(0, MAX_SAVED);
  writeJSON(SAVED_KEY, items);
  if (!("caches" in window)) return Promise.resolve();
  const needed = {};
  items.forEach((item) => {
    needed[item.url] = true;
    item.assets.forEach((asset) => { needed[asset] = true; });
  });
  return window.caches.open(SAVED_CACHE).then((cache) =>
    cache.keys().then((requests) => Promise.all(requests.filter((request) => {
      const url = new URL(request.url);
      return !needed[url.pathname + url.search];
    }).map((request) => cache.delete(request))))
  ).catch(() => {});
}

// Everything the article needs to show offline: its images at every size
// the browser might pick, and the stylesheet and script modules it was
// served with.
function pageAssets() {
  const urls = [];
  function add(url) {
    if (!url) return;
    const parsed = new URL(url, location.href);
    const path = parsed.pathname + parsed.search;
    if (parsed.origin === location.origin && urls.indexOf(path) === -1) urls.push(path);
  }
  document.querySelectorAll(".article img").forEach((img) => {
    add(img.getAttribute("src"));
    (img.getAttribute("srcset") || "").split(",").forEach((candidate) => {
      add(candidate.trim().split(/\s+/)[0]);
    });
  });
  document.querySelectorAll(
    'link[rel="stylesheet"], script[src], link[rel="modulepreload"]'
  ).forEach((element) => { add(element.getAttribute("href") || element.getAttribute("src")); });
  return urls.slice(0, 40);
}

// Resolves true when the page was stored; pages that are not public (a
// member's own view, say) are never kept on the device.
function keepOffline(url, assets) {
  if (!("caches" in window)) return Promise.resolve(false);
  return window.caches.open(SAVED_CACHE).then((cache) =>
    fetch(url, { credentials: "same-origin" }).then((response) => {
      if (!isPublic(response)) return false;
      return cache.put(url, response).then(() => Promise.all(assets.map((asset) =>
        fetch(asset).then((reply) => (reply.ok ? cache.put(asset, reply) : null))
          .catch(() => null)
      ))).then(() => true);
    })
  ).catch(() => false);
}

// The article's "Save for later" button ([data-save-article]).
export function startButton(button) {
  const url = button.getAttribute("data-url");
  if (!isLocalPath(url)) return;
  const status = document.querySelector("[data-save-status]");
  function isSaved() {
    return loadSaved().items.some((item) => item.url === url);
  }
  function show(message) {
    const saved = isSaved();
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    button.textContent = saved ? "Saved for later ✓" : "Save for later";
    if (status && message) status.textContent = message;
  }
  button.hidden = false;
  show();
  button.addEventListener("click", () => {
    const others = loadSaved().items.filter((item) => item.url !== url);
    if (isSaved()) {
      storeSaved(others);
      show("Removed from your saved articles.");
      return;
    }
    const assets = pageAssets();
    const item = {
      url: url,
      title: button.getAttribute("data-title") || document.title,
      standfirst: button.getAttribute("data-standfirst") || "",
      savedAt: Date.now(),
      assets: assets
    };
    storeSaved([item].concat(others));
    show("Saved. It can be read on this device without a connection.");
    keepOffline(url, assets).then((kept) => {
      if (kept) return;
      storeSaved(loadSaved().items.filter((other) => other.url !== url));
      show("This page cannot be kept offline.");
    });
  });
}

// The list on /saved/ ([data-saved-list]).
export function startList(container, focusIndex) {
  const loaded = loadSaved();
  const list = container.querySelector("[data-saved-items]");
  const empty = container.querySelector("[data-saved-empty]");
  const notice = container.querySelector("[data-saved-reset]");
  const status = container.querySelector("[data-saved-status]");
  if (loaded.reset) {
    storeSaved(loaded.items);
    if (notice) notice.hidden = false;
  }
  list.textContent = "";
  loaded.items.forEach((item, index) => {
    const entry = document.createElement("li");
    entry.className = "saved-item";
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    const heading = document.createElement("h2");
    heading.className = "card__title";
    heading.appendChild(link);
    entry.appendChild(heading);
    if (item.standfirst) {
      const standfirst = document.createElement("p");
      standfirst.className = "card__standfirst";
      standfirst.textContent = item.standfirst;
      entry.appendChild(standfirst);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button--quiet";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", "Remove " + item.title);
    remove.addEventListener("click", () => {
      storeSaved(loadSaved().items.filter((other) => other.url !== item.url));
      if (status) status.textContent = "Removed “" + item.title + "”.";
      startList(container, index);
    });
    entry.appendChild(remove);
    list.appendChild(entry);
  });
  empty.hidden = loaded.items.length > 0;
  container.hidden = false;
  if (typeof focusIndex === "number") {
    // Keep keyboard users in place after a removal.
    const links = list.querySelectorAll("a");
    const target = links[Math.min(focusIndex, links.length - 1)] ||
      document.querySelector("[data-saved-heading]");
    if (target) target.focus();
  }
}
