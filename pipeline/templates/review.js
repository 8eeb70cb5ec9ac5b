"use strict";
// Filters: status, severity and kind narrow the conflicts; exercise and source narrow everything.
// The choice is kept in the address (#status=open&source=...), so a view can be shared as a link.
(function () {
  const form = document.getElementById("filters");
  const items = Array.from(document.querySelectorAll("[data-filter]"));
  const conflictOnly = new Set(["status", "severity", "kind"]);
  const sourcesOf = new Map(items.map((item) => [item, JSON.parse(item.dataset.sources || "[]")]));

  function wanted() {
    const want = {};
    for (const select of form.querySelectorAll("select")) {
      if (select.value) want[select.name] = select.value;
    }
    return want;
  }

  function keeps(item, key, value) {
    if (key === "source") return sourcesOf.get(item).includes(value);
    if (!(key in item.dataset)) return conflictOnly.has(key);
    return item.dataset[key] === value;
  }

  function apply() {
    const want = wanted();
    let shown = 0;
    for (const item of items) {
      const keep = Object.entries(want).every(([key, value]) => keeps(item, key, value));
      item.hidden = !keep;
      if (keep) shown += 1;
      for (const row of item.querySelectorAll("[data-row-source]")) {
        row.hidden = "source" in want && row.dataset.rowSource !== want.source;
      }
      if ("source" in want) {
        for (const details of item.querySelectorAll("details.more")) details.open = true;
      }
    }
    for (const counter of document.querySelectorAll("[data-count-for]")) {
      const section = document.getElementById(counter.dataset.countFor);
      const all = section.querySelectorAll("[data-filter]");
      const visible = Array.from(all).filter((item) => !item.hidden).length;
      counter.textContent = visible === all.length ? `(${all.length})` : `(${visible} of ${all.length} shown)`;
    }
    document.getElementById("shown").textContent =
      Object.keys(want).length ? `${shown} of ${items.length} items shown` : `${items.length} items`;
    const hash = new URLSearchParams(want).toString();
    if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? `#${hash}` : location.href.split("#")[0]);
  }

  function restore() {
    const given = new URLSearchParams(location.hash.slice(1));
    for (const select of form.querySelectorAll("select")) {
      const value = given.get(select.name);
      select.value = Array.from(select.options).some((o) => o.value === value) ? value : "";
    }
  }

  form.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply, 0));
  window.addEventListener("hashchange", () => {
    restore();
    apply();
  });
  restore();
  apply();
})();
