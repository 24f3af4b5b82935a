// The post form's tags field (comma-separated names), enhanced: while a name is typed, existing
// tags that start with it are offered through a <datalist>. Without this script the field is a
// plain text input.

const DELAY = 200; // after the last keystroke

for (const input of document.querySelectorAll("input[data-tag-input]")) {
  enhance(input);
}

function option(value, label) {
  const element = document.createElement("option");
  element.value = value;
  element.label = label;
  return element;
}

function enhance(input) {
  const list = document.createElement("datalist");
  list.id = `${input.id}-suggestions`;
  input.after(list);
  input.setAttribute("list", list.id);
  let timer = null;
  let request = 0;

  async function suggest() {
    const names = input.value.split(",");
    const word = names.pop().trim();
    const current = ++request;
    if (!word) {
      list.replaceChildren();
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
    const typed = names.map((name) => name.trim()).filter(Boolean);
    const taken = new Set(typed.map((name) => name.toLowerCase()));
    // An option is the whole field's value: the names already typed, then the suggestion.
    const head = typed.length ? `${typed.join(", ")}, ` : "";
    list.replaceChildren(
      ...tags.filter((tag) => !taken.has(tag.toLowerCase())).map((tag) => option(head + tag, tag)),
    );
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY);
  });
}
