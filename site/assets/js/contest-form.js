/* Contest forms: a live word counter (counted as the server counts) and one submission per click. */
(function () {
  "use strict";
  function countWords(text) {
    return text.split(/\s+/).filter(function (token) { return /[\p{L}\p{N}_]/u.test(token); }).length;
  }
  document.querySelectorAll("textarea[data-word-counter]").forEach(function (area) {
    var output = document.getElementById(area.dataset.wordCounter);
    if (!output) { return; }
    var update = function () { output.textContent = String(countWords(area.value)); };
    area.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "1") { event.preventDefault(); return; }
      form.dataset.sending = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (button.dataset.sendingLabel) { button.textContent = button.dataset.sendingLabel; }
      });
    });
  });
})();
