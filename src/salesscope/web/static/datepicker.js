// Jalali dates for readers of the Jalali calendar: conversion through the browser's own calendar
// (Intl, ICU's Persian calendar) and a small month picker beside a date field. The field shows the
// Jalali date in the reader's digits; the server is always sent the Gregorian ISO date.
"use strict";

window.SSDate = (() => {
  const DAY = 86400000;
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn",
    { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });

  // The Jalali year, month and day of a UTC midnight (milliseconds).
  function jalaliOf(ms) {
    const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return { y: parseInt(p.year, 10), m: parseInt(p.month, 10), d: parseInt(p.day, 10) };
  }

  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const fromIso = (text) => Date.parse(`${text}T00:00:00Z`);
  const ordinal = (j) => j.y * 372 + (j.m - 1) * 31 + j.d;  // increases with the date; gaps do not matter

  // The UTC midnight of a Jalali date, or null when there is no such day (1404/12/30 in a short year).
  function toMs(y, m, d) {
    if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
    let ms = Date.UTC(y + 621, 2, 21) + ((m - 1) * 31 - (m > 7 ? m - 7 : 0) + d - 1) * DAY;  // close
    for (let i = 0; i < 4; i += 1) {
      const j = jalaliOf(ms), off = ordinal({ y, m, d }) - ordinal(j);
      if (!off) return ms;
      ms += Math.sign(off) * Math.min(Math.abs(off), 40) * DAY;
    }
    for (let k = -3; k <= 3; k += 1) {  // within a few days now: look around
      const j = jalaliOf(ms + k * DAY);
      if (j.y === y && j.m === m && j.d === d) return ms + k * DAY;
    }
    return null;
  }

  const daysIn = (y, m) => (m <= 6 ? 31 : m <= 11 ? 30 : toMs(y, 12, 30) === null ? 29 : 30);

  // "1404/07/01" in any digits (Persian, Arabic-Indic, Latin) and "/" or "-": the ISO date, or null.
  function parse(text) {
    const latin = String(text || "").trim().replace(/[\u06F0-\u06F9]/g, (c) => c.charCodeAt(0) - 0x06F0)
      .replace(/[\u0660-\u0669]/g, (c) => c.charCodeAt(0) - 0x0660);
    const m = latin.match(/^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/);
    if (!m) return null;
    if (+m[1] > 1700) return Number.isNaN(fromIso(`${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`))
      ? null : `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;  // already Gregorian
    const ms = toMs(+m[1], +m[2], +m[3]);
    return ms === null ? null : iso(ms);
  }

  // An ISO date as the reader writes it on the Jalali calendar: 1404/07/01 in their digits.
  function format(isoDate) {
    const j = jalaliOf(fromIso(isoDate));
    const pad = (n) => String(n).padStart(2, "0");
    return SS.digits(`${j.y}/${pad(j.m)}/${pad(j.d)}`);
  }

  // A month grid under ``input``; picking a day writes it into the field and closes the grid.
  function attach(input) {
    const { T, el } = SS;
    // The hint names the parts (year/month/day) in the order a typed date shows them: left to right,
    // as the field is; marks beside the slashes keep right-to-left words in that order.
    if (SS.RTL) input.placeholder = T.date_placeholder.split("/").join("\u200E/\u200E");
    const open = el("button", { type: "button", class: "pick-date", title: T.pick_date, "aria-label": T.pick_date,
      "aria-haspopup": "dialog" }, "▦");
    input.after(open);
    let box = null;
    const close = () => { if (box) { box.remove(); box = null; document.removeEventListener("mousedown", outside); } };
    const outside = (e) => { if (box && !box.contains(e.target) && e.target !== open) close(); };

    function draw(y, m) {
      const chosen = parse(input.value), today = iso(Date.now() - (Date.now() % DAY));
      const first = toMs(y, m, 1);
      const lead = (new Date(first).getUTCDay() + 1) % 7;  // the week starts on Saturday
      const months = el("select", { class: "pick-month", "aria-label": T.pick_month,
        onchange: (e) => draw(y, +e.target.value) },
        Array.from({ length: 12 }, (_, i) => el("option", { value: i + 1, selected: i + 1 === m }, T[`jalali_month_${i + 1}`])));
      const years = el("select", { class: "pick-year", "aria-label": T.pick_year, onchange: (e) => draw(+e.target.value, m) },
        Array.from({ length: 21 }, (_, i) => y - 10 + i).map((v) => el("option", { value: v, selected: v === y }, SS.digits(v))));
      const step = (k) => { const n = (y * 12 + m - 1) + k; draw(Math.floor(n / 12), (n % 12) + 1); };
      const cells = [];
      for (let i = 0; i < lead; i += 1) cells.push(el("span"));
      for (let d = 1; d <= daysIn(y, m); d += 1) {
        const day = iso(first + (d - 1) * DAY);
        cells.push(el("button", { type: "button", class: `day${day === chosen ? " chosen" : ""}${day === today ? " today" : ""}`,
          "data-iso": day, onclick: () => {
            input.value = format(day);
            input.dispatchEvent(new Event("change", { bubbles: true }));
            close(); input.focus();
          } }, SS.digits(d)));
      }
      box.replaceChildren(
        el("div", { class: "pick-head" },
          el("button", { type: "button", class: "pick-prev", title: T.previous_month, "aria-label": T.previous_month,
            onclick: () => step(-1) }, SS.RTL ? "›" : "‹"),
          months, years,
          el("button", { type: "button", class: "pick-next", title: T.next_month, "aria-label": T.next_month,
            onclick: () => step(1) }, SS.RTL ? "‹" : "›")),
        el("div", { class: "pick-grid" }, ["sat", "sun", "mon", "tue", "wed", "thu", "fri"].map((w) =>
          el("span", { class: "weekday" }, T[`weekday_${w}`])), cells));
    }

    open.addEventListener("click", () => {
      if (box) { close(); return; }
      const at = jalaliOf(fromIso(parse(input.value) || iso(Date.now())));
      box = el("div", { class: "date-picker", role: "dialog", "aria-label": T.pick_date,
        onkeydown: (e) => { if (e.key === "Escape") { close(); input.focus(); } } });
      document.body.append(box);
      draw(at.y, at.m);
      // under the field, aligned with its start, and never past either edge of the window
      const r = input.getBoundingClientRect(), width = document.documentElement.clientWidth;
      const start = SS.RTL ? r.right - box.offsetWidth : r.left;
      box.style.top = `${r.bottom + window.scrollY + 4}px`;
      box.style.left = `${Math.max(4, Math.min(start, width - box.offsetWidth - 4)) + window.scrollX}px`;
      document.addEventListener("mousedown", outside);
    });
  }

  return { parse, format, attach, toMs };
})();
