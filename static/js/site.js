// Small enhancements of the public pages; every page works without them.
(function () {
  "use strict";

  // Wide screens show the release filters unfolded; phones keep them folded until asked.
  var wide = window.matchMedia("(min-width: 60rem)");
  function unfold() {
    if (!wide.matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
      panel.open = true;
    });
  }
  document.addEventListener("DOMContentLoaded", unfold);
  wide.addEventListener("change", unfold);

  // Filter forms leave their empty fields out of the address: shorter links to share.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "get") return;
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
    });
    event.preventDefault();
    var query = params.toString();
    window.location.assign(form.action.split("?")[0] + (query ? "?" + query : ""));
  });
})();
