// Progressive enhancement only: every form works without this file.
// Selects marked data-autosubmit submit their form on change, so the locale selector and sort menu need no
// extra click; the submit button stays for keyboards and for browsers without JavaScript.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
  }
});
// Buttons marked data-confirm ask before submitting (e.g. refunds, deletions).
document.addEventListener("submit", function (event) {
  var submitter = event.submitter;
  var message = submitter && submitter.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
