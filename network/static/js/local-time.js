// A meeting's times in the reader's own time zone, when it is not the meeting's.
//
// The page already says the times in the meeting's zone and in UTC; this adds the
// reader's, which only the browser knows (an account has no time zone). Without
// JavaScript the page is complete as it is.
(function () {
  "use strict";
  var reader;
  try {
    reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  var lang = document.documentElement.lang || undefined;
  var options = {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: reader,
  };
  document.querySelectorAll("dd.local-time[data-starts]").forEach(function (dd) {
    if (!reader || dd.dataset.zone === reader) {
      return;
    }
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, options);
    } catch (error) {
      return;
    }
    var starts = new Date(dd.dataset.starts);
    var ends = new Date(dd.dataset.ends);
    if (isNaN(starts) || isNaN(ends)) {
      return;
    }
    var text = format.formatRange ? format.formatRange(starts, ends)
      : format.format(starts) + " – " + format.format(ends);
    dd.textContent = text + " (" + reader + ")";
    dd.hidden = false;
    var dt = dd.previousElementSibling;
    if (dt && dt.classList.contains("local-time")) {
      dt.hidden = false;
    }
  });
})();
