// The live session without reloading: the projector, the delegates' page and the
// secretariat's screen ask /meetings/<id>/live.json for the session's state and put
// it into the page.
//
// The page is rendered on the server with the same state, so without JavaScript it
// is complete (a reload shows what this would show). The element carrying
// data-live-url names the JSON; elements below it say what they show:
//   data-live-text="texts.turnout"   its text (hidden when empty)
//   data-live-show="flags.vote_open" shown only when true
//   data-live-href="links.ballot"    its link (hidden when there is none)
//   data-live-list="texts.counts"    a list of {label, count}
// The answer's ETag is sent back in If-None-Match: while nothing changed the server
// answers 304 with no body, at almost no cost. Every two seconds by default; every
// thirty while the page is hidden; backing off (up to a minute) after errors.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-live-url");
  var every = parseInt(root.getAttribute("data-live-interval"), 10) || 2000;
  var HIDDEN_EVERY = 30000;
  var MOST = 60000;
  var etag = null;
  var failures = 0;
  var timer = null;
  var asking = false;

  function lookup(state, path) {
    return path.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? undefined : value[key];
    }, state);
  }

  function each(attribute, action) {
    root.querySelectorAll("[" + attribute + "]").forEach(function (element) {
      action(element, element.getAttribute(attribute));
    });
  }

  function setText(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function render(state) {
    each("data-live-text", function (element, path) {
      var value = lookup(state, path);
      var text = value === null || value === undefined ? "" : String(value);
      setText(element, text);
      element.hidden = text === "";
    });
    each("data-live-show", function (element, path) {
      element.hidden = !lookup(state, path);
    });
    each("data-live-href", function (element, path) {
      var href = lookup(state, path);
      if (href) {
        element.setAttribute("href", href);
      }
      element.hidden = !href;
    });
    each("data-live-list", function (element, path) {
      var rows = lookup(state, path) || [];
      var list = document.createElement(element.tagName);
      rows.forEach(function (row) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        var count = document.createElement("span");
        name.className = "live-count-label";
        count.className = "live-count";
        name.textContent = row.label;
        count.textContent = String(row.count);
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(count);
        list.appendChild(item);
      });
      if (list.innerHTML !== element.innerHTML) {
        element.replaceChildren.apply(element, Array.prototype.slice.call(list.childNodes));
      }
      element.hidden = rows.length === 0;
    });
    root.setAttribute("data-live-status", state.status);
  }

  function wait() {
    if (failures) {
      return Math.min(every * Math.pow(2, failures), MOST);
    }
    return document.visibilityState === "hidden" ? HIDDEN_EVERY : every;
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, wait());
  }

  function ask() {
    if (asking) {
      return;
    }
    asking = true;
    var headers = { Accept: "application/json" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (!response.ok) {
          throw new Error("live.json answered " + response.status);
        }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (state) {
          render(state);
        }
        failures = 0;
      })
      .catch(function () {
        failures += 1;
      })
      .then(function () {
        asking = false;
        later();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      clearTimeout(timer);
      ask(); // back to the page: catch up at once
    }
  });
  // The projector's button: the room's screen without the browser around it.
  var full = root.querySelector("[data-live-fullscreen]");
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
  }
  root.setAttribute("data-live-running", "");
  later();
})();
