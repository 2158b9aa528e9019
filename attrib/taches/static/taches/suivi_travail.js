/* Live progress of a long job: polls the job's state (the URL in data-travail) and updates the progress bar
   and the step line (data-etape); once the job is over, the page is reloaded to show its result or its
   failure. Without JavaScript, the « Actualiser » link does the same by hand.
   Used by the pages of the jobs (taches), of a scoring run (cotation) and of a batch of proposals
   (rapprochement): their state says it is over either with ``fini`` or with a ``statut`` other than
   ``en_attente`` and ``en_cours``. An optional data-unite names what is counted when the state does not. */
(function () {
  var zone = document.querySelector("[data-travail]");
  if (!zone || !window.fetch) { return; }
  var barre = zone.querySelector("progress");
  var texte = zone.querySelector("[data-etape]");
  function termine(etat) {
    // A state that says ``fini`` decides alone; otherwise a job still waiting for the worker or running is not over.
    if ("fini" in etat) { return Boolean(etat.fini); }
    return typeof etat.statut === "string" && etat.statut !== "en_cours" && etat.statut !== "en_attente";
  }
  function suivre() {
    fetch(zone.dataset.travail, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (etat) {
        if (etat && termine(etat)) { window.location.reload(); return; }
        if (etat) {
          barre.value = etat.pourcentage;
          barre.textContent = etat.pourcentage + " %";
          if (etat.etape > 0) {
            var unite = etat.unite || zone.dataset.unite || "";
            texte.textContent = "Étape " + etat.etape + " sur " + etat.etapes + " : " + etat.libelle_etape +
              (etat.total ? " — " + etat.faites + " / " + etat.total + (unite ? " " + unite : "") : "");
          }
        }
        window.setTimeout(suivre, 1000);
      })
      .catch(function () { window.setTimeout(suivre, 3000); });
  }
  window.setTimeout(suivre, 1000);
})();
