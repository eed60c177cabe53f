// A warning a few minutes before the idle limit signs a person out (decision 0062). The page
// says when (data-idle-seconds on the banner); 「繼續使用」 posts to the keep-alive address,
// which counts as activity. If the session has already ended, the banner says so and links to
// the sign-in page, which comes back here.
(function () {
  "use strict";
  var banner = document.getElementById("idle-warning");
  if (!banner) { return; }
  var idle = parseInt(banner.getAttribute("data-idle-seconds"), 10) * 1000;
  var lead = Math.min(5 * 60 * 1000, idle / 2);
  var url = banner.getAttribute("data-keep-alive");
  var text = banner.querySelector("[data-idle-text]");
  var button = banner.querySelector("[data-keep-alive-button]");
  var ended = banner.querySelector("[data-idle-ended]");
  var last = Date.now();
  var warnTimer, endTimer;

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    banner.hidden = true;
    // Shown without taking focus: the person may be typing; role=alert announces it.
    warnTimer = setTimeout(function () { banner.hidden = false; }, Math.max(idle - lead, 0));
    endTimer = setTimeout(showEnded, idle);
  }
  function showEnded() {
    banner.hidden = false;
    text.hidden = true; button.hidden = true; ended.hidden = false;
  }
  button.addEventListener("click", function () {
    fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) { last = Date.now(); schedule(); } else { showEnded(); }
    }).catch(showEnded);
  });
  schedule();
})();
