// The plan editor keeps every edit (decision 0070). Every row's inputs belong to one form, so
// any 儲存 sends them all; this script only tells the coordinator what is not saved yet: a
// changed row shows 「未儲存」, and leaving the page with such a row asks first (beforeunload).
// A row the server marked (data-unsaved: a refused save shown again) counts as changed until
// it is saved. Without JavaScript the page works the same, without the marks and the question.
(function () {
  "use strict";
  var form = document.querySelector("form[data-unsaved-rows]");
  if (!form) { return; }
  var submitting = false;

  function differs(el) {
    if (el.tagName === "SELECT") {
      var initial = 0;
      Array.prototype.forEach.call(el.options, function (option, index) {
        if (option.defaultSelected) { initial = index; }
      });
      return el.selectedIndex !== initial;
    }
    return el.value !== el.defaultValue;
  }

  function inputsOf(row) {
    return Array.prototype.filter.call(
      row.querySelectorAll("input, select, textarea"),
      function (el) { return el.form === form && el.type !== "hidden"; }
    );
  }

  function unsaved(row) {
    return row.hasAttribute("data-unsaved") || inputsOf(row).some(differs);
  }

  function mark(row) {
    var changed = unsaved(row);
    row.classList.toggle("unsaved", changed);
    var flag = row.querySelector("[data-unsaved-flag]");
    if (flag) { flag.hidden = !changed; }
  }

  function rowOf(el) {
    return el.closest ? el.closest("[data-row]") : null;
  }

  function onEdit(event) {
    var row = rowOf(event.target);
    if (row && event.target.form === form) { mark(row); }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  // Sending the editor's form is saving, not leaving; any other form or link is leaving.
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) { return; }
    var rows = document.querySelectorAll("[data-row]");
    if (!Array.prototype.some.call(rows, unsaved)) { return; }
    event.preventDefault();
    event.returnValue = ""; // older Chromium and Safari ask only with returnValue set
  });
})();
