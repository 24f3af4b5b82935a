// The post form, enhanced: EasyMDE with a preview the server renders (the same sanitizer as the
// post page), autosave of drafts, and a warning before leaving with unsaved changes.
// Pictures for the text are uploaded with their alt text and inserted where the cursor is.
// Without this script the plain form does everything but those (it adds a picture at the end).

const AUTOSAVE_DELAY = 2000; // after the last keystroke
const AUTOSAVE_INTERVAL = 5000; // at least between two saves (the server throttles)
const PREVIEW_DELAY = 500;
const FIRST_PREVIEW_DELAY = 20; // EasyMDE marks a preview active 1 ms after opening it

const form = document.querySelector("form[data-post-form]");
if (form && window.EasyMDE) {
  enhance(form);
}

async function send(url, fields, csrfToken) {
  const response = await fetch(url, {
    method: "POST",
    body: fields instanceof FormData ? fields : new URLSearchParams(fields),
    headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(answer.error || "The server did not answer. Your text is still here.");
  }
  return answer;
}

function clock(isoTime) {
  return new Date(isoTime).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function enhance(form) {
  const csrfToken = form.elements.csrfmiddlewaretoken.value;
  const title = form.elements.title;
  const textarea = form.elements.content;
  const status = form.querySelector("[data-save-status]");

  let previewTimer = null;
  let previewRequest = 0;

  // EasyMDE calls this on each change while a preview shows; null keeps the preview as it is
  // until the server answers, and only the newest answer is shown.
  function renderPreview(text, preview) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      // EasyMDE also calls this as a preview closes; nothing to render then.
      if (!editor.isPreviewActive() && !editor.isSideBySideActive()) return;
      const request = ++previewRequest;
      try {
        const { html } = await send(form.dataset.previewUrl, { content: text }, csrfToken);
        if (request === previewRequest) preview.innerHTML = html;
      } catch (error) {
        if (request === previewRequest) preview.textContent = error.message;
      }
    }, preview.childElementCount ? PREVIEW_DELAY : FIRST_PREVIEW_DELAY);
    return null;
  }

  const editor = new window.EasyMDE({
    element: textarea,
    autoDownloadFontAwesome: false, // the toolbar's glyphs come from site.css, not a CDN
    spellChecker: false, // it would fetch dictionaries from a CDN; the browser's own one works
    nativeSpellcheck: true,
    forceSync: true,
    status: false,
    minHeight: "18rem",
    previewClass: ["editor-preview", "post-body"],
    previewRender: renderPreview,
    // EasyMDE's own image shortcut types a link to another site; ours leads to the upload.
    shortcuts: { drawImage: null },
    toolbar: [
      "bold", "italic", "heading", "|", "quote", "unordered-list", "ordered-list", "|",
      "link", pictureButton(form), "table", "code", "|", "preview", "side-by-side", "fullscreen",
    ],
  });
  editor.codemirror.getInputField().setAttribute("aria-label", "Content (Markdown)");

  let unsaved = false; // title or text changed since the last save
  let otherChanges = false; // other fields, which only the form's buttons save
  let saving = null;
  let autosaveTimer = null;
  let lastSave = 0;

  function show(message) {
    status.textContent = message;
  }

  function scheduleAutosave() {
    if (!form.dataset.autosaveUrl) return;
    clearTimeout(autosaveTimer);
    const wait = Math.max(AUTOSAVE_DELAY, lastSave + AUTOSAVE_INTERVAL - Date.now());
    autosaveTimer = setTimeout(autosave, wait);
  }

  async function autosave() {
    if (saving) return scheduleAutosave();
    if (!unsaved) return;
    if (!title.value.trim()) return show("Give the post a title to save drafts automatically.");
    unsaved = false; // typing during the save marks it unsaved again
    lastSave = Date.now();
    const fields = { title: title.value, content: editor.value() };
    saving = send(form.dataset.autosaveUrl, fields, csrfToken);
    try {
      const saved = await saving;
      form.dataset.autosaveUrl = saved.autosave_url;
      form.dataset.picturesUrl = saved.pictures_url;
      if (new URL(form.action, location.href).pathname !== saved.edit_url) {
        // The first autosave created the draft: from now on this page edits it.
        form.action = saved.edit_url;
        history.replaceState(null, "", saved.edit_url);
      }
      show(`Draft saved at ${clock(saved.saved_at)}`);
    } catch (error) {
      unsaved = true;
      show(error.message);
    } finally {
      saving = null;
    }
  }

  function changed() {
    unsaved = true;
    show(form.dataset.autosaveUrl ? "Unsaved changes…" : "Unsaved changes");
    scheduleAutosave();
  }

  editor.codemirror.on("change", changed);
  title.addEventListener("input", changed);
  form.addEventListener("change", (event) => {
    // Named fields only: CodeMirror's own input element sits in the form too.
    // A picture for the text is saved when it is inserted, not by the form's buttons.
    const picture = event.target.name?.startsWith("inline_image");
    if (event.target.name && !picture && event.target !== title && event.target !== textarea) {
      otherChanges = true;
    }
  });

  form.addEventListener("submit", async (event) => {
    clearTimeout(autosaveTimer);
    if (saving) {
      // Let a first autosave finish, so that the form saves the draft it created.
      event.preventDefault();
      await saving.catch(() => {});
      form.requestSubmit(event.submitter);
      return;
    }
    unsaved = otherChanges = false;
  });

  enhancePictures(form, editor, csrfToken, show);
  if (form.elements.inline_image) {
    const keys = () => choosePicture(form);
    editor.codemirror.addKeyMap({ "Ctrl-Alt-I": keys, "Cmd-Alt-I": keys });
  }

  window.addEventListener("beforeunload", (event) => {
    if (unsaved || otherChanges || saving) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    }
  });
}

// The toolbar's picture button leads to the form's picture fields, where the alt text is typed.
function pictureButton(form) {
  const file = form.elements.inline_image;
  if (!file) return "image";
  return {
    name: "image",
    className: "fa fa-image",
    title: "Insert a picture (Ctrl-Alt-I)",
    action: () => choosePicture(form),
  };
}

function choosePicture(form) {
  const file = form.elements.inline_image;
  file.scrollIntoView({ block: "center" });
  file.focus();
}

function enhancePictures(form, editor, csrfToken, show) {
  const file = form.elements.inline_image;
  const alt = form.elements.inline_image_alt;
  if (!file || !alt || !form.dataset.picturesUrl) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-secondary btn-sm mb-3";
  button.textContent = "Insert the picture in the text";
  alt.closest(".mb-3").after(button);

  button.addEventListener("click", async () => {
    if (!file.files.length) {
      show("Choose a picture to insert.");
      return file.focus();
    }
    if (file.classList.contains("is-invalid")) return file.focus(); // too large (forms.js)
    if (!alt.value.trim()) {
      show("Describe the picture in its alt text, then insert it.");
      return alt.focus();
    }
    const fields = new FormData();
    fields.append("inline_image", file.files[0]);
    fields.append("inline_image_alt", alt.value);
    button.disabled = true;
    show("Uploading the picture…");
    try {
      const { markdown } = await send(form.dataset.picturesUrl, fields, csrfToken);
      const cm = editor.codemirror;
      const before = cm.getCursor().ch > 0 ? "\n\n" : "";
      cm.replaceSelection(`${before}${markdown}\n`);
      cm.focus();
      file.value = "";
      alt.value = "";
      show("Picture inserted.");
    } catch (error) {
      show(error.message);
    } finally {
      button.disabled = false;
    }
  });
}
