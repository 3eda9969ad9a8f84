/* The privacy-choices form ([data-privacy-choices]): "always load" or "ask"
 * per embed provider, saved on this device as the reader changes it. */

import { loadConsent, setConsent } from "./consent.js";

export function start(form) {
  const consent = loadConsent();
  form.querySelectorAll("[data-choice]").forEach((group) => {
    const provider = group.getAttribute("data-choice");
    const allowed = consent.embeds[provider] === true;
    group.querySelector('input[value="allow"]').checked = allowed;
    group.querySelector('input[value="ask"]').checked = !allowed;
  });
  form.hidden = false;
  form.addEventListener("change", (event) => {
    const group = event.target.closest("[data-choice]");
    if (!group) return;
    setConsent(group.getAttribute("data-choice"), event.target.value === "allow");
    const status = form.querySelector("[data-choices-status]");
    if (status) status.textContent = "Saved on this device.";
  });
}
