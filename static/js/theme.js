// Bootstrap's colour mode follows the system setting, and changes with it.
// Loaded in <head> without defer, so that a dark page is never painted light first.
(() => {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.documentElement.dataset.bsTheme = dark.matches ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
})();
