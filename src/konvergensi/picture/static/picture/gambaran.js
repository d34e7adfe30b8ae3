// Choropleth of the picture (gambaran): colours and tooltips come from the page (json_script),
// polygons from the app's own /peta/ endpoint, or one point per child where there is no polygon.
// No tiles, no CDN. Clicking a region opens its own picture (drill down).
(function () {
  "use strict";
  var el = document.getElementById("peta-gambaran");
  if (!el || typeof L === "undefined") { return; }
  var values = JSON.parse(document.getElementById(el.dataset.values).textContent);
  var points = JSON.parse(document.getElementById(el.dataset.points).textContent);
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  function go(kode) {
    if (el.dataset.link) { window.location.href = el.dataset.link.replace("KODE", kode) + "?" + el.dataset.query; }
  }
  function info(kode) { return values[kode] || { c: "#d9d9d9", t: kode + ": –" }; }
  if (el.dataset.geojson) {
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geo) {
        geo.features = geo.features.filter(function (f) { return values[f.properties.kode] !== undefined; });
        var layer = L.geoJSON(geo, {
          style: function (f) { return { fillColor: info(f.properties.kode).c, fillOpacity: 0.85, color: "#555", weight: 0.7 }; },
          onEachFeature: function (f, lyr) {
            lyr.bindTooltip(info(f.properties.kode).t);
            lyr.on("click", function () { go(f.properties.kode); });
          }
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([-2.5, 118], 5); }
        el.dataset.loaded = String(layer.getLayers().length);
      })
      .catch(function () { el.textContent = el.dataset.error || "Peta tidak dapat dimuat."; });
  } else {
    var group = L.featureGroup().addTo(map);
    points.forEach(function (p) {
      var v = info(p.kode);
      L.circleMarker([p.lat, p.lng], { radius: 7, color: "#333", weight: 0.6, fillColor: v.c, fillOpacity: 0.9 })
        .bindTooltip(v.t).on("click", function () { go(p.kode); }).addTo(group);
    });
    if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.05)); } else { map.setView([-2.5, 118], 5); }
    el.dataset.loaded = String(group.getLayers().length);
  }
}());
