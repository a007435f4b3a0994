// The rows behind a number: one table per input table, paged, sorted and searched on the server,
// with the server's headers and cells (names, local dates, translated words) and a CSV download.
"use strict";

window.SSRows = (() => {
  const { T, el, api, reasonText } = SS;
  const PAGE = 50;

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  // One table's state lives in its own closure; only that table is asked for again when it changes.
  function tableView(base, first) {
    const state = { offset: 0, sort: null, desc: false, q: "" };
    const box = el("section", { class: "rows-table", "data-fact": first.fact });
    const query = (extra = {}) => {
      const p = new URLSearchParams(base);
      p.set("table", first.fact);
      p.set("offset", state.offset); p.set("limit", PAGE);
      if (state.sort) { p.set("sort", state.sort); p.set("desc", state.desc); }
      if (state.q) p.set("q", state.q);
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      return p;
    };
    const search = el("input", { type: "search", class: "rows-search", placeholder: T.rows_search,
      "aria-label": T.rows_search, value: "" });
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; reload(); }, 300);
    });
    const download = el("a", { class: "button rows-download", download: "" }, T.rows_download);
    const body = el("div", { class: "rows-body" });
    const title = el("h3", {});

    function draw(t) {
      title.replaceChildren(`${SS.label(T[`table_${t.table}`] || t.table)} · ${fill(T.rows_count, { n: t.display.total })}`);
      download.href = `/api/v1/indicators/${BOOT_KPI()}/rows?${query({ format: "csv", offset: 0 })}`;
      if (t.reason) { body.replaceChildren(el("p", { class: "reason" }, reasonText(t.reason))); return; }
      if (!t.rows.length) { body.replaceChildren(el("p", { class: "muted" }, T.no_rows)); return; }
      const head = el("tr", {}, t.columns.map((c) => {
        const on = state.sort === c.id;
        return el("th", { "aria-sort": on ? (state.desc ? "descending" : "ascending") : "none" },
          el("button", { type: "button", class: "sort", "data-col": c.id, title: T.rows_sort,
            onclick: () => {
              state.desc = state.sort === c.id ? !state.desc : false;
              state.sort = c.id; state.offset = 0; reload();
            } }, c.label, on ? (state.desc ? " ▼" : " ▲") : ""));
      }));
      const rows = t.shown.map((r) => el("tr", {}, r.map((v) => el("td", {}, el("bdi", {}, v)))));
      const last = t.offset + t.shown.length;
      const pager = el("div", { class: "pager" },
        el("button", { type: "button", class: "prev", disabled: t.offset === 0,
          onclick: () => { state.offset = Math.max(0, state.offset - PAGE); reload(); } }, T.rows_previous),
        el("span", { class: "range" }, fill(T.rows_range, t.display)),
        el("button", { type: "button", class: "next", disabled: last >= t.total,
          onclick: () => { state.offset += PAGE; reload(); } }, T.rows_next));
      body.replaceChildren(el("div", { class: "table-wrap rows-scroll" },
        el("table", {}, el("thead", {}, head), el("tbody", {}, rows))), pager);
    }

    async function reload() {
      box.setAttribute("aria-busy", "true");
      try {
        const data = await api(`/api/v1/indicators/${BOOT_KPI()}/rows`, { query: query() });
        draw(data.tables[0]);
      } catch (err) {
        if (!err.offline) body.replaceChildren(el("p", { class: "error-banner" }, `${T.error}: ${err.message}`));
      } finally {
        box.setAttribute("aria-busy", "false");
      }
    }

    box.append(el("div", { class: "rows-head" }, title, search, download), body);
    draw(first);
    box.setAttribute("aria-busy", "false");
    return box;
  }

  const BOOT_KPI = () => SS.BOOT.kpi;

  // All the indicator's tables for one period (its start and end) and drill-down.
  async function show(box, row, where) {
    const base = new URLSearchParams([["period_start", row.period_start], ["period_end", row.period_end],
      ["calendar", SS.calendar()], ["lang", SS.LANG], ...where.map((w) => ["where", w])]);
    const first = new URLSearchParams(base); first.set("limit", PAGE);
    const data = await api(`/api/v1/indicators/${BOOT_KPI()}/rows`, { query: first });
    box.replaceChildren(el("p", { class: "muted" }, `${SS.date(row.period_start)} – ${SS.date(row.period_end)}`),
      ...data.tables.map((t) => tableView(base, t)));
  }

  return { show };
})();
