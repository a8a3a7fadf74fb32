// Mobility Fund: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // parseOre reads an amount as people type it ("1 234,50", "1234.50",
  // "1 234 kr") into öre, or returns null.
  function parseOre(text) {
    var s = text.replace(/\s|\u00a0/g, "").replace(/(kr|sek)$/i, "").replace(/^sek/i, "");
    if (s === "") return null;
    var m = s.match(/^(\d+)(?:[.,](\d{1,2}))?$/);
    if (!m) {
      // Thousands separators: 1,234,567 or 1.234.567 with an optional decimal part.
      m = s.match(/^(\d{1,3}(?:([.,])\d{3})+)(?:[.,](\d{1,2}))?$/);
      if (!m || (m[3] !== undefined && s.charAt(s.length - m[3].length - 1) === m[2])) return null;
      return parseInt(m[1].replace(/[.,]/g, ""), 10) * 100 + (m[3] ? parseInt((m[3] + "0").slice(0, 2), 10) : 0);
    }
    return parseInt(m[1], 10) * 100 + (m[2] ? parseInt((m[2] + "0").slice(0, 2), 10) : 0);
  }

  function format(ore, lang) {
    var neg = ore < 0;
    var kr = Math.floor(Math.abs(ore) / 100), rest = Math.abs(ore) % 100;
    var sep = lang === "en" ? "," : "\u00a0";
    var s = String(kr).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    if (rest) s += (lang === "en" ? "." : ",") + (rest < 10 ? "0" : "") + rest;
    if (neg) s = "\u2212" + s;
    return lang === "en" ? "SEK " + s : s + "\u00a0kr";
  }

  var total = document.getElementById("budget-total");
  if (total) {
    var update = function () {
      var sum = 0;
      document.querySelectorAll("input[name=line_amount]").forEach(function (el) {
        var v = parseOre(el.value);
        if (v !== null) sum += v;
      });
      total.textContent = format(sum, total.getAttribute("data-lang"));
    };
    document.addEventListener("input", function (e) {
      if (e.target && e.target.name === "line_amount") update();
    });
  }

  var after = document.getElementById("decide-after");
  var budget = document.getElementById("decide-budget");
  var amount = document.getElementById("decide-grant-amount");
  if (after && budget && amount) {
    amount.addEventListener("input", function () {
      var v = parseOre(amount.value);
      if (v === null) return;
      var left = parseInt(budget.getAttribute("data-remaining"), 10) - v;
      after.textContent = format(left, budget.getAttribute("data-lang"));
      // A negative remainder is a warning, never shown in the calm colour.
      var box = document.getElementById("decide-after-box"), over = document.getElementById("decide-over");
      if (box) box.classList.toggle("negative", left < 0);
      if (over) over.hidden = left >= 0;
    });
  }
})();
