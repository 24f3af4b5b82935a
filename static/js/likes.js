// Like buttons toggle in place: the form posts with fetch and the button and count update.
// Without JavaScript, or if the request fails to send, the form posts and the page reloads.
const LABELS = { true: "Unlike", false: "Like" };

function show(form, { liked, count }) {
  const button = form.querySelector("button");
  button.setAttribute("aria-pressed", String(liked));
  button.classList.toggle("btn-danger", liked);
  button.classList.toggle("btn-outline-danger", !liked);
  form.querySelector("[data-like-label]").textContent = LABELS[liked];
  form.querySelector("[data-like-count]").textContent = String(count);
}

function say(form, message) {
  form.querySelector("[data-like-status]").textContent = message;
}

async function toggle(event) {
  const form = event.currentTarget;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  say(form, "");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (response.ok) {
      show(form, data);
    } else {
      say(form, data.error);
    }
  } catch {
    form.submit();
  } finally {
    button.disabled = false;
  }
}

for (const form of document.querySelectorAll("form[data-like-form]")) {
  form.addEventListener("submit", toggle);
}
