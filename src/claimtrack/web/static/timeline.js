// claimtrack web view: the proposition timeline, drawn with Vega-Lite (shipped in vendor/).
"use strict";
(function () {
  const holder = document.getElementById("timeline");
  const source = document.getElementById("timeline-data");
  if (!holder || !source) return;
  const marks = JSON.parse(source.textContent);
  if (!marks.length) { holder.textContent = "No dated statements."; return; }
  const stances = ["asserts", "denies", "hedges", "partial"];
  const colors = ["#1a7f37", "#cf222e", "#8250df", "#bc4c00"];
  const common = {
    y: { field: "speaker", type: "nominal", title: null, axis: { labelLimit: 220 } },
    color: { field: "stance", type: "nominal", scale: { domain: stances, range: colors }, title: "stance" },
    href: { field: "href" },
    tooltip: [
      { field: "actor" }, { field: "speaker", title: "side" }, { field: "stance" }, { field: "cue" },
      { field: "start", title: "from", type: "temporal", format: "%Y-%m-%d" },
      { field: "end", title: "to", type: "temporal", format: "%Y-%m-%d" }, { field: "precision" },
    ],
  };
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container",
    data: { values: marks },
    encoding: {
      x: {
        field: "start", type: "temporal", title: "date said", scale: { padding: 14 },
        axis: { format: "%Y-%m-%d", tickMinStep: 86400000, labelOverlap: "greedy" },
      },
    },
    layer: [
      {
        name: "ranges",
        transform: [{ filter: "datum.range" }],
        mark: { type: "bar", height: 10, cornerRadius: 3, opacity: 0.75 },
        encoding: { ...common, x2: { field: "end" } },
      },
      {
        name: "points",
        transform: [{ filter: "!datum.range" }],
        mark: { type: "point", size: 110, strokeWidth: 2 },
        encoding: {
          ...common,
          fill: { condition: { test: "datum.precision === 'published'", value: "white" }, field: "stance", type: "nominal", scale: { domain: stances, range: colors }, legend: null },
          shape: { value: "circle" },
        },
      },
    ],
  };
  vegaEmbed(holder, spec, { renderer: "svg", actions: false, ast: true, expr: vega.expressionInterpreter, defaultStyle: false })
    .then(() => { holder.dataset.rendered = "true"; })
    .catch((err) => { holder.textContent = "The chart could not be drawn: " + err; holder.dataset.rendered = "error"; });
})();
