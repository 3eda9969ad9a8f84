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

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" &&
      url.length <= 500 && url.indexOf("\\") === -1;
  }

  function text(value, limit) {
    return typeof value === "string" ? value.slice(0, limit) : "";
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
        savedAt: typeof item.savedAt === "number" ? item.savedAt : 0
      };
    });
    return { items: items, reset: stored.value !== null && items.length !== stored.value.length };
  }

  function storeSaved(items) {
    writeJSON(SAVED_KEY, items.slice(0, MAX_SAVED));
  }

  function withSavedCache(action) {
    if (!("caches" in window)) return Promise.resolve();
    return window.caches.open(SAVED_CACHE).then(action).catch(function () {});
  }

  function setupSaveButton(button) {
    var url = button.getAttribute("data-url");
    if (!isLocalPath(url)) return;
    function isSaved() {
      return loadSaved().items.some(function (item) { return item.url === url; });
    }
    function show() {
      var saved = isSaved();
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      button.textContent = saved ? "Saved for later ✓" : "Save for later";
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var items = loadSaved().items.filter(function (item) { return item.url !== url; });
      if (isSaved()) {
        storeSaved(items);
        withSavedCache(function (cache) { return cache.delete(url); });
        show();
        return;
      }
      items.unshift({
        url: url,
        title: button.getAttribute("data-title") || document.title,
        standfirst: button.getAttribute("data-standfirst") || "",
        savedAt: Date.now()
      });
      storeSaved(items);
      show();
      var images = Array.prototype.map.call(
        document.querySelectorAll(".article img"),
        function (img) { return img.currentSrc || img.src; }
      ).filter(function (src) { return src && src.indexOf(location.origin) === 0; });
      withSavedCache(function (cache) {
        return cache.add(url).then(function () { return cache.addAll(images); });
      });
    });
  }

  function renderSavedList(container) {
    var loaded = loadSaved();
    var list = container.querySelector("[data-saved-items]");
    var empty = container.querySelector("[data-saved-empty]");
    var notice = container.querySelector("[data-saved-reset]");
    if (loaded.reset) {
      storeSaved(loaded.items);
      if (notice) notice.hidden = false;
    }
    list.textContent = "";
    loaded.items.forEach(function (item) {
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
      remove.addEventListener("click", function () {
        storeSaved(loadSaved().items.filter(function (other) { return other.url !== item.url; }));
        withSavedCache(function (cache) { return cache.delete(item.url); });
        renderSavedList(container);
      });
      entry.appendChild(remove);
      list.appendChild(entry);
    });
    empty.hidden = loaded.items.length > 0;
    container.hidden = false;
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
    figure.replaceChild(frame, placeholder);
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
          .then(function (data) { input.value = data.token; });
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
      fetchToken().then(function () { form.submit(); });
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
  var choices = document.querySelector("[data-privacy-choices]");
  if (choices) setupChoices(choices);
})();
