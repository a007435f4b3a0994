// "Why did it change?": a ratio indicator's change split into mix and rate effects per breakdown,
// in the words the server writes for every surface (GET /api/v1/why/{kpi}).
"use strict";

window.SSWhy = (() => {
  const { T, BOOT, LANG, el, api } = SS;

  function breakdown(b, columns) {
    if (b.note) return el("p", { class: "muted" }, b.note);
    return el("section", { class: `why-breakdown${b.simpson ? " simpson" : ""}`, "data-dim": b.dimension },
      el("h2", {}, b.effects),
      el("p", { class: "why-cause" }, b.cause),
      el("div", { class: "table-wrap" }, el("table", {},
        el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, SS.label(c))))),
        el("tbody", {}, b.rows.map((r) => el("tr", {}, r.map((v) => el("td", {}, el("bdi", {}, v)))))))));
  }

  async function page(main) {
    const kpi = BOOT.kpi, q = SS.params();
    const against = q.get("against") === "like" ? "like" : "previous";
    const query = SS.zoomQuery({ against });
    const w = await api(`/api/v1/why/${encodeURIComponent(kpi)}`, { query });
    const said = w.texts[LANG] || w.texts.en;
    const choose = el("select", { id: "why-against", onchange: (e) => SS.setParams({ against: e.target.value }) },
      ["previous", "like"].map((a) => el("option", { value: a, selected: a === against }, T[`why_view_against_${a}`])));
    main.replaceChildren(
      el("h1", {}, T.why_view_title),
      el("p", { class: "headline", id: "why-title" }, said.title),
      el("div", { class: "row" }, el("label", {}, `${T.why_view_against} `, choose), " ",
        el("a", { href: `/indicator/${encodeURIComponent(kpi)}?${SS.zoomQuery()}` }, T.why_view_back)),
      ...said.breakdowns.map((b) => breakdown(b, said.columns)));
  }

  // A link to the view from a value that is a ratio of two counts or sums (numerator and denominator
  // known: the others cannot be split), keeping the zoom and the period.
  function link(id, row, period) {
    const known = (v) => v !== null && v !== undefined;
    if (!row || !known(row.numerator) || !known(row.denominator)) return null;
    // every breakdown is read unless the zoom's filters narrow the rows
    const q = SS.zoomQuery({ period: period || null, by: null });
    return el("a", { class: "why-link", href: `/why/${encodeURIComponent(id)}?${q}` }, T.why_view_link);
  }

  return { page, link };
})();
