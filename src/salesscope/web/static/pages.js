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

  // Where a target is set: met or missed, and the target itself; nothing where there is none.
  function statusBadge(row, meta) {
    if (!row || !row.status) return null;
    const target = row.target === null || row.target === undefined ? ""
      : ` · ${T.target}: ${row.display ? (row.display[LANG] || row.display.en).target : withUnit(row.target, meta ? meta.unit : "")}`;
    return el("span", { class: `badge ${row.status}` }, `${T[`status_${row.status}`] || row.status}${target}`);
  }

  // The value's 95% interval as the server writes it.
  function intervalText(row) {
    const text = row && row.display ? (row.display[LANG] || row.display.en).interval : "";
    return text ? el("span", { class: "interval", title: T.interval_title }, `${T.interval} `, el("bdi", {}, text)) : null;
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
      `${T.sample_size}: ${row.display ? (row.display[LANG] || row.display.en).n : num(row.n, 0)}${thin ? ` · ${T.thin_sample}` : ""}`);
  }

  // A period not over yet against its target: progress, where the pace puts its end and, for an
  // indicator that adds up through the period, the milestones' days, all as the server writes them.
  function paceText(row, withMilestones) {
    const p = row && row.pace;
    if (!p) return null;
    const d = p.display[LANG] || p.display.en;
    const cumulative = p.milestones.some((m) => m.due);
    const line = el("div", { class: `pace ${p.on_pace ? "good" : "bad"}` }, SS.fill(cumulative ? T.pace_sum : T.pace_rate,
      { ...d, status: p.on_pace ? T.pace_on : T.pace_behind }));
    if (!withMilestones || !cumulative) return line;
    return [line, el("div", { class: "milestones" }, `${T.milestones}: `, p.milestones.map((m, i) =>
      el("span", { class: `milestone${m.reached ? " reached" : ""}`, "data-percent": m.percent },
        SS.fill(T.milestone_due, { percent: d.milestones[i].percent, date: d.milestones[i].due }),
        m.reached ? ` ✓ ${T.milestone_reached}` : "")))];
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
          changeText(meta, row), statusBadge(row, meta), SS.partial(row, data.data_end)),
        el("div", { class: "card-meta" }, intervalText(row), sampleText(row)),
        paceText(row, false),
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
    const dims = SS.drillable(SS.DIMS.filter((d) => meta.dimensions.includes(d)), used);
    let by = (q.get("by") || "").split(",")[0];
    if (!by || !dims.includes(by)) by = dims[0] || "";
    const trendQ = SS.zoomQuery({ ids: id, by: null });
    const answer = await api("/api/v1/indicators", { query: trendQ });
    const trend = answer.rows.sort((a, b) => a.period_start.localeCompare(b.period_start));
    // The period clicked on the trend (kept in the URL), else the latest.
    const selected = q.get("period") || (trend.length ? trend[trend.length - 1].period : null);
    const sel = trend.find((r) => r.period === selected) || trend[trend.length - 1];

    const trendBox = chartBox("trend"), barBox = chartBox("breakdown"), rowsBox = el("div", { id: "rows" });
    const barTable = el("div", { id: "breakdown-table" });
    const dimSelect = el("select", { id: "by-select", onchange: (e) => SS.setParams({ by: e.target.value }) },
      dims.map((d) => el("option", { value: d, selected: d === by }, dimName(d))));
    main.replaceChildren(
      el("h1", {}, inLang(meta, "name")),
      el("p", { class: "muted" }, inLang(meta, "description")),
      sel ? el("div", { class: "headline", id: "headline", "data-period": sel.period },
        el("span", { class: "card-value" }, shown(sel, meta)),
        el("span", { class: "period" }, SS.periodLabel(sel.period)), SS.partial(sel, answer.data_end),
        changeText(meta, sel), statusBadge(sel, meta),
        intervalText(sel), sampleText(sel), window.SSWhy.link(id, sel, sel.period),
        sel.value === null ? el("span", { class: "reason" }, `${T.reason}: ${reasonText(sel.reason)}`) : null) : null,
      sel ? el("div", { id: "pace" }, paceText(sel, true)) : null,
      el("section", {}, el("h2", {}, T.trend), el("p", { class: "muted" }, T.click_point), trendBox),
      dims.length ? el("section", {}, el("h2", {}, T.breakdown_by, " ", dimSelect, " · ", SS.periodLabel(sel ? sel.period : "")),
        el("p", { class: "muted" }, T.click_to_drill), barBox, barTable) : null,
      el("section", {}, el("h2", {}, T.rows_behind, " · ", SS.periodLabel(sel ? sel.period : "")), rowsBox));
    if (!trend.length) { trendBox.replaceWith(el("p", { class: "muted" }, T.no_data)); return; }

    const lo = trend.map((r) => r.ci_low), hi = trend.map((r) => r.ci_high), x = trend.map((r) => r.period);
    // A band needs an interval on both sides of a point; one standing alone is drawn as an error bar
    // (a band of one point is invisible, yet stretches the axis).
    const known = (i) => i >= 0 && i < trend.length && hi[i] !== null && lo[i] !== null;
    const alone = trend.map((r, i) => known(i) && r.value !== null && !known(i - 1) && !known(i + 1));
    const traces = [{ x, y: trend.map((r) => r.value), type: "scatter", mode: "lines+markers", name: T.value,
      line: { color: "#2b6cb0" }, marker: { size: trend.map((r) => (r.period === sel.period ? 13 : 7)),
        color: trend.map((r) => (r.period === sel.period ? "#c05621" : "#2b6cb0")) } }];
    const lone = trend.map((r, i) => i).filter((i) => alone[i]);
    if (lone.length) {
      traces.unshift({ x: lone.map((i) => x[i]), y: lone.map((i) => trend[i].value), type: "scatter", mode: "markers",
        marker: { size: 1, opacity: 0 }, hoverinfo: "skip", showlegend: false,
        error_y: { type: "data", symmetric: false, color: "rgba(43,108,176,0.45)", thickness: 1.5, width: 6,
          array: lone.map((i) => hi[i] - trend[i].value), arrayminus: lone.map((i) => trend[i].value - lo[i]) } });
    }
    if (hi.some((v) => v !== null)) {
      traces.unshift({ x: [...x, ...x.slice().reverse()], y: [...hi, ...lo.slice().reverse()], fill: "toself",
        type: "scatter", mode: "none", fillcolor: "rgba(43,108,176,0.15)", hoverinfo: "skip", showlegend: false });
    }
    if (trend.some((r) => r.target !== null && r.target !== undefined)) {
      traces.push({ x, y: trend.map((r) => r.target), type: "scatter", mode: "lines", name: T.target,
        line: { dash: "dash", color: "#c05621" } });
    }
    await SS.plot(trendBox, traces, chartLayout({ height: 300, showlegend: false, hovermode: "closest",
      xaxis: { type: "category", tickvals: x, ticktext: x.map((p) => SS.plotText(digits(p))) } }), cfg);
    trendBox.on("plotly_click", (ev) => SS.setParams({ period: ev.points[0].x }));

    const rowsDone = sel ? window.SSRows.show(rowsBox, sel, where) : Promise.resolve();
    if (!by) { await rowsDone; return; }
    const parts = (await api("/api/v1/indicators", { query: SS.zoomQuery({ ids: id, by }) })).rows
      .filter((r) => sel && r.period === sel.period);
    if (!parts.length) { barBox.replaceWith(el("p", { class: "muted" }, T.no_data)); await rowsDone; return; }
    const next = SS.nextDim(SS.DIMS.filter((d) => meta.dimensions.includes(d)), by, used);
    // The raw values stay the bars' x (a click drills into them); what Plotly draws is escaped.
    await SS.plot(barBox, [{ x: parts.map((r) => r[by]), y: parts.map((r) => r.value), type: "bar",
      marker: { color: parts.map((r) => (r.status === "missed" ? "#c53030" : "#2b6cb0")) },
      customdata: parts.map((r) => SS.plotText(r[by])),
      text: parts.map((r) => `${T.sample_size}: ${r.display ? (r.display[LANG] || r.display.en).n : "—"}`), hovertemplate: "%{customdata}: %{y}<br>%{text}<extra></extra>" }],
    chartLayout({ height: 300, xaxis: { type: "category", ticktext: parts.map((r) => SS.plotText(r[by])),
      tickvals: parts.map((r) => r[by]) } }), cfg);
    barBox.on("plotly_click", (ev) => {
      const value = ev.points[0].x;
      // Inside the value clicked, in the same period, by the next finer dimension.
      SS.setParams({ where: [...where.filter((w) => !w.startsWith(`${by}:`)), `${by}:${value}`], by: next || by,
        period: sel.period });
    });
    barTable.replaceChildren(table([by, "value", "interval_header", "n", "status"], parts, { value: (v, r) => shown(r, meta),
      interval_header: (v, r) => el("bdi", {}, r.display ? (r.display[LANG] || r.display.en).interval || "—" : "—"),
      n: (v) => num(v, 0), status: (v) => (v ? T[`status_${v}`] : "—") }));
    await rowsDone;
  }

  // ---------------------------------------------------------------- funnel
  // A funnel row's count and conversion as the server writes them.
  const shownCount = (r) => (r.display ? r.display[LANG] || r.display.en
    : { count: num(r.count, 0), conversion: withUnit(r.conversion, "percent") });

  async function funnel() {
    const q = SS.zoomQuery(), by = (q.get("by") || "").split(",")[0];
    const rows = (await api("/api/v1/funnel", { query: q })).rows;
    if (!rows.length) { main.replaceChildren(el("p", { class: "muted" }, T.no_data)); return; }
    // The period selected (a click on the table's period), else the latest.
    const last = rows.map((r) => r.period_start).sort().pop();
    const chosen = rows.find((r) => r.period === q.get("period"));
    const latest = rows.filter((r) => r.period_start === (chosen ? chosen.period_start : last));
    const box = chartBox("funnel-chart");
    main.replaceChildren(el("h1", {}, T.funnel_title, " · ", SS.periodLabel(latest[0].period)), box,
      funnelTable(rows, by));
    const groups = by ? [...new Set(latest.map((r) => r[by]))] : [null];
    const traces = groups.map((g) => {
      // a stage the data do not measure has no bar
      const part = latest.filter((r) => (g === null || r[by] === g) && r.count !== null);
      return { type: by ? "bar" : "funnel", name: g === null ? "" : SS.plotText(g),
        y: part.map((r) => T[`funnel_${r.stage}`] || r.stage), x: part.map((r) => r.count),
        orientation: "h", textinfo: "text", textposition: "outside", cliponaxis: false, hoverinfo: "x+y",
        text: part.map(barText) };
    });
    // The texts sit beside their bars and the stage names left of them: each margin is as wide as
    // its widest text, so none is cut on a phone.
    await document.fonts.ready;
    const widest = (texts) => Math.ceil(Math.max(0, ...texts.map(textWidth)));
    // The groups' legend sits above the plot, where it covers no bar.
    await SS.plot(box, traces, chartLayout({ height: 320, barmode: "group",
      margin: { l: widest(traces.flatMap((t) => t.y)) + 16, r: widest(traces.flatMap((t) => t.text)) + 12, t: by ? 36 : 10, b: 30 },
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: SS.RTL ? 1 : 0, xanchor: SS.RTL ? "right" : "left" },
      yaxis: { autorange: "reversed" } }), cfg);
  }

  // "count · conversion" in the reader's words; in right-to-left text the whole reads right to left
  // (RLI ... PDI) and each number is isolated (FSI ... PDI), so bidi cannot run them together.
  function barText(r) {
    const shown = shownCount(r);
    if (r.conversion === null) return shown.count;
    const text = SS.fill(T.funnel_bar, { count: `\u2068${shown.count}\u2069`, conversion: `\u2068${shown.conversion}\u2069` });
    return SS.RTL ? `\u2067${text}\u2069` : text;
  }

  const measure = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    measure.font = "12px Vazirmatn, 'Noto Naskh Arabic', sans-serif";
    return measure.measureText(String(text).replace(/[\u2066-\u2069]/g, "")).width;
  }

  // One row per period (the latest first) and group, one column per stage: its count and the
  // conversion from the stage before; a stage the data do not measure says why.
  function funnelTable(rows, by) {
    const stages = [...new Set(rows.map((r) => r.stage))];
    const key = (r) => `${r.period_start}|${by ? r[by] : ""}`;
    const lines = new Map();
    for (const r of rows) {
      if (!lines.has(key(r))) lines.set(key(r), { period: r.period, start: r.period_start, group: by ? r[by] : null, cells: {} });
      lines.get(key(r)).cells[r.stage] = r;
    }
    const ordered = [...lines.values()].sort((a, b) => b.start.localeCompare(a.start)
      || String(a.group).localeCompare(String(b.group)));
    const cell = (r) => {
      if (!r || r.count === null || r.count === undefined) {
        return el("td", { class: "muted", title: r && r.note ? T[`funnel_${r.note}`] || r.note : "" }, "—");
      }
      return el("td", {}, el("bdi", {}, shownCount(r).count),
        r.conversion === null || r.conversion === undefined ? null
          : el("span", { class: "muted conv" }, " ", el("bdi", {}, shownCount(r).conversion)));
    };
    // each note names the stage it is about
    const notes = [...new Set(rows.filter((r) => r.note).map((r) => `${T[`funnel_${r.stage}`] || r.stage}: ${T[`funnel_${r.note}`] || r.note}`))];
    return el("div", { class: "table-wrap", id: "funnel-table" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, T.period), by ? el("th", {}, dimName(by)) : null,
        stages.map((st) => el("th", {}, T[`funnel_${st}`] || st)))),
      el("tbody", {}, ordered.map((line) => el("tr", {}, el("td", {}, el("a", { href: "#", class: "select-period",
        onclick: (e) => { e.preventDefault(); SS.setParams({ period: line.period }); } }, SS.periodLabel(line.period))),
        by ? el("td", {}, line.group ?? "—") : null, stages.map((st) => cell(line.cells[st])))))),
    el("p", { class: "muted" }, T.funnel_cell_note, ...notes.map((n) => [el("br"), n])));
  }

  // ---------------------------------------------------------------- advice
  async function advice() {
    const data = await api("/api/v1/advice", { query: SS.zoomQuery({ lang: SS.LANG }) });
    if (!data.items.length) { main.replaceChildren(el("p", { class: "muted" }, T.no_advice)); return; }
    main.replaceChildren(el("h1", {}, T.advice_title), el("ol", { class: "advice" }, data.items.map((f) =>
      el("li", { class: `finding ${f.kind}` },
        el("div", { class: "card-meta" }, el("span", { class: `badge ${f.kind}` }, T[`kind_${f.kind}`] || f.kind),
          el("a", { href: `/indicator/${f.kpi}?${SS.zoomQuery()}` }, kpiName(f.kpi)),
          window.SSWhy.link(f.kpi, f.evidence, f.period),
          el("span", { class: "period" }, SS.periodLabel(f.period || "")),
          Object.entries(f.dimensions || {}).map(([d, v]) => el("span", { class: "chip" }, `${dimName(d)}: ${SS.valueName(d, v)}`)),
          el("span", { class: "muted" }, `${T.confidence}: ${T[`confidence_${f.confidence}`] || f.confidence}`)),
        el("p", {}, inLang(f, "advice"))))));
  }

  // ---------------------------------------------------------------- what changed this week
  // One screen: how many findings of each kind the last finished week brought, and the most
  // valuable few of each kind, linked to their indicator and to the full list.
  const PER_KIND = 3;
  function findingItem(f) {
    return el("li", { class: `finding ${f.kind}` },
      el("div", { class: "card-meta" },
        el("a", { href: `/indicator/${f.kpi}?${SS.zoomQuery({ grain: "week", period: f.period })}` }, kpiName(f.kpi)),
        Object.entries(f.dimensions || {}).map(([d, v]) => el("span", { class: "chip" }, `${dimName(d)}: ${SS.valueName(d, v)}`)),
        el("span", { class: "muted" }, `${T.confidence}: ${T[`confidence_${f.confidence}`] || f.confidence}`)),
      el("p", {}, inLang(f, "advice")));
  }

  async function week() {
    const data = await api("/api/v1/changes", { query: SS.zoomQuery({ grain: "week", lang: SS.LANG, period: null }) });
    const said = (x, k) => (x.display[LANG] || x.display.en)[k];
    if (!data.items.length) {
      main.replaceChildren(el("h1", {}, T.week_title), el("p", { class: "muted" }, T.week_nothing));
      return;
    }
    const all = `/advice?${SS.zoomQuery({ grain: "week", period: null })}`;
    main.replaceChildren(
      el("h1", {}, T.week_title, " · ", SS.periodLabel(data.period)),
      el("div", { class: "week-kinds" }, data.kinds.map((k) => el("a", { class: `week-kind ${k.kind}`, href: `#week-${k.kind}` },
        el("span", { class: "week-count" }, said(k, "count")), " ", el("span", {}, T[`kind_many_${k.kind}`])))),
      el("div", { class: "week-groups" }, data.kinds.map((k) => {
        const mine = data.items.filter((f) => f.kind === k.kind);
        return el("section", { class: `week-group ${k.kind}`, id: `week-${k.kind}`, "data-kind": k.kind },
          el("h2", {}, el("span", { class: `badge ${k.kind}` }, T[`kind_many_${k.kind}`]), " ",
            el("span", { class: "muted" }, said(k, "count"))),
          el("ol", { class: "advice" }, mine.slice(0, PER_KIND).map(findingItem)),
          mine.length > PER_KIND ? el("a", { class: "more", href: all }, SS.fill(T.week_more, { n: said(k, "count") })) : null);
      })),
      el("p", {}, el("a", { href: all }, SS.fill(T.week_all, { n: said(data, "total") }))));
  }

  const renderers = { overview, indicator, funnel, advice, week, forecast: () => window.SSForecast.page(main),
    why: () => window.SSWhy.page(main),
    import: () => window.SSForms.importPage(main), settings: () => window.SSForms.settingsPage(main) };

  async function render() {
    SS.showError(null);
    main.setAttribute("aria-busy", "true");
    try {
      if (!catalog) catalog = await api("/api/v1/catalog");
      window.SS_CATALOG = catalog;
      await renderers[BOOT.page]();
    } catch (err) {
      // What the page showed stays: only a first draw that failed leaves nothing to keep.
      SS.showError(err);
      main.querySelectorAll(":scope > .loading").forEach((n) => n.remove());
    } finally {
      main.setAttribute("aria-busy", "false");
    }
  }

  SS.init();
  window.addEventListener("ss:zoom", render);
  document.addEventListener("DOMContentLoaded", render);
  if (document.readyState !== "loading") render();
})();
