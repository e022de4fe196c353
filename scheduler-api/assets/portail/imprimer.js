// « Imprimer le rôle »: the browser's print dialog; the page's print styles
// leave out the header, menus and buttons (DSFR's fr-no-print).
document.querySelectorAll("[data-imprimer]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
