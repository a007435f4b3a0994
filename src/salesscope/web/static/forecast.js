// The Forecast page: expected revenue with 80%/95% bands, the forecast's track record, and a plan.
"use strict";

window.SSForecast = (() => {
  const { T, LANG, RTL, el, api, digits, date, dimName, table, chartLayout, chartBox } = SS;
  const BYS = ["team", "rep", "channel"];
  const COLORS = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"];
  const cfg = { displayModeBar: false, responsive: true };
  // The chart draws left to right: a right-to-left label is isolated (RLI ... PDI) to keep its order,
  // and its numbers inside it (LRI ... PDI) as everywhere in the page.
  const rtlText = (t) => (RTL ? `\u2067${SS.isolate(t)}\u2069` : t);

  // A sentence the server wrote, in the reader's language.
  const pick = (t) => (!t ? "" : t[LANG] || t.en);
  // Every number reads as the API's display strings write it (the same text as the terminal and the report).
  const shown = (x) => (x.display[LANG] || x.display.en);
  // A range in a cell is isolated, so "low – high" keeps its order in RTL text.
  const cell = (text) => el("bdi", {}, text);
  const rgba = (hex, a) => `rgba(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(",")},${a})`;

  // ---------------------------------------------------------------- forecast
  async function chart(box, rows, by) {
    const x = [...new Set(rows.map((r) => r.period))];
    const groups = by ? [...new Set(rows.map((r) => r[by]))] : [null];
    const traces = [];
    groups.forEach((g, i) => {
      const part = rows.filter((r) => g === null || r[by] === g), px = part.map((r) => r.period);
      const color = COLORS[i % COLORS.length];
      const band = (lo, hi, alpha, name) => ({ x: [...px, ...px.slice().reverse()],
        y: [...part.map((r) => r[hi]), ...part.map((r) => r[lo]).reverse()], type: "scatter", mode: "none",
        fill: "toself", fillcolor: rgba(color, alpha), hoverinfo: "skip", name });
      if (!by) traces.push(band("low_95", "high_95", 0.12, rtlText(T.band_95)), band("low_80", "high_80", 0.25, rtlText(T.band_80)));
      traces.push({ x: px, y: part.map((r) => r.expected), type: "scatter", mode: "lines+markers",
        name: g === null ? rtlText(T.forecast_expected) : SS.plotText(g), line: { color, width: 2 }, marker: { size: 7 },
        // With a breakdown the bands would overlap; each line carries its 80% interval as error bars.
        error_y: by ? { type: "data", symmetric: false, color, thickness: 1,
          array: part.map((r) => r.high_80 - r.expected), arrayminus: part.map((r) => r.expected - r.low_80) } : undefined,
        customdata: part.map((r) => [SS.plotText(digits(r.period)), shown(r).expected, shown(r).interval_80,
          shown(r).interval_95]),
        hovertemplate: `%{customdata[0]}<br>${T.forecast_expected}: %{customdata[1]}<br>${T.band_80}: %{customdata[2]}`
          + `<br>${T.band_95}: %{customdata[3]}<extra></extra>` });
    });
    // The legend sits above the plot, where the chart keeps room for it (below, it ran over the text).
    await SS.plot(box, traces, chartLayout({ height: 340, showlegend: true, margin: { l: 50, r: 20, t: 40, b: 40 },
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: RTL ? 1 : 0, xanchor: RTL ? "right" : "left" },
      xaxis: { type: "category", tickvals: x, ticktext: x.map((p) => SS.plotText(digits(p))) },
      yaxis: { rangemode: "tozero", tickformat: ",.0f" } }), cfg);
  }

  function partsTable(rows, by) {
    const cols = ["period", ...(by ? [by] : []), "forecast_expected", "forecast_interval_80", "forecast_interval_95",
      "forecast_won_to_date", "forecast_from_pipeline", "forecast_from_run_rate", "forecast_open_deals"];
    const data = rows.map((r) => {
      const s = shown(r);
      return { ...r, forecast_expected: s.expected, forecast_interval_80: s.interval_80, forecast_interval_95: s.interval_95,
        forecast_won_to_date: s.won_to_date, forecast_from_pipeline: s.from_pipeline, forecast_from_run_rate: s.from_run_rate,
        forecast_open_deals: s.open_deals };
    });
    const same = (v) => v;
    return table(cols, data, { period: (v) => SS.periodLabel(v), forecast_expected: same, forecast_interval_80: cell,
      forecast_interval_95: cell, forecast_won_to_date: same, forecast_from_pipeline: same, forecast_from_run_rate: same,
      forecast_open_deals: same });
  }

  function trackBlock(fc) {
    const tr = fc.track_record;
    if (!tr) return null;
    const scores = shown(tr);
    const row = (h, s) => ({ horizon: h, forecasts: s.n, mape: s.mape, wape: s.wape, bias: s.bias,
      coverage_80: s.coverage_80, coverage_95: s.coverage_95 });
    const rows = tr.n ? [row(T.everything, scores.all), ...Object.entries(scores.by_horizon).map(([h, s]) => row(h, s))] : [];
    const same = (v) => v;
    return [el("p", { id: "track-line" }, pick(fc.texts.track)),
      fc.texts.compared ? el("p", { id: "compared-line" }, pick(fc.texts.compared)) : null,
      rows.length ? table(["horizon", "forecasts", "mape", "wape", "bias", "coverage_80", "coverage_95"], rows, {
        horizon: (v) => digits(v), forecasts: same, mape: same, wape: same, bias: same, coverage_80: same,
        coverage_95: same }) : null];
  }

  // ---------------------------------------------------------------- plan
  function planForm(p, fallbackPeriod) {
    const form = el("form", { id: "plan-form", class: "zoom plan-form", autocomplete: "off" },
      el("label", {}, T.plan_target, SS.numberField({ name: "target", min: 0, required: true, value: p.get("target") })),
      el("label", {}, T.plan_period, el("input", { name: "period", dir: "ltr", required: true,
        value: digits(p.get("plan_period") || fallbackPeriod || "") })),
      el("label", {}, T.plan_split, el("select", { name: "by" }, el("option", { value: "" }, T.none),
        ["team", "rep"].map((d) => el("option", { value: d, selected: p.get("plan_by") === d }, dimName(d))))),
      el("button", { type: "submit" }, T.plan_run));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      SS.setParams({ target: String(SS.readNumber(form.target.value)), plan_period: SS.latinDigits(form.period.value.trim()).toUpperCase(),
        plan_by: form.by.value });
    });
    return form;
  }

  function needsTable(pp) {
    const rows = [{ forecast_item: T.forecast_gap, forecast_needed: shown(pp).gap, forecast_interval_80: "", forecast_interval_95: "", forecast_now: "" },
      ...Object.entries(pp.needs).map(([k, e]) => ({ forecast_item: T[`forecast_${k}`] || k, forecast_needed: shown(e).value,
        forecast_interval_80: cell(shown(e).interval_80), forecast_interval_95: cell(shown(e).interval_95),
        forecast_now: shown(e).last_period }))];
    const same = (v) => v;
    return table(["forecast_item", "forecast_needed", "forecast_interval_80", "forecast_interval_95", "forecast_now"], rows,
      { forecast_item: same, forecast_needed: same, forecast_interval_80: same, forecast_interval_95: same, forecast_now: same });
  }

  function channelsTable(pp) {
    if (!pp.channels.length) return null;
    const rows = pp.channels.map((c) => ({ forecast_channel: T[`channel_${c.channel}`] || c.channel, forecast_leads: shown(c).leads,
      forecast_hours: c.hours.value === null ? T.forecast_no_hours_rate : shown(c).hours,
      forecast_interval_80: cell(shown(c).interval_80), forecast_now: shown(c).last_period,
      rrroi_returns: `${T[`forecast_returns_${c.returns}`] || c.returns}${c.rrroi === null ? "" : ` (${shown(c).rrroi})`}` }));
    return [el("h4", {}, T.forecast_channel_hours), table(["forecast_channel", "forecast_leads", "forecast_hours", "forecast_interval_80", "forecast_now",
      "rrroi_returns"], rows, { forecast_channel: String, forecast_leads: String, forecast_hours: String,
      forecast_interval_80: (v) => v, forecast_now: String, rrroi_returns: String })];
  }

  const verdictClass = (r) => (r === true ? "good" : r === false ? "bad" : "unknown");

  function onePlan(pp, whole) {
    // The title's values are nodes, so the period label and the amount stay isolated in RTL.
    const values = { target: el("bdi", {}, shown(pp).target), period: SS.periodLabel(pp.period) };
    const title = T.forecast_plan_title.split(/(\{\w+\})/).map((x) => values[x.slice(1, -1)] || x);
    return el("div", { class: "plan-part" },
      el("h3", {}, title, pp.group ? ` — ${pp.group}` : ""),
      el("p", { class: "muted" }, `${T.base_period}: `, SS.periodLabel(pp.base_period), ` · ${date(pp.period_start)} – ${date(pp.period_end)}`),
      whole ? null : el("ul", { class: `verdict ${verdictClass(pp.reachable)}` }, pp.reasons.map((r) => el("li", {}, pick(r)))),
      pp.needs && Object.keys(pp.needs).length ? needsTable(pp) : null,
      channelsTable(pp),
      pp.assumptions.length ? el("details", {}, el("summary", {}, T.assumptions),
        el("ul", { class: "assumptions" }, pp.assumptions.map((a) => el("li", {}, pick(a))))) : null);
  }

  async function showPlan(box, p) {
    const target = p.get("target"), period = p.get("plan_period");
    if (!target || !period) { box.replaceChildren(el("p", { class: "muted" }, T.plan_hint)); return; }
    const query = new URLSearchParams({ target, period, calendar: SS.zoomQuery().get("calendar") });
    if (p.get("plan_by")) query.set("by", p.get("plan_by"));
    box.replaceChildren(el("p", { class: "muted" }, T.loading));
    let plan;
    try {
      plan = await api("/api/v1/plan", { query });
    } catch (err) {
      box.replaceChildren(el("p", { class: "error-banner", role: "alert" }, `${T.error}: ${err.message}`));
      return;
    }
    const parts = plan.parts.length ? plan.parts : [plan];
    const [head, ...why] = plan.reasons;
    box.replaceChildren(...[
      el("p", { class: `verdict ${verdictClass(plan.reachable)}`, id: "plan-verdict" }, pick(head)),
      why.length ? el("ul", { class: "verdict-why" }, why.map((r) => el("li", {}, pick(r)))) : null,
      ...parts.map((pp) => onePlan(pp, !plan.parts.length)),
      plan.parts.length ? el("ul", { class: "assumptions" }, plan.assumptions.map((a) => el("li", {}, pick(a)))) : null,
    ].filter(Boolean));
  }

  // ---------------------------------------------------------------- page
  async function page(main) {
    const p = SS.params(), zq = SS.zoomQuery();
    const periods = Math.min(24, Math.max(1, parseInt(p.get("periods") || "3", 10) || 3));
    let by = (p.get("by") || "").split(",")[0];
    if (!BYS.includes(by)) by = "";
    const query = new URLSearchParams({ periods, grain: zq.get("grain") || "month", calendar: zq.get("calendar") });
    if (by) query.set("by", by);
    const fc = await api("/api/v1/forecast", { query });
    const box = chartBox("forecast-chart"), planBox = el("div", { id: "plan-result" });
    const periodsSel = el("select", { id: "periods", onchange: (e) => SS.setParams({ periods: e.target.value }) },
      Array.from({ length: 12 }, (_, i) => i + 1).map((n) => el("option", { value: n, selected: n === periods }, digits(n))));
    const last = fc.rows.length ? fc.rows[fc.rows.length - 1].period : "";
    main.replaceChildren(
      el("h1", {}, T.forecast_heading, " ", el("span", { class: "muted as-of" }, `· ${T.as_of} ${date(fc.as_of)}`)),
      el("div", { class: "row" }, el("label", {}, `${T.periods_ahead} `, periodsSel)),
      box,
      el("p", { class: "muted", id: "forecast-method" }, pick(fc.texts.method)),
      el("section", {}, el("h2", {}, T.forecast_parts), partsTable(fc.rows, by)),
      el("section", { id: "track" }, el("h2", {}, T.forecast_track_title), trackBlock(fc)),
      el("section", { id: "plan" }, el("h2", {}, T.plan_heading), planForm(p, last), planBox));
    if (fc.rows.length) await chart(box, fc.rows, by);
    else box.replaceWith(el("p", { class: "muted" }, T.no_data));
    await showPlan(planBox, p);
  }

  return { page };
})();
