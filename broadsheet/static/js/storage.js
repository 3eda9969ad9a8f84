/* localStorage that never throws. Every stored value is checked by its
 * reader before use, so a corrupted or tampered value is reset rather than
 * breaking the page. */

export const SAVED_KEY = "bs:saved";
export const CONSENT_KEY = "bs:consent";
export const INSTALL_KEY = "bs:install-dismissed";
const MAX_STORED_CHARS = 200000;

export function readJSON(key) {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw === null) return { value: null, ok: true };
    if (raw.length > MAX_STORED_CHARS) return { value: null, ok: false };
    return { value: JSON.parse(raw), ok: true };
  } catch (error) {
    return { value: null, ok: false };
  }
}

export function writeJSON(key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (error) {
    return false;
  }
}

export function forget(key) {
  try { window.localStorage.removeItem(key); } catch (error) { /* ignore */ }
}
