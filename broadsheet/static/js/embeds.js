/* Embeds ([data-embed]) render as placeholders; the provider's frame is
 * swapped in after a click, or at once if the reader chose "always load". */

import { loadConsent, setConsent } from "./consent.js";

function loadEmbed(figure) {
  const src = figure.getAttribute("data-embed-src");
  const provider = figure.getAttribute("data-embed-provider");
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = "Content from " + provider;
  frame.loading = "lazy";
  frame.allow = "fullscreen; picture-in-picture";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
  frame.className = "embed__frame";
  const placeholder = figure.querySelector(".embed__placeholder");
  const hadFocus = placeholder.contains(document.activeElement);
  figure.replaceChild(frame, placeholder);
  if (hadFocus) frame.focus();  // keyboard users stay where they were
}

export function start(figure) {
  const provider = figure.getAttribute("data-embed-provider");
  if (!provider) return;
  if (loadConsent().embeds[provider] === true) {
    loadEmbed(figure);
    return;
  }
  const actions = figure.querySelector(".embed__actions");
  actions.hidden = false;
  figure.querySelector("[data-embed-load]").addEventListener("click", () => {
    if (figure.querySelector("[data-embed-remember]").checked) setConsent(provider, true);
    loadEmbed(figure);
  });
}
