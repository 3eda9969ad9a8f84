/* Forms whose CSRF token is fetched on first use ([data-csrf-deferred]):
 * pages with forms stay cookie-free until someone starts to fill one in.
 * Without JavaScript a "continue" link reloads the form with a token. */

export function start(input) {
  const form = input.form;
  let pending = null;
  function fetchToken() {
    if (!pending) {
      pending = fetch("/csrf/", { credentials: "same-origin", cache: "no-store" })
        .then((response) => response.json())
        .then((data) => {
          if (typeof data.token !== "string" || !data.token) throw new Error("no token");
          input.value = data.token;
        })
        .catch((error) => {
          pending = null;  // try again next time
          throw error;
        });
    }
    return pending;
  }
  // Typing or clicking, not focus: sign-in fields are often autofocused.
  ["keydown", "pointerdown", "input"].forEach((type) => {
    form.addEventListener(type, fetchToken, { once: true });
  });
  form.addEventListener("submit", (event) => {
    if (input.value) return;
    event.preventDefault();
    fetchToken().then(() => { form.submit(); }, () => {
      // Could not fetch a token: fall back to the form that carries one.
      const next = new URL(location.href);
      next.searchParams.set("csrf", "1");
      location.assign(next.pathname + next.search);
    });
  });
}
