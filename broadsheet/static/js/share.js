/* Sharing: the share panel (.share: the system share sheet, copy link) and
 * the Mastodon form ([data-mastodon-share]). */

export function start(section) {
  const status = section.querySelector("[data-share-status]");
  const native = section.querySelector("[data-share-native]");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", () => {
      navigator.share({ title: native.getAttribute("data-title"), url: native.getAttribute("data-url") })
        .catch(() => {});
    });
  }
  const copy = section.querySelector("[data-share-copy]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(copy.getAttribute("data-url")).then(() => {
        status.textContent = "Link copied.";
      }, () => {
        status.textContent = "Could not copy; the address is " + copy.getAttribute("data-url");
      });
    });
  }
}

// Mastodon servers are the reader's own: go straight there when we can
// (the no-JavaScript form takes a confirming step on this site).
const MASTODON_HOST = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function startMastodon(form) {
  form.addEventListener("submit", (event) => {
    const raw = form.querySelector("input[name=instance]").value.trim().toLowerCase()
      .replace(/^https?:\/\//, "").split("/")[0].replace(/^@/, "");
    const host = raw.indexOf("@") === -1 ? raw : raw.split("@").pop();
    const share = document.querySelector("[data-share-native]");
    if (!MASTODON_HOST.test(host) || !share) return;  // let the server explain
    event.preventDefault();
    const text = share.getAttribute("data-title") + " " + share.getAttribute("data-url");
    location.assign("https://" + host + "/share?text=" + encodeURIComponent(text));
  });
}
