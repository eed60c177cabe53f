/* The quick exit of the public directory (decision 0076), after GOV.UK's exit-this-page.
 *
 * The button is a plain link to a neutral site, so it works without JavaScript. With it, the
 * page is blanked at once and replaced with location.replace(), which takes the page out of
 * the history: Back does not return to what the person was reading. Pressing Shift three
 * times (each within five seconds of the last) does the same, for a keyboard or when the button is off-screen.
 * A static file: the Content Security Policy allows no inline scripts.
 */
(function () {
  "use strict";

  var PRESSES = 3;
  var WITHIN_MS = 5000;
  var button = document.querySelector("a[data-quick-exit]");
  if (!button) {
    return;
  }
  var target = button.href;

  function leave() {
    // Hide what is on screen before the neutral page has loaded.
    document.documentElement.style.visibility = "hidden";
    document.title = "";
    window.location.replace(target);
  }

  button.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      return; // a new tab or window on purpose: let the browser do it
    }
    event.preventDefault();
    leave();
  });

  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    // As GOV.UK: the count lapses five seconds after the last press.
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      presses = 0;
    }, WITHIN_MS);
    if (presses >= PRESSES) {
      leave();
    }
  });
})();
