// Character counters for fields marked data-counter="<recommended length>": "42 of 60 characters"
// under the field, read out politely once typing pauses. Without this script the help text
// states the length.

const ANNOUNCE_DELAY = 800; // a screen reader hears the count when typing pauses, not per key

for (const field of document.querySelectorAll("[data-counter]")) {
  addCounter(field);
}

function addCounter(field) {
  const limit = Number(field.dataset.counter);
  const counter = document.createElement("div");
  counter.id = `${field.id}-counter`;
  counter.className = "form-text char-counter";
  counter.setAttribute("aria-live", "polite");
  field.after(counter);
  const described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);
  let timer = null;

  function show() {
    const count = [...field.value].length; // characters, not UTF-16 units
    counter.textContent = `${count} of ${limit} characters`;
    counter.classList.toggle("text-danger", count > limit);
  }

  show();
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(show, ANNOUNCE_DELAY);
  });
}
