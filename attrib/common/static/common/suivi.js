/* Progress of a long computation started by a form (re-scoring, batch proposals…).
   A form marked data-suivi="<url of the JSON state of the user's latest run>" is sent in the background
   while that state is polled; its progress zone ([data-progression]: a <progress> and a [data-etat] line)
   shows the step and the count (data-unite: what is counted, e.g. " demandes"); the page of the run opens at
   the end. data-dernier: id of the latest run before this one (older states are not shown). A form the
   server refuses (400) is sent normally to show its errors on the fields. Without JavaScript the form is
   sent normally and the same page opens when the computation is over. */
(function () {
  if (!window.fetch || !window.FormData) { return; }
  function afficher(form, zone, etat) {
    var barre = zone.querySelector("progress");
    var texte = zone.querySelector("[data-etat]");
    barre.value = etat.pourcentage;
    barre.textContent = etat.pourcentage + " %";
    if (etat.etape > 0) {
      texte.textContent = "Étape " + etat.etape + " sur " + etat.etapes + " : " + etat.libelle_etape + " — " +
        etat.faites + " / " + etat.total + (form.dataset.unite || "");
    }
  }
  document.querySelectorAll("form[data-suivi]").forEach(function (form) {
    form.addEventListener("submit", function (evenement) {
      evenement.preventDefault();
      var zone = form.querySelector("[data-progression]");
      var bouton = form.querySelector("button[type=submit]");
      var avant = Number(form.dataset.dernier || 0);
      var fini = false;
      zone.hidden = false;
      bouton.disabled = true;
      function suivre() {
        if (fini) { return; }
        fetch(form.dataset.suivi, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (etat) { if (!fini && etat && etat.id > avant) { afficher(form, zone, etat); } })
          .catch(function () {})
          .then(function () { if (!fini) { window.setTimeout(suivre, 400); } });
      }
      fetch(form.action, {method: "POST", body: new FormData(form), headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (r) {
          if (r.status === 400) { fini = true; form.removeAttribute("data-suivi"); bouton.disabled = false; form.submit(); return null; }
          return r.json();
        })
        .then(function (etat) { if (etat) { fini = true; afficher(form, zone, etat); window.location.assign(etat.url); } })
        .catch(function () {
          fini = true;
          zone.querySelector("[data-etat]").textContent = form.dataset.interruption ||
            "Le suivi du calcul a été interrompu : rechargez la page pour voir son résultat.";
        });
      suivre();
    });
  });
})();
