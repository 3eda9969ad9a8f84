/* Consent for optional third-party content, per provider: stored in this
 * browser only (bs:consent) and validated on every read; anything odd
 * means "ask". */

import { CONSENT_KEY, readJSON, writeJSON, forget } from "./storage.js";

export function loadConsent() {
  const stored = readJSON(CONSENT_KEY);
  const value = stored.value;
  const valid = stored.ok && value && typeof value === "object" && value.v === 1 &&
    value.embeds && typeof value.embeds === "object" && !Array.isArray(value.embeds);
  const consent = { v: 1, embeds: {} };
  if (valid) {
    Object.keys(value.embeds).slice(0, 50).forEach((name) => {
      if (name.length <= 60 && typeof value.embeds[name] === "boolean") {
        consent.embeds[name] = value.embeds[name];
      }
    });
  } else if (stored.value !== null || !stored.ok) {
    forget(CONSENT_KEY);  // tampered or corrupt: nothing is allowed
  }
  return consent;
}

export function setConsent(provider, allowed) {
  const consent = loadConsent();
  consent.embeds[provider] = allowed;
  writeJSON(CONSENT_KEY, consent);
}
