// GOV.UK's error summary behaviour: the box takes focus when the page loads, so a screen
// reader reads it first; a link in it moves focus to the field itself, not only scrolls to it,
// and keeps the field's label in view.
(function () {
  "use strict";
  var box = document.querySelector("[data-error-summary]");
  if (!box) { return; }
  box.focus();
  box.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label && label.offsetParent !== null ? label : field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
