// Choropleth of assessment classes (Berdaya / Berkembang / Bertumbuh): the Pantau Aksi map
// (js/peta.js) with categorical colours. Boundaries from the app's own /peta/ endpoint, no tiles.
(function () {
  "use strict";
  var el = document.getElementById("peta-kelas");
  if (!el || typeof L === "undefined") { return; }
  var values = JSON.parse(document.getElementById(el.dataset.values).textContent);
  var colours = { "Berdaya": "#045a8d", "Berkembang": "#74a9cf", "Bertumbuh": "#fde0c5" };
  function colour(v) { return colours[v] || "#d9d9d9"; }
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
          lyr.bindTooltip(f.properties.nama + ": " + (v === undefined ? "–" : v));
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
