// Share buttons without any third-party script: the system share sheet (Zalo on phones) or the clipboard.
(function () {
  "use strict";
  function announce(button, text) {
    var status = button.parentNode.querySelector(".share__status");
    if (status) { status.textContent = text; }
  }
  function copy(url, button, message) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { announce(button, message); });
    } else {
      window.prompt("", url);
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-share-url], [data-copy-url]");
    if (!button) { return; }
    if (button.hasAttribute("data-copy-url")) {
      copy(button.getAttribute("data-copy-url"), button, button.getAttribute("data-copied"));
      return;
    }
    var url = button.getAttribute("data-share-url");
    if (navigator.share) {
      navigator.share({ title: button.getAttribute("data-share-title"), url: url }).catch(function () {});
    } else {
      copy(url, button, button.getAttribute("data-share-fallback"));
    }
  });
})();
