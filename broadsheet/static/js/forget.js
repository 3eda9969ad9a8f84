/* "Delete everything this site stored on this device" ([data-forget]):
 * the stored choices and lists, and every cache but the app shell. */

import { SAVED_KEY, CONSENT_KEY, INSTALL_KEY, forget } from "./storage.js";

export function start(section) {
  section.hidden = false;
  section.querySelector("[data-forget-all]").addEventListener("click", () => {
    [SAVED_KEY, CONSENT_KEY, INSTALL_KEY].forEach(forget);
    const done = () => {
      section.querySelector("[data-forget-status]").textContent =
        "Deleted. Nothing from this site is stored on this device now.";
    };
    if (!("caches" in window)) return done();
    window.caches.keys().then((names) =>
      // The app shell is the site's own code, not the reader's data: keep it.
      Promise.all(names.filter((name) => name.indexOf("bs-") === 0 && name.indexOf("bs-shell-") !== 0)
        .map((name) => window.caches.delete(name)))
    ).then(done, done);
  });
}
