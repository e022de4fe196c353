// Drag and drop on the planning board: a card dropped on a hearing's column
// (or on « Non audiencés ») is moved there by the same form as « Déplacer »
// then « Placer ici », which stays for the keyboard and without JavaScript.
// The page comes back checked, the move's violations on its card.
const board = document.getElementById("tableau");
if (board && board.dataset.action) {
  let dragged = null;
  let from = null;
  board.querySelectorAll("article.carte[draggable=true]").forEach((card) => {
    card.addEventListener("dragstart", (event) => {
      dragged = card.dataset.dossier;
      from = card.closest("[data-hearing]")?.dataset.hearing ?? null;
      event.dataTransfer.setData("text/plain", dragged);
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("carte--glissee");
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("carte--glissee");
      dragged = null;
    });
  });
  board.querySelectorAll("[data-hearing]").forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (dragged !== null && column.dataset.hearing !== from) {
        event.preventDefault();
        column.classList.add("colonne--cible");
      }
    });
    column.addEventListener("dragleave", () => column.classList.remove("colonne--cible"));
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("colonne--cible");
      const dossier = dragged ?? event.dataTransfer.getData("text/plain");
      if (!dossier || column.dataset.hearing === from) return;
      const form = document.createElement("form");
      form.method = "post";
      form.action = board.dataset.action;
      const fields = {
        csrf: board.dataset.csrf,
        version: board.dataset.version,
        dossier,
        hearing: column.dataset.hearing,
      };
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    });
  });
}
