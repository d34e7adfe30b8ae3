// Choropleth of Pantau Aksi progress. Data come from the page (json_script), boundaries from the
// app's own /peta/ endpoint; no tiles and no CDN, so it works offline on a district network.
(function () {
  "use strict";
  var el = document.getElementById("peta");
  if (!el || typeof L === "undefined") { return; }
  var values = JSON.parse(document.getElementById(el.dataset.values).textContent);
  var colours = ["#fde0c5", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  function colour(v) {
    if (v === undefined || v === null) { return "#d9d9d9"; }
    return colours[Math.min(4, Math.floor(v / 20))];
  }
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (geo) {
      var layer = L.geoJSON(geo, {
        style: function (f) {
          return { fillColor: colour(values[f.properties.kode]), fillOpacity: 0.85, color: "#555", weight: 0.7 };
        },
        onEachFeature: function (f, lyr) {
          var v = values[f.properties.kode];
          lyr.bindTooltip(f.properties.nama + ": " + (v === undefined ? "–" : v.toFixed(1) + " %"));
          lyr.on("click", function () {
            window.location.href = el.dataset.link.replace("KODE", f.properties.kode) + "?tahun=" + el.dataset.year;
          });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.loaded = String(geo.features.length);
    })
    .catch(function () { el.textContent = el.dataset.error || "Peta tidak dapat dimuat."; });
}());
