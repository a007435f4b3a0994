// The page's data (strings, user, settings) comes as JSON blocks: no inline script, so the
// Content-Security-Policy can allow scripts from this server only.
"use strict";

window.SS_STRINGS = JSON.parse(document.getElementById("ss-strings").textContent);
window.SS_BOOT = JSON.parse(document.getElementById("ss-boot").textContent);
window.SS_LANG = document.documentElement.lang;
