// claimtrack web view: clicking a highlight shows its statement(s) in the side panel.
"use strict";
(function () {
  const text = document.getElementById("article-text");
  if (!text) return;
  function select(ids) {
    document.querySelectorAll(".seg.active, .card.active").forEach((el) => el.classList.remove("active"));
    let first = null;
    ids.forEach((id) => {
      text.querySelectorAll(".seg[data-marks]").forEach((seg) => {
        if (seg.dataset.marks.split(" ").some((m) => m.startsWith(id + ":"))) seg.classList.add("active");
      });
      const card = document.getElementById("card-" + id);
      if (card) { card.classList.add("active"); first = first || card; }
    });
    if (first) first.scrollIntoView({ block: "nearest" });
  }
  text.addEventListener("click", (event) => {
    const seg = event.target.closest(".seg[data-marks]");
    if (!seg) return;
    select([...new Set(seg.dataset.marks.split(" ").map((m) => m.split(":")[0]))]);
  });
  const hash = decodeURIComponent(location.hash || "");
  if (hash.startsWith("#st-")) select([hash.slice(4)]);
})();
