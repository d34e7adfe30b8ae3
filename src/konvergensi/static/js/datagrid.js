// The coverage entry grid: a cell pair (numerator / denominator) is saved when the cursor leaves it,
// with the version the page was loaded with; a 409 means someone else saved first: their value is
// shown and the officer decides. No page reload, no framework.
(function () {
  "use strict";
  var table = document.getElementById("datagrid");
  if (!table) { return; }
  var status = document.getElementById("grid-status");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  function say(text, bad) { status.textContent = text; status.className = bad ? "error" : "hint"; }
  function save(td) {
    var num = td.querySelector("input.num"), den = td.querySelector("input.den");
    var key = num.value + "|" + (den ? den.value : "");
    if (td.dataset.saved === key) { return; }
    if (den && (num.value === "") !== (den.value === "")) { return; } // wait for the other half
    var body = new URLSearchParams({
      desa: td.dataset.desa, indikator: td.dataset.indikator, periode: table.dataset.periode,
      numerator: num.value, denominator: den ? den.value : "", version: td.dataset.version
    });
    td.classList.add("saving");
    fetch(table.dataset.url, { method: "POST", body: body, credentials: "same-origin",
                               headers: { "X-CSRFToken": csrf } })
      .then(function (r) {
        // Not JSON: the session ended (the login page) or access was refused. Retrying cannot help.
        if ((r.headers.get("content-type") || "").indexOf("application/json") !== 0) {
          return { status: r.status, data: { ok: false, message: r.status === 403 || r.redirected || r.status === 200
            ? "Sesi berakhir atau akses ditolak: muat ulang halaman dan masuk lagi." : "Tidak tersimpan (galat " + r.status + "). Muat ulang halaman." } };
        }
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      })
      .then(function (res) {
        td.classList.remove("saving", "bad", "saved", "conflict");
        var d = res.data;
        if (d.ok) {
          td.dataset.version = d.version; td.dataset.saved = key; td.classList.add("saved");
          var pct = td.querySelector(".pct"); if (pct) { pct.textContent = d.percent === null ? "" : Math.round(d.percent) + "%"; }
          // Saved, but the denominator is above the desa's verified data sasaran: said, not refused.
          if (d.warning) { td.classList.add("warn"); td.title = d.warning; say(d.warning + " (tersimpan)", true); }
          else { td.classList.remove("warn"); td.title = ""; say(td.dataset.indikator + " " + td.dataset.desa + ": tersimpan."); }
        } else if (res.status === 409) {
          td.classList.add("conflict"); td.dataset.version = d.version;
          num.value = d.numerator === null ? "" : d.numerator; if (den) { den.value = d.denominator === null ? "" : d.denominator; }
          td.dataset.saved = num.value + "|" + (den ? den.value : "");
          say(d.message, true);
        } else {
          td.classList.add("bad"); td.title = d.message; say(td.dataset.indikator + " " + td.dataset.desa + ": " + d.message, true);
        }
      })
      .catch(function () { td.classList.remove("saving"); td.classList.add("bad"); say("Tidak tersimpan: koneksi terputus. Ulangi.", true); });
  }
  table.querySelectorAll("td.cellpair").forEach(function (td) {
    var num = td.querySelector("input.num"), den = td.querySelector("input.den");
    td.dataset.saved = num.value + "|" + (den ? den.value : "");
    td.addEventListener("focusout", function (e) { if (!td.contains(e.relatedTarget)) { save(td); } });
    td.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); save(td); } });
  });
}());
