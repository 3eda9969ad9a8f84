/* The installable app: the service worker (its address is the page's
 * data-sw attribute) and the install banner ([data-install]), shown only
 * when the browser offers installation, until dismissed for good. */

import { INSTALL_KEY, readJSON, writeJSON } from "./storage.js";

export function registerWorker(root) {
  if (!("serviceWorker" in navigator)) return;
  const source = root.getAttribute("data-sw");
  if (!source) return;
  navigator.serviceWorker.register(source, { scope: "/" }).catch(() => {});
}

export function start(banner) {
  let deferred = null;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    if (readJSON(INSTALL_KEY).value === true) return;
    deferred = event;
    banner.hidden = false;
  });
  banner.querySelector("[data-install-accept]").addEventListener("click", () => {
    banner.hidden = true;
    if (deferred) deferred.prompt();
    deferred = null;
  });
  banner.querySelector("[data-install-dismiss]").addEventListener("click", () => {
    banner.hidden = true;
    writeJSON(INSTALL_KEY, true);
  });
}
