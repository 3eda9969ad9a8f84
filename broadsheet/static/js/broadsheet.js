/* Broadsheet reader enhancements. Everything here is optional: pages work
 * without it. Nothing is sent anywhere; choices stay in this browser's
 * localStorage, and every stored value is checked before it is used, so a
 * corrupted or tampered value is reset rather than breaking the page. */
(function () {
  "use strict";

  var SAVED_KEY = "bs:saved";
  var CONSENT_KEY = "bs:consent";
  var INSTALL_KEY = "bs:install-dismissed";
  var SAVED_CACHE = "bs-saved";
  var MAX_SAVED = 200;
  var MAX_STORED_CHARS = 200000;

  /* ---- storage that never throws ------------------------------------- */

  function readJSON(key) {
    try {
      var raw = window.localStorage.getItem(key);
      if (raw === null) return { value: null, ok: true };
      if (raw.length > MAX_STORED_CHARS) return { value: null, ok: false };
      return { value: JSON.parse(raw), ok: true };
    } catch (error) {
      return { value: null, ok: false };
    }
  }

  function writeJSON(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }

  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (error) { /* ignore */ }
  }

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
    var control = (response.headers.get("Cache-Control") || "").toLowerCase();
    return response.ok && control.indexOf("public") !== -1 &&
      control.indexOf("private") === -1 && control.indexOf("no-store") === -1;
  }

  /* ---- saved articles ------------------------------------------------ */

  // Returns {items, reset}: reset is true when the stored list was unusable.
  function loadSaved() {
    var stored = readJSON(SAVED_KEY);
    if (!stored.ok || (stored.value !== null && !Array.isArray(stored.value))) {
      forget(SAVED_KEY);
      return { items: [], reset: true };
    }
    var seen = {};
    var items = (stored.value || []).filter(function (item) {
      var valid = item && typeof item === "object" && isLocalPath(item.url) &&
        typeof item.title === "string" && !seen[item.url];
      if (valid) seen[item.url] = true;
      return valid;
    }).slice(0, MAX_SAVED).map(function (item) {
      return {
        url: item.url,
        title: text(item.title, 300),
        standfirst: text(item.standfirst, 400),
        savedAt: typeof item.savedAt === "number" ? item.savedAt : 0,
        assets: Array.isArray(item.assets) ? item.assets.filter(isLocalPath).slice(0, 40) : []
      };
    });
    return { items: items, reset: stored.value !== null && items.length !== stored.value.length };
  }

  // Keep the offline copies in step with the list: whatever no saved
  // article needs any more is deleted, whichever way it left the list.
  function storeSaved(items) {
    items = items.slice(0, MAX_SAVED);
    writeJSON(SAVED_KEY, items);
    if (!("caches" in window)) return Promise.resolve();
    var needed = {};
    items.forEach(function (item) {
      needed[item.url] = true;
      item.assets.forEach(function (asset) { needed[asset] = true; });
    });
    return window.caches.open(SAVED_CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.filter(function (request) {
          var url = new URL(request.url);
          return !needed[url.pathname + url.search];
        }).map(function (request) { return cache.delete(request); }));
      });
    }).catch(function () {});
  }

  // Everything the article needs to show offline: its images at every size
  // the browser might pick, and the stylesheet and script it was served with.
  function pageAssets() {
    var urls = [];
    function add(url) {
      if (!url) return;
      var parsed = new URL(url, location.href);
      var path = parsed.pathname + parsed.search;
      if (parsed.origin === location.origin && urls.indexOf(path) === -1) urls.push(path);
    }
    Array.prototype.forEach.call(document.querySelectorAll(".article img"), function (img) {
      add(img.getAttribute("src"));
      (img.getAttribute("srcset") || "").split(",").forEach(function (candidate) {
        add(candidate.trim().split(/\s+/)[0]);
      });
    });
    Array.prototype.forEach.call(
      document.querySelectorAll('link[rel="stylesheet"], script[src]'),
      function (element) { add(element.getAttribute("href") || element.getAttribute("src")); }
    );
    return urls.slice(0, 40);
  }

  // Resolves true when the page was stored; pages that are not public (a
  // member's own view, say) are never kept on the device.
  function keepOffline(url, assets) {
    if (!("caches" in window)) return Promise.resolve(false);
    return window.caches.open(SAVED_CACHE).then(function (cache) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!isPublic(response)) return false;
        return cache.put(url, response).then(function () {
          return Promise.all(assets.map(function (asset) {
            return fetch(asset).then(function (reply) {
              return reply.ok ? cache.put(asset, reply) : null;
            }).catch(function () { return null; });
          }));
        }).then(function () { return true; });
      });
    }).catch(function () { return false; });
  }

  function setupSaveButton(button) {
    var url = button.getAttribute("data-url");
    if (!isLocalPath(url)) return;
    var status = document.querySelector("[data-save-status]");
    function isSaved() {
      return loadSaved().items.some(function (item) { return item.url === url; });
    }
    function show(message) {
      var saved = isSaved();
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      button.textContent = saved ? "Saved for later ✓" : "Save for later";
      if (status && message) status.textContent = message;
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var others = loadSaved().items.filter(function (item) { return item.url !== url; });
      if (isSaved()) {
        storeSaved(others);
        show("Removed from your saved articles.");
        return;
      }
      var assets = pageAssets();
      var item = {
        url: url,
        title: button.getAttribute("data-title") || document.title,
        standfirst: button.getAttribute("data-standfirst") || "",
        savedAt: Date.now(),
        assets: assets
      };
      storeSaved([item].concat(others));
      show("Saved. It can be read on this device without a connection.");
      keepOffline(url, assets).then(function (kept) {
        if (kept) return;
        storeSaved(loadSaved().items.filter(function (other) { return other.url !== url; }));
        show("This page cannot be kept offline.");
      });
    });
  }

  function renderSavedList(container, focusIndex) {
    var loaded = loadSaved();
    var list = container.querySelector("[data-saved-items]");
    var empty = container.querySelector("[data-saved-empty]");
    var notice = container.querySelector("[data-saved-reset]");
    var status = container.querySelector("[data-saved-status]");
    if (loaded.reset) {
      storeSaved(loaded.items);
      if (notice) notice.hidden = false;
    }
    list.textContent = "";
    loaded.items.forEach(function (item, index) {
      var entry = document.createElement("li");
      entry.className = "saved-item";
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      var heading = document.createElement("h2");
      heading.className = "card__title";
      heading.appendChild(link);
      entry.appendChild(heading);
      if (item.standfirst) {
        var standfirst = document.createElement("p");
        standfirst.className = "card__standfirst";
        standfirst.textContent = item.standfirst;
        entry.appendChild(standfirst);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button--quiet";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + item.title);
      remove.addEventListener("click", function () {
        storeSaved(loadSaved().items.filter(function (other) { return other.url !== item.url; }));
        if (status) status.textContent = "Removed “" + item.title + "”.";
        renderSavedList(container, index);
      });
      entry.appendChild(remove);
      list.appendChild(entry);
    });
    empty.hidden = loaded.items.length > 0;
    container.hidden = false;
    if (typeof focusIndex === "number") {
      // Keep keyboard users in place after a removal.
      var links = list.querySelectorAll("a");
      var target = links[Math.min(focusIndex, links.length - 1)] ||
        document.querySelector("[data-saved-heading]");
      if (target) target.focus();
    }
  }

  /* ---- consent for optional third-party content ---------------------- */

  function loadConsent() {
    var stored = readJSON(CONSENT_KEY);
    var value = stored.value;
    var valid = stored.ok && value && typeof value === "object" && value.v === 1 &&
      value.embeds && typeof value.embeds === "object" && !Array.isArray(value.embeds);
    var consent = { v: 1, embeds: {} };
    if (valid) {
      Object.keys(value.embeds).slice(0, 50).forEach(function (name) {
        if (name.length <= 60 && typeof value.embeds[name] === "boolean") {
          consent.embeds[name] = value.embeds[name];
        }
      });
    } else if (stored.value !== null || !stored.ok) {
      forget(CONSENT_KEY);  // tampered or corrupt: nothing is allowed
    }
    return consent;
  }

  function setConsent(provider, allowed) {
    var consent = loadConsent();
    consent.embeds[provider] = allowed;
    writeJSON(CONSENT_KEY, consent);
  }

  function loadEmbed(figure) {
    var src = figure.getAttribute("data-embed-src");
    var provider = figure.getAttribute("data-embed-provider");
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = "Content from " + provider;
    frame.loading = "lazy";
    frame.allow = "fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
    frame.className = "embed__frame";
    var placeholder = figure.querySelector(".embed__placeholder");
    var hadFocus = placeholder.contains(document.activeElement);
    figure.replaceChild(frame, placeholder);
    if (hadFocus) frame.focus();  // keyboard users stay where they were
  }

  function setupEmbed(figure) {
    var provider = figure.getAttribute("data-embed-provider");
    if (!provider) return;
    if (loadConsent().embeds[provider] === true) {
      loadEmbed(figure);
      return;
    }
    var actions = figure.querySelector(".embed__actions");
    actions.hidden = false;
    figure.querySelector("[data-embed-load]").addEventListener("click", function () {
      if (figure.querySelector("[data-embed-remember]").checked) setConsent(provider, true);
      loadEmbed(figure);
    });
  }

  function setupChoices(form) {
    var consent = loadConsent();
    Array.prototype.forEach.call(form.querySelectorAll("[data-choice]"), function (group) {
      var provider = group.getAttribute("data-choice");
      var allowed = consent.embeds[provider] === true;
      group.querySelector('input[value="allow"]').checked = allowed;
      group.querySelector('input[value="ask"]').checked = !allowed;
    });
    form.hidden = false;
    form.addEventListener("change", function (event) {
      var group = event.target.closest("[data-choice]");
      if (!group) return;
      setConsent(group.getAttribute("data-choice"), event.target.value === "allow");
      var status = form.querySelector("[data-choices-status]");
      if (status) status.textContent = "Saved on this device.";
    });
  }

  /* ---- forms whose CSRF token is fetched on first use ------------------ */

  // Pages with forms stay cookie-free until someone starts to fill one in.
  function setupDeferredCsrf(input) {
    var form = input.form;
    var pending = null;
    function fetchToken() {
      if (!pending) {
        pending = fetch("/csrf/", { credentials: "same-origin", cache: "no-store" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            if (typeof data.token !== "string" || !data.token) throw new Error("no token");
            input.value = data.token;
          })
          .catch(function (error) {
            pending = null;  // try again next time
            throw error;
          });
      }
      return pending;
    }
    // Typing or clicking, not focus: sign-in fields are often autofocused.
    ["keydown", "pointerdown", "input"].forEach(function (type) {
      form.addEventListener(type, fetchToken, { once: true });
    });
    form.addEventListener("submit", function (event) {
      if (input.value) return;
      event.preventDefault();
      fetchToken().then(function () { form.submit(); }, function () {
        // Could not fetch a token: fall back to the form that carries one.
        var next = new URL(location.href);
        next.searchParams.set("csrf", "1");
        location.assign(next.pathname + next.search);
      });
    });
  }

  /* ---- comments: reply in place ------------------------------------------ */

  // Without JavaScript "Reply" opens a page with its own form; with it, the
  // article's comment form moves under the comment being answered.
  function setupCommentReplies(form) {
    var home = form.parentNode;
    var anchor = form.nextSibling;
    var replyTo = form.querySelector("input[name=reply_to]");
    var cancel = form.querySelector("[data-reply-cancel]");
    var text = form.querySelector("textarea");
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("[data-reply-to]") : null;
      if (!link) return;
      event.preventDefault();
      replyTo.value = link.getAttribute("data-reply-to");
      link.closest(".comment__inner").appendChild(form);
      cancel.hidden = false;
      text.focus();
    });
    cancel.addEventListener("click", function () {
      replyTo.value = "";
      home.insertBefore(form, anchor);
      cancel.hidden = true;
      text.focus();
    });
  }

  function setupForget(section) {
    section.hidden = false;
    section.querySelector("[data-forget-all]").addEventListener("click", function () {
      [SAVED_KEY, CONSENT_KEY, INSTALL_KEY].forEach(forget);
      var done = function () {
        section.querySelector("[data-forget-status]").textContent =
          "Deleted. Nothing from this site is stored on this device now.";
      };
      if (!("caches" in window)) return done();
      window.caches.keys().then(function (names) {
        // The app shell is the site's own code, not the reader's data: keep it.
        return Promise.all(names.filter(function (name) {
          return name.indexOf("bs-") === 0 && name.indexOf("bs-shell-") !== 0;
        })
          .map(function (name) { return window.caches.delete(name); }));
      }).then(done, done);
    });
  }

  /* ---- sharing ---------------------------------------------------------- */

  function setupShare(section) {
    var status = section.querySelector("[data-share-status]");
    var native = section.querySelector("[data-share-native]");
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: native.getAttribute("data-title"), url: native.getAttribute("data-url") })
          .catch(function () {});
      });
    }
    var copy = section.querySelector("[data-share-copy]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(copy.getAttribute("data-url")).then(function () {
          status.textContent = "Link copied.";
        }, function () {
          status.textContent = "Could not copy; the address is " + copy.getAttribute("data-url");
        });
      });
    }
  }

  // Mastodon servers are the reader's own: go straight there when we can
  // (the no-JavaScript form takes a confirming step on this site).
  var MASTODON_HOST = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

  function setupMastodon(form) {
    form.addEventListener("submit", function (event) {
      var raw = form.querySelector("input[name=instance]").value.trim().toLowerCase()
        .replace(/^https?:\/\//, "").split("/")[0].replace(/^@/, "");
      var host = raw.indexOf("@") === -1 ? raw : raw.split("@").pop();
      var share = document.querySelector("[data-share-native]");
      if (!MASTODON_HOST.test(host) || !share) return;  // let the server explain
      event.preventDefault();
      var text = share.getAttribute("data-title") + " " + share.getAttribute("data-url");
      location.assign("https://" + host + "/share?text=" + encodeURIComponent(text));
    });
  }

  /* ---- podcast player ------------------------------------------------ */

  // Speed control, and chapter/transcript links that seek the player on
  // this page instead of opening the audio file.
  function setupPlayer(figure) {
    var audio = figure.querySelector("[data-player-audio]");
    var speed = figure.querySelector("[data-player-speed]");
    if (!audio || !speed) return;
    var rate = speed.querySelector("[data-player-rate]");
    speed.hidden = false;
    rate.addEventListener("change", function () {
      var value = parseFloat(rate.value);
      if (value >= 0.5 && value <= 3) audio.playbackRate = value;
    });
    var scope = figure.closest("article") || document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-seek]"), function (link) {
      link.addEventListener("click", function (event) {
        var seconds = parseFloat(link.getAttribute("data-seek"));
        if (!(seconds >= 0)) return;
        event.preventDefault();
        audio.currentTime = seconds;
        var playing = audio.play();
        if (playing && playing.catch) playing.catch(function () {});
        audio.focus();
      });
    });
  }

  function setupCopyFeed(button) {
    var section = button.closest(".platforms");
    var input = section && section.querySelector("[data-feed-url]");
    var status = section && section.querySelector("[data-copy-status]");
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) status.textContent = "Feed address copied.";
      }, function () {
        input.select();
        if (status) status.textContent = "Select the address and copy it.";
      });
    });
  }

  /* ---- installable app ----------------------------------------------- */

  function setupInstall() {
    var banner = document.querySelector("[data-install]");
    if (!banner) return;
    var deferred = null;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      if (readJSON(INSTALL_KEY).value === true) return;
      deferred = event;
      banner.hidden = false;
    });
    banner.querySelector("[data-install-accept]").addEventListener("click", function () {
      banner.hidden = true;
      if (deferred) deferred.prompt();
      deferred = null;
    });
    banner.querySelector("[data-install-dismiss]").addEventListener("click", function () {
      banner.hidden = true;
      writeJSON(INSTALL_KEY, true);
    });
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var source = document.documentElement.getAttribute("data-sw");
    if (!source) return;
    navigator.serviceWorker.register(source, { scope: "/" }).catch(function () {});
  }

  document.documentElement.classList.add("js");
  registerServiceWorker();
  setupInstall();
  Array.prototype.forEach.call(document.querySelectorAll("[data-embed]"), setupEmbed);
  Array.prototype.forEach.call(document.querySelectorAll("[data-save-article]"), setupSaveButton);
  var savedList = document.querySelector("[data-saved-list]");
  if (savedList) renderSavedList(savedList);
  Array.prototype.forEach.call(document.querySelectorAll("[data-csrf-deferred]"), setupDeferredCsrf);
  Array.prototype.forEach.call(document.querySelectorAll(".share"), setupShare);
  Array.prototype.forEach.call(document.querySelectorAll("[data-comment-form]"), setupCommentReplies);
  Array.prototype.forEach.call(document.querySelectorAll("[data-mastodon-share]"), setupMastodon);
  Array.prototype.forEach.call(document.querySelectorAll("[data-player]"), setupPlayer);
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-feed]"), setupCopyFeed);
  var forgetSection = document.querySelector("[data-forget]");
  if (forgetSection) setupForget(forgetSection);
  var choices = document.querySelector("[data-privacy-choices]");
  if (choices) setupChoices(choices);
})();
