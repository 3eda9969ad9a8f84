/* The page view beacon: one small same-origin POST per page view, for the
 * audience figures (broadsheet/analytics). It sends the page's path and the
 * referring address, and nothing else: no cookie, no storage, no id. The
 * server pairs it with its own count when the page came from this site
 * rather than from a CDN, so a view is never counted twice.
 *
 * Sent once: a page prerendered but never shown sends nothing, and one
 * restored from the back/forward cache does not run this module again. */

export function start(root) {
  const address = root.dataset.audience;
  if (!address || !navigator.sendBeacon) return;
  const send = () => {
    const report = {
      p: location.pathname + location.search,
      r: document.referrer,
    };
    navigator.sendBeacon(address, JSON.stringify(report));
  };
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
}
