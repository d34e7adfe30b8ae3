// Public stunting map: kecamatan polygons coloured by the published prevalence (WHO/UNICEF bands).
// Values come from the page (json_script, the publication's suppressed snapshot), boundaries from
// the app's own GeoJSON; no tiles, no CDN. Without JavaScript the page keeps its static SVG map.
(function () {
  "use strict";
  var el = document.getElementById("peta-publik");
  if (!el || typeof L === "undefined" || !window.fetch) { return; }
  var values = JSON.parse(document.getElementById(el.dataset.values).textContent);
  var fallback = document.getElementById("peta-statis");
  var limits = [2.5, 10, 20, 30];
  var colours = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];
  function style(v) {
    if (v === undefined) { return { fillColor: "#ffffff", fillOpacity: 0.9, color: "#666", weight: 0.7 }; }
    if (v.v === null) { return { fillColor: "#e3e6ea", fillOpacity: 0.9, color: "#666", weight: 0.7, dashArray: "3" }; }
    var i = 0;
    while (i < limits.length && v.v >= limits[i]) { i += 1; }
    return { fillColor: colours[i], fillOpacity: 0.9, color: "#555", weight: 0.7 };
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(function (geo) {
      el.hidden = false;
      var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
      var layer = L.geoJSON(geo, {
        style: function (f) { return style(values[f.properties.kode]); },
        onEachFeature: function (f, lyr) {
          var v = values[f.properties.kode];
          var text = f.properties.nama + ": ";
          if (v === undefined) { text += "tidak ada data"; }
          else if (v.v === null) { text += "— (disembunyikan, sel kecil)"; }
          else { text += v.p + " % stunting, " + v.n + " balita diukur"; }
          lyr.bindTooltip(text);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      if (fallback) { fallback.hidden = true; }
      el.dataset.loaded = String(geo.features.length);
    })
    .catch(function () { el.hidden = true; });
}());
