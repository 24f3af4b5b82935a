// Refuses a file over the upload limit before sending it, saying why, so that nothing typed is
// lost to the server's 413. Without this script the server still refuses it, on the same form.

function tooLarge(input) {
  const limit = Number(input.dataset.maxBytes);
  return [...input.files].find((file) => file.size > limit);
}

function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function check(input) {
  const file = tooLarge(input);
  let message = input.parentElement.querySelector(".upload-too-large");
  if (!file) {
    message?.remove();
    input.classList.remove("is-invalid");
    return true;
  }
  if (!message) {
    message = document.createElement("div");
    message.className = "invalid-feedback upload-too-large";
    message.setAttribute("role", "alert");
    input.after(message);
  }
  message.textContent = `“${file.name}” is ${megabytes(file.size)}: pictures can be up to ${megabytes(Number(input.dataset.maxBytes))}. Please choose a smaller one.`;
  input.classList.add("is-invalid");
  return false;
}

for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  input.addEventListener("change", () => check(input));
  input.form?.addEventListener("submit", (event) => {
    if (!check(input)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      input.focus();
    }
  });
}
