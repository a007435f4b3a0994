// Shared dashboard helpers: the zoom kept in the URL, API calls, number/date formatting, charts.
"use strict";

const SS = (() => {
  const T = window.SS_STRINGS, BOOT = window.SS_BOOT, LANG = window.SS_LANG;
  // How the reader's language writes (direction, digits, separators, calendar) comes with its words.
  const RTL = T.meta_direction === "rtl";
  // A field the API gives per language (name_en, name_fa...), in the reader's language.
  const inLang = (obj, field) => (obj && (obj[`${field}_${LANG}`] || obj[`${field}_en`] || obj[field])) || "";
  // The selected period travels with the zoom: the headline, breakdown and rows are of that period.
  const ZOOM_KEYS = ["grain", "calendar", "by", "from", "to", "where", "period", "lang"];
  const DIMS = ["team", "rep", "channel", "campaign", "product", "segment"];
  // Drill-down goes from coarse to fine within a hierarchy (company > team > rep, channel > campaign).
  const HIERARCHIES = [["team", "rep"], ["channel", "campaign"], ["segment"], ["product"]];

  // The dimensions still worth breaking down by once ``used`` are filtered on: neither those nor
  // anything coarser in their hierarchy (inside one rep, a breakdown by team says nothing).
  function drillable(dims, used) {
    const coarser = (d) => HIERARCHIES.some((h) => h.includes(d)
      && used.some((u) => h.includes(u) && h.indexOf(d) <= h.indexOf(u)));
    return dims.filter((d) => !used.includes(d) && !coarser(d));
  }

  // After drilling into a value of ``by``: the next finer dimension of its hierarchy, else another one.
  function nextDim(dims, by, used) {
    const open = drillable(dims, [...used, by]);
    const h = HIERARCHIES.find((x) => x.includes(by)) || [by];
    return open.find((d) => h.includes(d)) || open[0] || null;
  }

  // The calendar periods and dates are read in: the URL's, else the reader's language's (Jalali in
  // Persian), else the workspace's.
  const calendar = () => params().get("calendar") || T.meta_calendar || BOOT.default_calendar;

  const params = () => new URLSearchParams(location.search);

  // "{n} rows" with its values put in.
  const fill = (text, values) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  // Right-to-left text keeps each left-to-right run in one piece, so the sentence around it cannot
  // reorder its parts: a number with its sign and unit ("−12.9", "33.3%", "3.8×"), a period "2026-10", an id
  // "R07", a Latin name of several words. A run reads left to right (the sign left of the digits, the
  // percent sign right of them, as in the charts) and the runs follow the sentence from right to left.
  const DIGIT = "0-9\u06F0-\u06F9\u0660-\u0669";
  const SIGN = `(?:[+\\-\u2212\u00B1](?=[${DIGIT}]))?`;
  const INNER = `\\-\u2212/.:_@+,%\u066A\u066B\u066C`;
  const token = (chars) => `${SIGN}[${chars}](?:[${chars}${INNER}]*[${chars}%\u066A])?\u00D7?`;
  // words written in Latin letters stay one run across the spaces between them ("Big Deal")
  const LTR_RUN = new RegExp(`${token(`A-Za-z${DIGIT}`)}(?:(?<=[A-Za-z])\\s+(?=[A-Za-z])${token(`A-Za-z${DIGIT}`)})*`, "g");
  const NUMBER_RUN = new RegExp(token(DIGIT), "g");
  const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/, LATIN_LETTER = /[A-Za-z]/;

  // The runs of ``text`` to isolate in a right-to-left page: in a text with right-to-left words,
  // every left-to-right run; in a text without letters (numbers, dates, ranges), its numbers; a text
  // wholly in Latin letters (a name, an e-mail, a file) is left to itself.
  // (In a left-to-right page only periods and dates are runs: they are kept on one line.)
  const PERIOD_RUN = /\d{4}-(?:\d{2}(?:-\d{2})?|[QWH]\d{1,2})\b/g;
  function ltrRuns(text) {
    if (!text) return null;
    if (!RTL) return PERIOD_RUN;
    if (RTL_LETTER.test(text)) return LTR_RUN;
    return LATIN_LETTER.test(text) ? null : NUMBER_RUN;
  }

  // The same as text with isolating marks (LRI ... PDI), for what is not a page element: a chart's
  // labels, a list's options, a tooltip.
  function isolate(text) {
    const runs = RTL && ltrRuns(String(text ?? ""));
    return runs ? String(text).replace(runs, (m) => `\u2066${m}\u2069`) : text;
  }

  // The same as a page node: each run in a <bdi dir="ltr"> (on one line), so copied text carries no
  // invisible marks; the pieces of one text stay in one <span> (in a flex box each piece would be a
  // box of its own).
  function bidiNode(text) {
    const runs = ltrRuns(text);
    if (!runs || !text.match(runs)) return text;
    const out = [];
    let at = 0;
    for (const m of text.matchAll(runs)) {
      if (m.index > at) out.push(text.slice(at, m.index));
      const b = document.createElement("bdi");
      b.dir = "ltr"; b.className = "run"; b.textContent = m[0];
      out.push(b);
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push(text.slice(at));
    const span = document.createElement("span");
    span.append(...out);
    return span;
  }

  function setParams(changes, { reload = true } = {}) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      p.delete(k);
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else if (v !== null && v !== undefined && v !== "") p.set(k, v);
    }
    history.pushState(null, "", `${location.pathname}?${p}`);
    syncLinks();
    if (reload) window.dispatchEvent(new Event("ss:zoom"));
  }

  // Every page keeps the zoom when you move around, so a view can be shared by its URL.
  function zoomQuery(extra = {}) {
    const p = params(), out = new URLSearchParams();
    for (const k of ZOOM_KEYS) p.getAll(k).forEach((v) => out.append(k, v));
    if (!out.get("calendar")) out.set("calendar", calendar());
    for (const [k, v] of Object.entries(extra)) {
      out.delete(k);
      if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
      else if (v !== null && v !== undefined && v !== "") out.set(k, v);
    }
    return out;
  }

  function syncLinks() {
    const q = zoomQuery().toString();
    document.querySelectorAll("a[data-keep]").forEach((a) => {
      a.href = `${a.getAttribute("href").split("?")[0]}?${q}`;
    });
    document.querySelectorAll("a[data-nav]").forEach((a) => {
      a.classList.toggle("active", a.dataset.nav === BOOT.page);
    });
  }

  async function api(path, { query, method = "GET", body, form } = {}) {
    const url = query ? `${path}?${query}` : path;
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = BOOT.csrf;
    let payload;
    if (form) payload = form;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    let res;
    // An answer slow in coming may be waiting for an import: if one runs, the page says so.
    let slowFired = false;
    const slow = method === "GET" ? setTimeout(() => { slowFired = true; importNotice(true); }, 1500) : null;
    try {
      res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
    } catch (cause) {
      // The server cannot be reached: the page keeps what it shows, says so, and tries again.
      offline(true);
      const e = new Error(T.offline); e.offline = true; e.cause = cause; throw e;
    } finally {
      clearTimeout(slow);
      if (slowFired) importNotice(false);
    }
    offline(false);
    if (res.status === 401) { location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`; }
    const data = await res.json().catch(() => ({ error: { code: "bad_response", message: res.statusText } }));
    if (!res.ok) {
      const msg = data.error ? inLang(data.error, "message") : res.statusText;
      const e = new Error(msg); e.code = data.error && data.error.code; throw e;
    }
    return data;
  }

  function showError(err) {
    const box = document.getElementById("error");
    if (!err) { box.hidden = true; return; }
    if (err.offline) return;  // the offline notice says it already
    box.textContent = `${T.error}: ${err.message || err}`;
    box.hidden = false;
  }

  let waiting = 0;
  async function importNotice(on) {
    const box = document.getElementById("busy");
    if (!box) return;
    waiting = Math.max(0, waiting + (on ? 1 : -1));
    if (!on) { if (!waiting) box.hidden = true; return; }
    try {
      const r = await fetch("/api/v1/status", { headers: { Accept: "application/json" } });
      if ((await r.json()).importing && waiting) { box.textContent = T.import_running; box.hidden = false; }
    } catch (e) { /* the offline notice covers an unreachable server */ }
  }

  // While the server cannot be reached a notice says so and the server is asked again every few
  // seconds; once it answers, the page is drawn again for the zoom the reader asked for.
  let retry = null;
  function offline(down) {
    const box = document.getElementById("offline");
    if (!box) return;
    if (!down) {
      if (retry) { clearInterval(retry); retry = null; box.hidden = true; window.dispatchEvent(new Event("ss:zoom")); }
      return;
    }
    box.textContent = T.offline;
    box.hidden = false;
    if (retry) return;
    retry = setInterval(async () => {
      try {
        const r = await fetch("/api/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (r.ok || r.status === 401) offline(false);
      } catch (e) { /* still unreachable */ }
    }, 3000);
  }

  // A machine reason ("missing_input:quotas") in words; unknown codes are shown as they are.
  function reasonText(reason) {
    if (!reason) return "—";
    const [code, arg = ""] = String(reason).split(":");
    const text = T[`reason_${code}`];
    return text ? text.replace("{arg}", arg) : String(reason).replaceAll("_", " ");
  }

  // Plotly reads tags (<a>, <b>, <br>) in every label it draws; imported names must stay text.
  const plotText = (s) => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  const digits = (s) => String(s).replace(/\d/g, (d) => T.meta_digits[d]);

  // ---- numbers typed by the reader: shown in their digits, read in any (theirs, Arabic-Indic, Latin)
  const latinDigits = (s) => String(s).replace(/[\u06F0-\u06F9]/g, (c) => c.charCodeAt(0) - 0x06F0)
    .replace(/[\u0660-\u0669]/g, (c) => c.charCodeAt(0) - 0x0660);

  // "2,500.5", "۲٬۵۰۰٫۵" or "۲/۵" (the slash many Persian writers use for the decimal point): the
  // number, or NaN when the text is not one.
  function readNumber(text) {
    let s = latinDigits(text).trim().replace(/[\s,\u066C\u060C']/g, "").replace(/\u066B/g, ".").replace(/\u2212/g, "-");
    if (RTL && /^-?\d+\/\d+$/.test(s)) s = s.replace("/", ".");
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
  }

  // A number as a field shows it: the reader's digits and decimal sign, no grouping (it is typed over).
  const numberText = (v) => (v === null || v === undefined || v === "" ? "" : digits(String(v)).replace(".", T.meta_decimal));

  // A field for a number in the reader's digits: Latin digits typed into it turn into theirs, and a
  // text that is not a number (or not whole, or out of ``min``..``max``) keeps its form from being sent.
  function numberField({ value, min, max, whole = false, ...attrs }) {
    const input = el("input", { type: "text", inputmode: whole ? "numeric" : "decimal", autocomplete: "off",
      spellcheck: "false", class: "number-field", ...attrs, value: numberText(value) });
    const check = () => {
      const typed = input.value.trim(), v = readNumber(typed);
      let problem = "";
      if (!typed) problem = "";
      else if (Number.isNaN(v)) problem = fill(T.number_expected, { example: numberText(whole ? 20 : 2500.5) });
      else if (whole && !Number.isInteger(v)) problem = T.whole_number_expected;
      else if (min !== undefined && v < min) problem = fill(T.number_at_least, { limit: numberText(min) });
      else if (max !== undefined && v > max) problem = fill(T.number_at_most, { limit: numberText(max) });
      input.setCustomValidity(problem);
      input.title = problem;
      input.classList.toggle("wrong", Boolean(problem));
    };
    input.addEventListener("input", () => {
      const shown = digits(input.value).replace(/\.(?=\d|[\u06F0-\u06F9]|$)/g, T.meta_decimal);
      if (shown !== input.value) {
        const at = input.selectionStart;
        input.value = shown;
        input.setSelectionRange(at, at);
      }
      check();
    });
    check();
    return input;
  }

  function num(v, decimals = 2) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    return new Intl.NumberFormat(LANG, { maximumFractionDigits: decimals }).format(v);
  }

  function withUnit(v, unit) {
    if (v === null || v === undefined) return `— (${T.undefined})`;
    const u = T[`unit_${unit}`] || "";
    if (unit === "money") return `${num(v, 0)} ${BOOT.currency}`;
    if (unit === "percent") return `${num(v, 1)}${u}`;
    return `${num(v)}${u}`;
  }

  // Gregorian ISO dates from the API shown in the reader's calendar (Jalali through Intl).
  function date(iso) {
    if (!iso) return "—";
    const d = new Date(`${String(iso).slice(0, 10)}T00:00:00Z`);
    if (calendar() === "jalali") {
      return new Intl.DateTimeFormat(`${LANG}-u-ca-persian`,
        { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
    }
    return String(iso).slice(0, 10);
  }

  // Period labels like 2026-Q1 are left-to-right tokens; isolated so RTL text cannot reorder them.
  const periodLabel = (p) => el("bdi", { dir: "ltr", class: "period-label" }, digits(p));
  // Vocabulary words are stored lower-case; a label starts with a capital where the script has them.
  const label = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);
  const dimName = (d) => label(T[`dim_${d}`]) || d;
  // A dimension's value as the reader names it: channels are catalogue words, the rest data.
  const valueName = (d, v) => (d === "channel" && T[`channel_${v}`]) || v;
  // A period the data do not cover to its end is marked, with the last day the data hold.
  const partial = (row, dataEnd) => (row && dataEnd && row.period_end && row.period_end > dataEnd
    ? el("span", { class: "badge partial", title: T.partial_title }, fill(T.partial, { date: date(dataEnd) })) : null);

  function el(tag, attrs = {}, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") n.className = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) n.setAttribute(k, v);
    }
    // Every text a page shows goes through here: in a right-to-left page, its left-to-right runs
    // are isolated (a list's option is text only, so it gets isolating marks instead).
    const plain = TEXT_ONLY.has(tag);
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined) continue;
      if (c.nodeType) n.append(c);
      else n.append(plain ? isolate(String(c)) : bidiNode(String(c)));
    }
    return n;
  }
  const TEXT_ONLY = new Set(["option", "textarea", "title", "script", "style"]);

  function table(columns, rows, fmt = {}) {
    if (!rows.length) return el("p", { class: "muted" }, T.no_rows);
    const head = el("tr", {}, columns.map((c) => el("th", {}, T[c] || dimName(c))));
    const body = rows.map((r) => el("tr", {}, columns.map((c) => {
      const v = r[c];
      // Identifiers (R01, emails, file names) keep their own digits; numbers and dates get the reader's.
      const text = fmt[c] ? fmt[c](v, r) : (typeof v === "number" ? num(v, 4) : (v === null || v === undefined ? "—"
        : /^[\d\s\-\/.:,T]+$/.test(String(v)) ? digits(v) : String(v)));
      return el("td", {}, text);
    })));
    return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
  }

  const chartLayout = (extra = {}) => ({
    margin: { l: 50, r: 20, t: 10, b: 40, autoexpand: true }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "Vazirmatn, 'Noto Naskh Arabic', sans-serif", size: 12 },
    separators: T.meta_decimal + T.meta_group, ...extra,
    // Axis titles and long category labels get the room they need instead of being cut.
    xaxis: { automargin: true, ...(extra.xaxis || {}) }, yaxis: { automargin: true, ...(extra.yaxis || {}) },
  });

  // Plotly draws left to right; inside an RTL page its box needs dir="ltr" or labels break.
  function chartBox(id, cls = "chart") { return el("div", { id, class: cls, dir: "ltr" }); }

  // Plotly writes Latin digits into its axes; in Persian they are rewritten whenever it writes them
  // (a resize redraws the axes without telling anyone, so the box itself is watched).
  async function plot(box, traces, layout, config) {
    await Plotly.newPlot(box, traces, layout, config);
    if (T.meta_digits === "0123456789") return;
    const fix = () => box.querySelectorAll(".xtick text, .ytick text, text.funnel-text, .bartext, .textpoint text")
      .forEach((t) => { if (/\d/.test(t.textContent)) t.textContent = digits(t.textContent); });
    fix();
    new MutationObserver(fix).observe(box, { subtree: true, childList: true, characterData: true });
  }

  function whereList() { return params().getAll("where"); }

  // Readers of the Jalali calendar pick and type dates in it; the server is sent ISO dates (a text it
  // cannot read as a date goes as typed, and the server says what is wrong with it).
  const jalaliField = (input) => input.classList.contains("date-text");
  const sent = (input) => (jalaliField(input) ? window.SSDate.parse(input.value) || input.value.trim() : input.value.trim());

  function initZoom() {
    const form = document.getElementById("zoom");
    if (!form) return;
    form.querySelectorAll("input.date-text").forEach((input) => window.SSDate.attach(input));
    const fill = () => {
      const q = zoomQuery();
      form.grain.value = q.get("grain") || "month";
      form.calendar.value = q.get("calendar");
      form.by.value = (q.get("by") || "").split(",")[0];
      // A Jalali field shows the ISO date the URL holds as the reader writes it on their calendar.
      for (const name of ["from", "to"]) {
        const v = q.get(name) || "", input = form[name];
        input.value = jalaliField(input) && /^\d{4}-\d{2}-\d{2}$/.test(v) ? window.SSDate.format(v) : v;
      }
      // The browser's date picker is Gregorian; the hint shows the same day on the Jalali calendar.
      form.querySelectorAll(".date-hint").forEach((h) => {
        const v = form[h.dataset.for].value;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) { h.textContent = ""; return; }
        h.textContent = v && (T.meta_calendar === "jalali" || form.calendar.value === "jalali") ? date(v) : "";
      });
      const chips = document.getElementById("where-chips");
      chips.replaceChildren(...whereList().map((w) => {
        const [d, ...v] = w.split(":");
        return el("button", { type: "button", class: "chip", title: T.remove,
          onclick: () => setParams({ where: whereList().filter((x) => x !== w) }) },
          `${dimName(d)}: ${valueName(d, v.join(":"))} ✕`);
      }));
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const q = zoomQuery();
      // A period is named on one grain and calendar: another grain or calendar selects its latest.
      const samePeriods = (q.get("grain") || "month") === form.grain.value && q.get("calendar") === form.calendar.value;
      setParams({ grain: form.grain.value, calendar: form.calendar.value, by: form.by.value,
        from: sent(form.from), to: sent(form.to), period: samePeriods ? q.get("period") : null });
    });
    document.getElementById("zoom-reset").addEventListener("click", () =>
      setParams({ grain: null, calendar: null, by: null, from: null, to: null, where: [], period: null }));
    window.addEventListener("ss:zoom", fill);
    fill();
  }

  // Saved views: the page and its zoom under a name, the user's own and those shared with their team.
  async function initViews() {
    const select = document.getElementById("views"), form = document.getElementById("view-form");
    if (!select) return;
    const msg = document.getElementById("view-msg");
    const load = async () => {
      let views = [];
      try { views = await api("/api/v1/views"); } catch (e) { return; }
      select.replaceChildren(select.options[0], ...views.map((v) => el("option", { value: v.url, "data-id": v.id },
        v.shared && !v.mine ? `${v.name} · ${v.owner}` : v.name)));
    };
    select.addEventListener("change", () => {
      if (!select.value) return;
      const url = new URL(select.value, location.origin);
      url.searchParams.set("lang", LANG);
      location.href = url.pathname + url.search;
    });
    document.getElementById("save-view").addEventListener("click", () => { form.hidden = false; form.name.focus(); });
    document.getElementById("view-cancel").addEventListener("click", () => { form.hidden = true; });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api("/api/v1/views", { method: "POST", body: { name: form.name.value, path: location.pathname,
          query: location.search.slice(1), shared: form.shared.checked } });
        form.reset(); form.hidden = true; msg.textContent = "";
        await load();
      } catch (err) { msg.textContent = `${T.error}: ${err.message}`; }
    });
    await load();
  }

  // The bell: the findings of the reader's e-mail digests; the count is of those not seen before;
  // opening the list marks those it shows seen. A finding names its period on the workspace calendar,
  // which its link keeps.
  async function initBell() {
    const bell = document.getElementById("bell"), panel = document.getElementById("bell-panel");
    const count = document.getElementById("bell-count");
    if (!bell) return;
    let items = [];
    const draw = (n) => { bell.dataset.loaded = "true"; count.hidden = !n; count.textContent = digits(n); bell.classList.toggle("has-new", n > 0); };
    const load = async () => {
      try {
        const data = await api("/api/v1/alerts", { query: new URLSearchParams({ lang: LANG }) });
        if (data.pending) { setTimeout(load, 4000); return; }  // still being worked out
        items = data.items; draw(data.new);
      } catch (e) { /* the bell waits for the next page */ }
    };
    bell.addEventListener("click", async () => {
      const open = panel.hidden;
      panel.hidden = !open; bell.setAttribute("aria-expanded", String(open));
      if (!open) return;
      const kpiName = (id) => { const k = (window.SS_CATALOG || []).find((c) => c.id === id); return k ? inLang(k, "name") : id; };
      panel.replaceChildren(el("h3", {}, T.alerts),
        items.length ? el("ul", {}, items.map((f) => el("li", { class: f.new ? "new" : "" },
          el("span", { class: `badge ${f.kind}` }, T[`kind_${f.kind}`] || f.kind), " ",
          el("a", { href: `/indicator/${f.kpi}?${zoomQuery({ period: f.period, grain: f.grain, calendar: BOOT.default_calendar, from: null, to: null })}` }, kpiName(f.kpi)), " ",
          periodLabel(f.period || ""), f.new ? el("span", { class: "badge new-badge" }, T.alert_new) : null,
          el("p", {}, inLang(f, "advice"))))) : el("p", { class: "muted" }, T.no_advice));
      const fresh = items.filter((f) => f.new).map((f) => f.key);
      if (fresh.length) {
        try { await api("/api/v1/alerts/seen", { method: "POST", body: { keys: fresh } }); draw(0); } catch (e) { /* shown again next time */ }
      }
    });
    await load();
  }

  function init() {
    document.getElementById("logout-csrf").value = BOOT.csrf;
    for (const b of document.querySelectorAll(".lang-toggle")) b.addEventListener("click", () => {
      const p = params(); p.set("lang", b.dataset.lang);
      location.search = p.toString();
    });
    window.addEventListener("popstate", () => window.dispatchEvent(new Event("ss:zoom")));
    syncLinks();
    initZoom();
    initViews();
    initBell();
  }

  return { T, BOOT, LANG, RTL, inLang, DIMS, label, valueName, partial, drillable, nextDim, calendar, fill, isolate, params, setParams, zoomQuery, api, showError, digits, plotText, num, reasonText,
    withUnit, date, periodLabel, latinDigits, readNumber, numberText, numberField, plot, dimName, el, table, chartLayout, chartBox, whereList, init };
})();
