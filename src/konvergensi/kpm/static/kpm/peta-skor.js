// Aksi 5 map: the latest Skor Konvergensi Desa per desa (office points) over the kecamatan outlines,
// from the page's JSON endpoint (data-values). Colours by the class the server gives (s0–s4, sx);
// the legend and the full table are in the page. No tiles, no CDN, no inline script.
(function () {
  "use strict";
  var el = document.getElementById("peta-skor");
  if (!el || typeof L === "undefined" || !window.fetch) { return; }
  var colours = { s0: "#d7191c", s1: "#fdae61", s2: "#ffffbf", s3: "#a6d96a", s4: "#1a9641", sx: "#d9d9d9" };
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
  function fail() { el.textContent = el.dataset.error || "Peta tidak dapat dimuat."; }
  fetch(el.dataset.values, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { throw new Error(String(r.status)); }
    return r.json();
  }).then(function (data) {
    var outlines = L.geoJSON({ type: "FeatureCollection", features: data.kecamatan }, {
      style: function () { return { fillColor: "#f4f4f4", fillOpacity: 0.6, color: "#777", weight: 0.8 }; },
      onEachFeature: function (f, lyr) { lyr.bindTooltip(f.properties.nama); }
    }).addTo(map);
    var dots = L.featureGroup().addTo(map);
    Object.keys(data.values).forEach(function (kode) {
      var v = data.values[kode];
      if (v.lat === null || v.lng === null) { return; }
      var text = v.nama + ": " + (v.skor === null ? el.dataset.none : v.text) + (v.lokus ? " · " + el.dataset.lokus : "");
      L.circleMarker([v.lat, v.lng], {
        radius: v.skor === null ? 4 : 7, color: v.lokus ? "#111" : "#555", weight: v.lokus ? 2.2 : 0.6,
        fillColor: colours[v.cls] || colours.sx, fillOpacity: 0.95
      }).bindTooltip(text).addTo(dots);
    });
    var bounds = outlines.getLayers().length ? outlines.getBounds() : (dots.getLayers().length ? dots.getBounds() : null);
    if (bounds) { map.fitBounds(bounds.pad(0.03)); } else { map.setView([-2.5, 118], 5); }
    el.dataset.loaded = String(dots.getLayers().length);
  }).catch(fail);
}());
