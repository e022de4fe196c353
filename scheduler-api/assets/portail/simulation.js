// A simulation's page, live: the weeks simulated, as its stream reports
// them (server-sent events), fill the bar; the page reloads at the end to
// show the results. Without this script the page reloads every two seconds.
const root = document.getElementById("simulation");
if (root && window.EventSource) {
  for (const refresh of document.querySelectorAll("meta[http-equiv=refresh]")) refresh.remove();
  const statuses = { queued: "en attente", running: "en cours", done: "terminée", failed: "en échec", cancelled: "annulée" };
  const set = (id, text) => {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  };
  const source = new EventSource(root.dataset.suivi);
  source.addEventListener("progress", (event) => {
    const run = JSON.parse(event.data);
    set("statut", statuses[run.status] || run.status);
    set("semaine", String(run.week));
    set("ecoule", `${(run.elapsed_ms / 1000).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} s`);
    const finished = ["done", "failed", "cancelled"].includes(run.status);
    const bar = document.getElementById("barre");
    if (bar) {
      const percent = finished ? 100 : run.weeks ? Math.round((100 * run.week) / run.weeks) : 0;
      bar.value = percent;
      bar.textContent = `${percent} %`;
    }
    if (finished) {
      source.close();
      window.location.reload();
    }
  });
}
