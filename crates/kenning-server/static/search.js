// Search-as-you-type for every search box marked `data-suggest`.
//
// Progressive enhancement only: without this script the form still submits
// to /search. Suggestions come from /api/v1/suggest and are inserted with
// textContent only (no HTML parsing), so titles from the dump stay inert.
// Keyboard: ArrowDown/ArrowUp move through the list, Enter opens the
// highlighted suggestion, Escape closes the list.
(function () {
  "use strict";

  var DELAY_MS = 120;
  var LIMIT = 8;
  var counter = 0;

  function attach(input) {
    var box = input.parentNode;
    var listId = "suggestions-" + ++counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      if (items.length === 0) return;
      if (index < -1) index = items.length - 1;
      if (index >= items.length) index = -1;
      active = index;
      for (var i = 0; i < items.length; i++) {
        var on = i === active;
        items[i].node.classList.toggle("active", on);
        items[i].node.setAttribute("aria-selected", on ? "true" : "false");
      }
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", items[active].node.id);
        items[active].node.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(hits) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items = [];
      active = -1;
      if (hits.length === 0) {
        close();
        return;
      }
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = hit.url;
        link.tabIndex = -1;
        var title = document.createElement("span");
        title.className = "suggestion-title";
        title.textContent = hit.title;
        link.appendChild(title);
        if (hit.matched_alias) {
          var alias = document.createElement("span");
          alias.className = "suggestion-alias";
          alias.textContent = "also: " + hit.matched_alias;
          link.appendChild(alias);
        }
        var kind = document.createElement("span");
        kind.className = "suggestion-type";
        kind.textContent = hit.type;
        link.appendChild(kind);
        li.appendChild(link);
        // Keep focus in the input while clicking a suggestion.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        li.addEventListener("mousemove", function () {
          if (active !== i) highlight(i);
        });
        list.appendChild(li);
        items.push({ node: li, url: hit.url });
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === "") {
        render([]);
        return;
      }
      var ticket = ++latest;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var url = "/api/v1/suggest?limit=" + LIMIT + "&q=" + encodeURIComponent(q);
      fetch(url, controller ? { signal: controller.signal } : {})
        .then(function (response) {
          return response.ok ? response.json() : { items: [] };
        })
        .then(function (body) {
          if (ticket === latest && input.value.trim() === q) render(body.items || []);
        })
        .catch(function () {
          /* aborted or offline: leave the list as it is */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && items.length > 0) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(active + 1);
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(active - 1);
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].url;
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) attach(inputs[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
