// One renderer per dashboard page; each reads only the REST API under /api/v1.
"use strict";

(() => {
  const { T, BOOT, LANG, inLang, el, api, num, withUnit, digits, date, dimName, table, chartLayout, chartBox, reasonText } = SS;
  const main = document.getElementById("main");
  const cfg = { displayModeBar: false, responsive: true };
  let catalog = null;

  const kpiName = (id) => { const k = catalog && catalog.find((c) => c.id === id); return k ? inLang(k, "name") : id; };
  const kpiMeta = (id) => catalog.find((c) => c.id === id);
  const better = (meta, change) => (change === null || change === undefined || change === 0) ? null
    : ((change > 0) === (meta.direction === "higher_is_better"));

  function statusBadge(row) {
    if (!row || !row.status) return el("span", { class: "badge none" }, T.status_none);
    return el("span", { class: `badge ${row.status}` }, T[`status_${row.status}`] || row.status);
  }

  // A value and its change as the server writes them (the same on every surface); the unit-aware
  // fallback only for rows without display strings.
  function shown(row, meta) {
    if (row && row.display && row.value !== null && row.value !== undefined) return (row.display[LANG] || row.display.en).value;
    return withUnit(row ? row.value : null, meta.unit);
  }

  function changeText(meta, row) {
    if (!row || row.change === null || row.change === undefined) return el("span", { class: "change" }, "—");
    const good = better(meta, row.change);
    const arrow = row.change > 0 ? "▲" : row.change < 0 ? "▼" : "■";
    return el("span", { class: `change ${good === null ? "" : good ? "good" : "bad"}`, title: T.vs_previous },
      `${arrow} ${row.display ? row.display[LANG].change : num(row.change)}`);
  }

  function sampleText(row) {
    if (!row || row.n === null || row.n === undefined) return null;
    const thin = row.n < BOOT.min_sample;
    return el("span", { class: thin ? "n thin" : "n", title: thin ? T.thin_sample : "" },
      `${T.sample_size}: ${num(row.n, 0)}${thin ? ` · ${T.thin_sample}` : ""}`);
  }

  // ---------------------------------------------------------------- overview
  async function overview() {
    const data = await api("/api/v1/overview", { query: SS.zoomQuery() });
    const byKpi = Object.fromEntries(data.cards.map((c) => [c.kpi, c]));
    const cards = catalog.map((meta) => {
      const card = byKpi[meta.id] || { latest: {}, spark: [] };
      const row = card.latest;
      const spark = chartBox(`spark-${meta.id}`, "spark");
      const link = `/indicator/${meta.id}?${SS.zoomQuery()}`;
      const node = el("a", { class: "card", href: link, "data-kpi": meta.id },
        el("div", { class: "card-stage" }, T[`stage_${meta.stage}`] || meta.stage),
        el("h2", {}, inLang(meta, "name")),
        el("div", { class: "card-value" }, shown(row, meta)),
        row.value === null || row.value === undefined
          ? el("div", { class: "reason" }, `${T.reason}: ${reasonText(row.reason)}`) : null,
        el("div", { class: "card-meta" }, el("span", { class: "period" }, SS.periodLabel(row.period || "")),
          changeText(meta, row), statusBadge(row)),
        el("div", { class: "card-meta" }, sampleText(row)),
        spark);
      requestAnimationFrame(() => {
        const pts = card.spark.filter((p) => p.value !== null);
        if (!pts.length) return;
        Plotly.newPlot(spark, [{ x: card.spark.map((p) => p.period), y: card.spark.map((p) => p.value),
          type: "scatter", mode: "lines", line: { width: 2, color: "#2b6cb0" }, connectgaps: false }],
        chartLayout({ margin: { l: 0, r: 0, t: 2, b: 2 }, height: 40, xaxis: { visible: false },
          yaxis: { visible: false } }), { ...cfg, staticPlot: true });
      });
      return node;
    });
    main.replaceChildren(el("div", { class: "cards" }, cards));
  }

  // ---------------------------------------------------------------- indicator
  async function indicator() {
    const id = BOOT.kpi, meta = kpiMeta(id);
    if (!meta) { main.replaceChildren(el("p", {}, T.not_found)); return; }
    const q = SS.zoomQuery();
    const where = SS.whereList(), used = where.map((w) => w.split(":")[0]);
    const dims = SS.DIMS.filter((d) => meta.dimensions.includes(d));
    let by = (q.get("by") || "").split(",")[0];
    if (!by || !dims.includes(by)) by = dims.find((d) => !used.includes(d)) || "";
    const trendQ = SS.zoomQuery({ ids: id, by: null });
    const trend = (await api("/api/v1/indicators", { query: trendQ })).rows
      .sort((a, b) => a.period_start.localeCompare(b.period_start));
    const selected = q.get("period") || (trend.length ? trend[trend.length - 1].period : null);
    const sel = trend.find((r) => r.period === selected) || trend[trend.length - 1];

    const trendBox = chartBox("trend"), barBox = chartBox("breakdown"), rowsBox = el("div", { id: "rows" });
    const dimSelect = el("select", { id: "by-select", onchange: (e) => SS.setParams({ by: e.target.value }) },
      dims.map((d) => el("option", { value: d, selected: d === by }, dimName(d))));
    main.replaceChildren(
      el("h1", {}, inLang(meta, "name")),
      el("p", { class: "muted" }, inLang(meta, "description")),
      sel ? el("div", { class: "headline" }, el("span", { class: "card-value" }, shown(sel, meta)),
        el("span", { class: "period" }, SS.periodLabel(sel.period)), changeText(meta, sel), statusBadge(sel),
        sampleText(sel), sel.value === null ? el("span", { class: "reason" }, `${T.reason}: ${reasonText(sel.reason)}`) : null) : null,
      el("section", {}, el("h2", {}, T.trend), trendBox),
      el("section", {}, el("h2", {}, T.breakdown_by, " ", dimSelect, " · ", SS.periodLabel(sel ? sel.period : "")),
        el("p", { class: "muted" }, T.click_to_drill), barBox),
      el("section", {}, el("h2", {}, T.rows_behind), rowsBox));
    if (!trend.length) { trendBox.replaceWith(el("p", { class: "muted" }, T.no_data)); return; }

    const lo = trend.map((r) => r.ci_low), hi = trend.map((r) => r.ci_high), x = trend.map((r) => r.period);
    const traces = [{ x, y: trend.map((r) => r.value), type: "scatter", mode: "lines+markers", name: T.value,
      line: { color: "#2b6cb0" }, marker: { size: trend.map((r) => (r.period === selected ? 12 : 7)) } }];
    if (hi.some((v) => v !== null)) {
      traces.unshift({ x: [...x, ...x.slice().reverse()], y: [...hi, ...lo.slice().reverse()], fill: "toself",
        type: "scatter", mode: "none", fillcolor: "rgba(43,108,176,0.15)", hoverinfo: "skip", showlegend: false });
    }
    if (trend.some((r) => r.target !== null && r.target !== undefined)) {
      traces.push({ x, y: trend.map((r) => r.target), type: "scatter", mode: "lines", name: T.target,
        line: { dash: "dash", color: "#c05621" } });
    }
    await SS.plot(trendBox, traces, chartLayout({ height: 300, showlegend: false,
      xaxis: { type: "category", tickvals: x, ticktext: x.map((p) => SS.plotText(digits(p))) } }), cfg);
    trendBox.on("plotly_click", (ev) => SS.setParams({ period: ev.points[0].x }));

    const rowsDone = sel ? showRows(rowsBox, id, sel, where) : Promise.resolve();
    if (!by) { barBox.replaceWith(el("p", { class: "muted" }, T.no_data)); await rowsDone; return; }
    const parts = (await api("/api/v1/indicators", { query: SS.zoomQuery({ ids: id, by }) })).rows
      .filter((r) => sel && r.period === sel.period);
    if (!parts.length) { barBox.replaceWith(el("p", { class: "muted" }, T.no_data)); await rowsDone; return; }
    const next = dims.find((d) => d !== by && !used.includes(d));
    // The raw values stay the bars' x (a click drills into them); what Plotly draws is escaped.
    await SS.plot(barBox, [{ x: parts.map((r) => r[by]), y: parts.map((r) => r.value), type: "bar",
      marker: { color: parts.map((r) => (r.status === "missed" ? "#c53030" : "#2b6cb0")) },
      customdata: parts.map((r) => SS.plotText(r[by])),
      text: parts.map((r) => `n=${num(r.n, 0)}`), hovertemplate: "%{customdata}: %{y}<br>%{text}<extra></extra>" }],
    chartLayout({ height: 300, xaxis: { type: "category", ticktext: parts.map((r) => SS.plotText(r[by])),
      tickvals: parts.map((r) => r[by]) } }), cfg);
    barBox.on("plotly_click", (ev) => {
      const value = ev.points[0].x;
      SS.setParams({ where: [...where.filter((w) => !w.startsWith(`${by}:`)), `${by}:${value}`], by: next || by });
    });
    barBox.append(table([by, "value", "n", "status"], parts, { value: (v, r) => shown(r, meta),
      n: (v) => num(v, 0), status: (v) => (v ? T[`status_${v}`] : "—") }));
    await rowsDone;
  }

  async function showRows(box, id, row, where) {
    box.replaceChildren(el("p", { class: "muted" }, T.loading));
    const data = await api(`/api/v1/indicators/${id}/rows`, { query: new URLSearchParams([
      ["period_start", row.period_start], ["period_end", row.period_end], ...where.map((w) => ["where", w])]) });
    box.replaceChildren(...data.tables.map((t) => el("details", { open: true },
      el("summary", {}, `${T.table}: ${t.table} (${num(t.rows.length, 0)}) · ${date(row.period_start)} – ${date(row.period_end)}`),
      t.reason ? el("p", { class: "reason" }, t.reason) : null,
      t.truncated ? el("p", { class: "muted" }, T.rows_truncated) : null,
      t.rows.length ? table(Object.keys(t.rows[0]), t.rows) : el("p", { class: "muted" }, T.no_rows))));
  }

  // ---------------------------------------------------------------- funnel
  async function funnel() {
    const q = SS.zoomQuery(), by = (q.get("by") || "").split(",")[0];
    const rows = (await api("/api/v1/funnel", { query: q })).rows;
    if (!rows.length) { main.replaceChildren(el("p", { class: "muted" }, T.no_data)); return; }
    const last = rows.map((r) => r.period_start).sort().pop();
    const latest = rows.filter((r) => r.period_start === last);
    const box = chartBox("funnel-chart");
    main.replaceChildren(el("h1", {}, T.funnel_title, " · ", SS.periodLabel(latest[0].period)), box,
      table(["period", ...(by ? [by] : []), "stage", "count", "conversion", "drop_off", "note"], rows, {
        period: (v) => SS.periodLabel(v),
        stage: (v) => T[`funnel_${v}`] || v, count: (v) => (v === null ? "—" : num(v, 0)),
        conversion: (v) => withUnit(v, "percent"), drop_off: (v) => withUnit(v, "percent"),
        note: (v) => (v ? T[`funnel_${v}`] || v : "") }));
    const groups = by ? [...new Set(latest.map((r) => r[by]))] : [null];
    const traces = groups.map((g) => {
      // a stage the data do not measure has no bar
      const part = latest.filter((r) => (g === null || r[by] === g) && r.count !== null);
      return { type: by ? "bar" : "funnel", name: g === null ? "" : SS.plotText(g),
        y: part.map((r) => T[`funnel_${r.stage}`] || r.stage), x: part.map((r) => r.count),
        orientation: "h", textinfo: "text", textposition: "inside", hoverinfo: "x+y",
        text: part.map((r) => (r.conversion === null ? num(r.count, 0)
          : `${num(r.count, 0)} · ${withUnit(r.conversion, "percent")}`)) };
    });
    await SS.plot(box, traces, chartLayout({ height: 320, barmode: "group",
      margin: { l: 110, r: 20, t: 10, b: 30 }, yaxis: { autorange: "reversed" } }), cfg);
  }

  // ---------------------------------------------------------------- advice
  async function advice() {
    const data = await api("/api/v1/advice", { query: SS.zoomQuery({ lang: SS.LANG }) });
    if (!data.items.length) { main.replaceChildren(el("p", { class: "muted" }, T.no_advice)); return; }
    main.replaceChildren(el("h1", {}, T.advice_title), el("ol", { class: "advice" }, data.items.map((f) =>
      el("li", { class: `finding ${f.kind}` },
        el("div", { class: "card-meta" }, el("span", { class: `badge ${f.kind}` }, f.kind),
          el("a", { href: `/indicator/${f.kpi}?${SS.zoomQuery()}` }, kpiName(f.kpi)),
          el("span", { class: "period" }, SS.periodLabel(f.period || "")),
          Object.entries(f.dimensions || {}).map(([d, v]) => el("span", { class: "chip" }, `${dimName(d)}: ${v}`)),
          el("span", { class: "muted" }, `${T.confidence}: ${f.confidence}`)),
        el("p", {}, inLang(f, "advice"))))));
  }

  const renderers = { overview, indicator, funnel, advice, forecast: () => window.SSForecast.page(main),
    import: () => window.SSForms.importPage(main), settings: () => window.SSForms.settingsPage(main) };

  async function render() {
    SS.showError(null);
    main.setAttribute("aria-busy", "true");
    try {
      if (!catalog) catalog = await api("/api/v1/catalog");
      window.SS_CATALOG = catalog;
      await renderers[BOOT.page]();
    } catch (err) {
      SS.showError(err);
      if (main.getAttribute("aria-busy") === "true") main.replaceChildren();
    } finally {
      main.setAttribute("aria-busy", "false");
    }
  }

  SS.init();
  window.addEventListener("ss:zoom", render);
  document.addEventListener("DOMContentLoaded", render);
  if (document.readyState !== "loading") render();
})();
