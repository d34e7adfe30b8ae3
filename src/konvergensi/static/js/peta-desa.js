// Desa coverage map: one circle per desa office point, coloured by coverage category. Points and
// values come from the page (json_script); a point's ``tip`` replaces the value tooltip. No tiles, no CDN.
(function () {
  "use strict";
  var el = document.getElementById("peta-desa");
  if (!el || typeof L === "undefined") { return; }
  var points = JSON.parse(document.getElementById(el.dataset.points).textContent);
  var colours = { memadai: "#7fc97f", hampir_memadai: "#fdd84f", rendah: "#f4a261", sangat_rendah: "#e05a4f" };
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var layer = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    if (p.lat === null || p.lng === null) { return; }
    var c = p.category ? colours[p.category] : (p.value !== null ? "#2b8cbe" : "#bbbbbb");
    L.circleMarker([p.lat, p.lng], { radius: 6, color: "#333", weight: 0.6, fillColor: c, fillOpacity: 0.9 })
      .bindTooltip(p.tip || (p.nama + ": " + (p.value === null ? "–" : p.value + (p.category ? " %" : ""))))
      .addTo(layer);
  });
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds().pad(0.05)); } else { map.setView([-2.5, 118], 5); }
  el.dataset.loaded = String(layer.getLayers().length);
}());
