/* Live progress of a long job: polls the job's state (data-etat-url) and updates the progress bar and the
   step line; once the job is over, the page is reloaded to show its result or its failure. Without
   JavaScript, the « Actualiser » link does the same by hand. */
(function () {
  var zone = document.querySelector("[data-travail]");
  if (!zone || !window.fetch) { return; }
  var barre = zone.querySelector("progress");
  var texte = zone.querySelector("[data-etape]");
  function suivre() {
    fetch(zone.dataset.travail, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (etat) {
        if (etat && etat.fini) { window.location.reload(); return; }
        if (etat) {
          barre.value = etat.pourcentage;
          barre.textContent = etat.pourcentage + " %";
          if (etat.etape > 0) {
            texte.textContent = "Étape " + etat.etape + " sur " + etat.etapes + " : " + etat.libelle_etape +
              (etat.total ? " — " + etat.faites + " / " + etat.total + (etat.unite ? " " + etat.unite : "") : "");
          }
        }
        window.setTimeout(suivre, 1000);
      })
      .catch(function () { window.setTimeout(suivre, 3000); });
  }
  window.setTimeout(suivre, 1000);
})();
