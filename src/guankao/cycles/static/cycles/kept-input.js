// Nothing typed is lost (decision 0062). While a reporter types, this browser keeps an unsaved
// copy of the submission form in localStorage, under a key naming the user and the submission
// (data-draft-key); only the fields of that form, never files. When the page is opened again
// with different values (the session ended, the tab was closed, the post never arrived), the
// copy is put back with a notice and a button to discard it. The copy goes when a save
// succeeds (the server marks that page with data-draft-clear) and after seven days.
(function () {
  "use strict";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var store;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { return; }

  function read(key) {
    try {
      var copy = JSON.parse(store.getItem(key) || "null");
      if (!copy || typeof copy.fields !== "object") { return null; }
      if (Date.now() - copy.at > MAX_AGE_MS) { store.removeItem(key); return null; }
      return copy;
    } catch (e) { store.removeItem(key); return null; }
  }

  // A successful save: the kept copy has done its work.
  document.querySelectorAll("[data-draft-clear]").forEach(function (marker) {
    store.removeItem(marker.getAttribute("data-draft-clear"));
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var notice = document.getElementById("draft-notice");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.id || !el.name || el.disabled) { return false; }
      return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" &&
        ["text", "checkbox", "number", "date"].indexOf(el.type) >= 0);
    });
  }
  function valueOf(el) { return el.type === "checkbox" ? el.checked : el.value; }

  function keep() {
    var values = {};
    fields().forEach(function (el) { values[el.id] = valueOf(el); });
    var copy = read(key);
    var version = copy ? copy.version : form.getAttribute("data-draft-version");
    try {
      store.setItem(key, JSON.stringify({ version: version, at: Date.now(), fields: values }));
    } catch (e) { /* storage full or refused: the server-side re-render still holds */ }
  }

  var copy = read(key);
  if (copy && !form.hasAttribute("data-draft-refused")) {
    var differs = fields().filter(function (el) {
      return Object.prototype.hasOwnProperty.call(copy.fields, el.id) &&
        copy.fields[el.id] !== valueOf(el);
    });
    if (differs.length === 0) {
      store.removeItem(key);
    } else {
      var shown = {};
      fields().forEach(function (el) { shown[el.id] = valueOf(el); });
      differs.forEach(function (el) {
        if (el.type === "checkbox") { el.checked = copy.fields[el.id]; } else { el.value = copy.fields[el.id]; }
      });
      // Save against the version the copy was typed on: if someone saved since, the server
      // answers with its conflict page (both versions side by side) instead of overwriting.
      var version = form.querySelector("input[name=version]");
      if (version && copy.version) { version.value = copy.version; }
      if (notice) {
        var when = notice.querySelector("[data-draft-when]");
        if (when) {
          var d = new Date(copy.at);
          when.textContent = "（" + (d.getFullYear() - 1911) + "年" + (d.getMonth() + 1) + "月" +
            d.getDate() + "日 " + d.getHours() + ":" + String(d.getMinutes()).padStart(2, "0") + "）";
        }
        notice.hidden = false;
        notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
          store.removeItem(key);
          fields().forEach(function (el) {
            if (el.type === "checkbox") { el.checked = shown[el.id]; } else { el.value = shown[el.id]; }
          });
          if (version) { version.value = form.getAttribute("data-draft-version"); }
          notice.hidden = true;
        });
      }
    }
  }

  var timer = null;
  var typed = false;
  form.addEventListener("input", function () {
    typed = true;
    clearTimeout(timer);
    timer = setTimeout(keep, 400);
  });
  form.addEventListener("change", function () { typed = true; keep(); });
  form.addEventListener("submit", function () { clearTimeout(timer); keep(); });
  // Leaving the page within the pause after the last key still keeps the last key.
  window.addEventListener("pagehide", function () {
    if (typed) { clearTimeout(timer); keep(); }
  });
})();
