/* A podcast's "Copy feed address" button ([data-copy-feed]); without
 * JavaScript the address is in a read-only field to copy by hand. */

export function start(button) {
  const section = button.closest(".platforms");
  const input = section && section.querySelector("[data-feed-url]");
  const status = section && section.querySelector("[data-copy-status]");
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(input.value).then(() => {
      if (status) status.textContent = "Feed address copied.";
    }, () => {
      input.select();
      if (status) status.textContent = "Select the address and copy it.";
    });
  });
}
