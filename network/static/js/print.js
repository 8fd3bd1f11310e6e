// The Print button of pages that have a PDF: shown only when JavaScript runs (without
// it the page still has the PDF link and the browser's own Print). No inline script:
// the Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
