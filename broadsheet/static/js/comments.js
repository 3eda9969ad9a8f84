/* Comments: reply in place ([data-comment-form]). Without JavaScript "Reply"
 * opens a page with its own form; with it, the article's comment form moves
 * under the comment being answered. */

export function start(form) {
  const home = form.parentNode;
  const anchor = form.nextSibling;
  const replyTo = form.querySelector("input[name=reply_to]");
  const cancel = form.querySelector("[data-reply-cancel]");
  const text = form.querySelector("textarea");
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("[data-reply-to]") : null;
    if (!link) return;
    event.preventDefault();
    replyTo.value = link.getAttribute("data-reply-to");
    link.closest(".comment__inner").appendChild(form);
    cancel.hidden = false;
    text.focus();
  });
  cancel.addEventListener("click", () => {
    replyTo.value = "";
    home.insertBefore(form, anchor);
    cancel.hidden = true;
    text.focus();
  });
}
