// A proposal's page, live: the progress its stream reports (server-sent
// events) fills the figures and the bar; the draft opens when the solve is
// done. Without this script the page reloads itself every two seconds.
const root = document.getElementById("proposition");
if (root && window.EventSource) {
  for (const refresh of document.querySelectorAll("meta[http-equiv=refresh]")) refresh.remove();
  const limitMs = Number(root.dataset.limiteMs) || 10000;
  const statuses = { queued: "en attente", running: "en cours", done: "terminée", failed: "en échec", cancelled: "annulée" };
  const phases = { preparing: "préparation", solving: "calcul", checking: "vérification", done: "terminé" };
  const number = (value, digits) =>
    value === null || value === undefined
      ? "—"
      : value.toLocaleString("fr-FR", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const set = (id, text) => {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  };
  const source = new EventSource(root.dataset.suivi);
  source.addEventListener("progress", (event) => {
    const job = JSON.parse(event.data);
    set("statut", statuses[job.status] || job.status);
    set("phase", phases[job.phase] || job.phase);
    set("meilleur", number(job.incumbent, 1));
    set("borne", number(job.bound, 1));
    set("ecart", job.gap === null || job.gap === undefined ? "—" : `${number(job.gap * 100, 2)} %`);
    set("ecoule", `${number(job.elapsed_ms / 1000, 1)} s`);
    const bar = document.getElementById("barre");
    const finished = ["done", "failed", "cancelled"].includes(job.status);
    if (bar) {
      const percent = finished ? 100 : Math.min(99, Math.round((100 * job.elapsed_ms) / limitMs));
      bar.value = percent;
      bar.textContent = `${percent} %`;
    }
    if (finished) {
      source.close();
      if (job.status === "done" && job.plan_id) {
        window.location.assign(`/portail/plans/${job.plan_id}`);
      } else {
        window.location.reload();
      }
    }
  });
}
