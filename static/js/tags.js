// The post form's tags field (comma-separated names) as a WAI-ARIA combobox with list
// autocomplete: while a name is typed, existing tags that start with it are listed under the
// field; Down and Up move through them, Enter takes one, Escape closes the list. Without this
// script the field is a plain text input.

const DELAY = 200; // after the last keystroke

for (const input of document.querySelectorAll("input[data-tag-input]")) {
  enhance(input);
}

function enhance(input) {
  const list = document.createElement("ul");
  list.id = `${input.id}-suggestions`;
  list.className = "dropdown-menu tag-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Existing tags");
  input.after(list);
  input.parentElement.classList.add("position-relative");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  let timer = null;
  let request = 0;
  let active = -1;

  const options = () => [...list.children];
  const expanded = () => input.getAttribute("aria-expanded") === "true";

  function highlight(index) {
    active = index;
    options().forEach((option, position) => {
      option.setAttribute("aria-selected", String(position === index));
      option.classList.toggle("active", position === index);
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
    } else {
      input.setAttribute("aria-activedescendant", options()[index].id);
      options()[index].scrollIntoView({ block: "nearest" });
    }
  }

  function show(open) {
    const visible = open && options().length > 0;
    list.classList.toggle("show", visible);
    input.setAttribute("aria-expanded", String(visible));
    if (!visible) highlight(-1);
  }

  function offer(tags) {
    list.replaceChildren(
      ...tags.map((tag, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.className = "dropdown-item";
        option.setAttribute("role", "option");
        option.textContent = tag;
        return option;
      }),
    );
    show(document.activeElement === input);
  }

  // The chosen tag replaces the name being typed; a comma follows, ready for the next one.
  function choose(option) {
    const typed = input.value.split(",").slice(0, -1).map((name) => name.trim());
    input.value = `${[...typed.filter(Boolean), option.textContent].join(", ")}, `;
    show(false);
    input.dispatchEvent(new Event("change", { bubbles: true })); // the autosave listens
  }

  async function suggest() {
    const names = input.value.split(",");
    const word = names.pop().trim();
    const current = ++request;
    if (!word) {
      offer([]);
      return;
    }
    const url = new URL(input.dataset.tagInput, window.location.href);
    url.searchParams.set("q", word);
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).catch(() => null);
    if (!response || !response.ok || current !== request) return;
    const { tags } = await response.json();
    const taken = new Set(names.map((name) => name.trim().toLowerCase()));
    offer(tags.filter((tag) => !taken.has(tag.toLowerCase())));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY);
  });

  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
      event.preventDefault();
      const opening = !expanded();
      show(true);
      if (opening && event.altKey) return; // Alt+Down opens the list without choosing
      const step = event.key === "ArrowDown" ? 1 : -1;
      // From none, Down takes the first and Up the last; then they go round.
      const first = step > 0 ? 0 : count - 1;
      highlight(active < 0 ? first : (active + step + count) % count);
    } else if (event.key === "Enter" && expanded() && active >= 0) {
      event.preventDefault(); // takes the tag rather than submitting the form
      choose(options()[active]);
    } else if (event.key === "Escape" && expanded()) {
      event.preventDefault();
      show(false);
    }
  });

  // Pressing on an option keeps the focus in the field; releasing it takes the tag.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) choose(option);
  });
  input.addEventListener("blur", () => show(false));
}
