/* Headline suggestions under a search box, as the reader types.
 *
 * Progressive: without this module the box is a plain GET form. Suggestions
 * come from the site's own JSON endpoint (no cookies are sent or set); the
 * list follows the ARIA combobox pattern: arrows move, Enter opens the
 * chosen headline, Escape closes. */

const DELAY_MS = 150;
const MIN_CHARS = 2;
let lists = 0;

export function start(input) {
  const endpoint = input.dataset.suggest;
  if (!endpoint) return;
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.id = `suggestions-${++lists}`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggested articles");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let timer = 0;
  let asked = "";
  let active = -1;

  const options = () => Array.from(list.querySelectorAll("a"));

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(index) {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", all[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((suggestion, i) => {
      const item = document.createElement("li");
      item.setAttribute("role", "presentation");
      const link = document.createElement("a");
      link.id = `${list.id}-${i}`;
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      link.href = suggestion.url;
      link.textContent = suggestion.title;
      const section = document.createElement("span");
      section.className = "suggestions__section";
      section.textContent = suggestion.section;
      link.append(section);
      item.append(link);
      list.append(item);
    });
    const open = suggestions.length > 0;
    list.hidden = !open;
    active = -1;
    input.setAttribute("aria-expanded", String(open));
  }

  async function ask() {
    const typed = input.value.trim();
    if (typed.length < MIN_CHARS) return close();
    if (typed === asked) return;
    asked = typed;
    const url = `${endpoint}?q=${encodeURIComponent(typed)}`;
    try {
      const response = await fetch(url, { credentials: "omit", headers: { Accept: "application/json" } });
      if (!response.ok) return close();
      const data = await response.json();
      if (input.value.trim() === typed && Array.isArray(data.suggestions)) show(data.suggestions);
    } catch {
      close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (list.hidden || !all.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      choose((active + 1) % all.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      choose(active <= 0 ? all.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(all[active].href);
    } else if (event.key === "Escape") {
      // Close the list only: a search field's own Escape would also clear
      // what was typed.
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 200));
}
