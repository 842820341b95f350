// The judge's sheet: show the weighted total as scores are typed, and warn before leaving unsaved changes.
(function () {
  "use strict";
  var form = document.querySelector("form[data-judging-sheet]");
  if (!form) return;
  var output = form.querySelector("[data-judging-total]");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-weight]"));
  var dirty = false;

  function update() {
    var total = 0;
    var complete = true;
    inputs.forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (isNaN(value)) {
        complete = false;
        return;
      }
      total += value * parseFloat(input.getAttribute("data-weight"));
    });
    if (output) {
      output.textContent = (Math.round(total * 100) / 100).toLocaleString("vi-VN") + (complete ? "" : " …");
    }
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      dirty = true;
      update();
    });
  });
  var comment = form.querySelector("textarea");
  if (comment) comment.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  update();
})();
