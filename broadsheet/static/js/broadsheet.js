/* Broadsheet reader enhancements: the entry module, loaded by base.html as
 * <script type="module">. Everything here is optional: pages work without
 * it, and browsers that do not run modules simply get those pages.
 * Nothing is sent anywhere but the page view beacon (audience.js), to this
 * site and with no id; choices stay in this browser's localStorage.
 *
 * One module per feature, native ES modules, no build step. Imports are
 * relative ("./x.js") so collectstatic rewrites them to hashed names
 * (core/storage.py); every module here is precached by the service worker
 * and preloaded by base.html (core/scripts.py lists them). */

import * as install from "./install.js";
import * as embeds from "./embeds.js";
import * as saved from "./saved.js";
import * as csrf from "./csrf.js";
import * as share from "./share.js";
import * as comments from "./comments.js";
import * as player from "./player.js";
import * as copyAddress from "./copy-address.js";
import * as forget from "./forget.js";
import * as choices from "./choices.js";
import * as search from "./search.js";
import * as audience from "./audience.js";

// A feature that throws is reported, and the others still start.
function run(start, element) {
  try {
    start(element);
  } catch (error) {
    setTimeout(() => { throw error; });
  }
}

// Start a feature for every element that matches…
function each(selector, start) {
  document.querySelectorAll(selector).forEach((element) => run(start, element));
}

// …or for the first one, if any.
function first(selector, start) {
  const element = document.querySelector(selector);
  if (element) run(start, element);
}

document.documentElement.classList.add("js");
first("[data-sw]", install.registerWorker);
first("[data-install]", install.start);
each("[data-embed]", embeds.start);
each("[data-save-article]", saved.startButton);
first("[data-saved-list]", saved.startList);
each("[data-csrf-deferred]", csrf.start);
each(".share", share.start);
each("[data-comment-form]", comments.start);
each("[data-mastodon-share]", share.startMastodon);
each("[data-player]", player.start);
each("[data-copy-address]", copyAddress.start);
first("[data-forget]", forget.start);
first("[data-privacy-choices]", choices.start);
each("[data-suggest]", search.start);
first("[data-audience]", audience.start);
