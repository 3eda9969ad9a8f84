/* "Copy" buttons beside read-only addresses ([data-copy-address] in a
 * [data-copy-scope]): feeds, podcast feeds. Without JavaScript the button
 * stays hidden and the address is in a read-only field to copy by hand. */

export function start(button) {
  const scope = button.closest("[data-copy-scope]");
  const input = scope && scope.querySelector("[data-copy-value]");
  const status = scope && scope.querySelector("[data-copy-status]");
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(input.value).then(() => {
      if (status) status.textContent = "Address copied.";
    }, () => {
      input.select();
      if (status) status.textContent = "Select the address and copy it.";
    });
  });
}
