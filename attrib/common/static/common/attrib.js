// Move the focus to the error summary of a form sent back with errors, so that keyboard and
// screen-reader users start from the list of fields to correct.
document.addEventListener("DOMContentLoaded", function () {
  var resume = document.getElementById("resume-erreurs");
  if (resume) {
    resume.focus();
  }
});
