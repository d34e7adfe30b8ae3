// Aksi 1 map: the district's kecamatan (coloured by status when the analysis is per kecamatan) and,
// otherwise, one point per desa office coloured by the status of its unit. Data come from the page
// (json_script); no tiles, no CDN, no inline script (strict CSP).
(function () {
  "use strict";
  var el = document.getElementById("peta-ansit");
  if (!el || typeof L === "undefined") { return; }
  var colours = { both: "#b2182b", either: "#ef8a62", above: "#fddbc7", below: "#92c5de", none: "#e0e0e0" };
  var features = JSON.parse(document.getElementById(el.dataset.features).textContent);
  var points = JSON.parse(document.getElementById(el.dataset.points).textContent);
  var byKecamatan = el.dataset.level === "kecamatan";
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var shapes = L.geoJSON({ type: "FeatureCollection", features: features }, {
    style: function (f) {
      var s = byKecamatan ? (f.properties.status || "none") : null;
      return { fillColor: s ? colours[s] : "#f4f4f4", fillOpacity: s ? 0.85 : 0.6, color: "#555", weight: 0.7 };
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.nama + (byKecamatan ? ": " + (f.properties.value || "–") : ""));
    }
  }).addTo(map);
  var dots = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 5, color: "#333", weight: 0.6, fillColor: colours[p.status] || colours.none, fillOpacity: 0.95 })
      .bindTooltip(p.nama + ": " + p.value).addTo(dots);
  });
  var bounds = shapes.getLayers().length ? shapes.getBounds() : (dots.getLayers().length ? dots.getBounds() : null);
  if (bounds) { map.fitBounds(bounds.pad(0.03)); } else { map.setView([-2.5, 118], 5); }
  el.dataset.loaded = String(shapes.getLayers().length + dots.getLayers().length);
}());
