// Budget maps (issue 15). The figures per region come from the page's JSON endpoint (data-values),
// the boundaries from the app's own /peta/ GeoJSON (data-geojson) — or, for the desa of a district,
// the desa office points and kecamatan outlines in the same JSON. No tiles, no CDN, no inline script.
// A select (#peta-ukuran) picks the measure; the legend's labels are written by the server.
// data-drill-geojson / data-drill-values (the nation): a click on a province shows its districts;
// a click on a district opens its budget page (data-link).
(function () {
  "use strict";
  var el = document.getElementById("peta-anggaran");
  if (!el || typeof L === "undefined" || !window.fetch) { return; }
  var colours = ["#fde0c5", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  var grey = "#d9d9d9";
  var select = document.getElementById("peta-ukuran");
  var legend = document.getElementById("peta-legenda");
  var back = document.getElementById("peta-kembali");
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
  var current = null; // {data, layers: [...], link}

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }
  function measure() {
    var m = select ? select.value : "pagu";
    return current && current.data.measures[m] ? m : Object.keys(current.data.measures)[0];
  }
  function colour(v, m) {
    if (!v || v[m] === null || v[m] === undefined || (m === "pagu" && !v.pagu)) { return grey; }
    var limits = current.data.measures[m].limits;
    var i = 0;
    while (i < limits.length && v[m] >= limits[i]) { i += 1; }
    return colours[Math.min(colours.length - 1, i)];
  }
  function tip(nama, v, m) {
    if (!v || (v.lat !== undefined && !v.pagu)) { return nama + ": " + el.dataset.none; }
    return nama + " — " + current.data.measures[m].label + ": " + v.text[m];
  }
  function drawLegend() {
    if (!legend) { return; }
    var m = measure();
    while (legend.firstChild) { legend.removeChild(legend.firstChild); }
    function item(cls, label) {
      var span = document.createElement("span");
      var swatch = document.createElement("i");
      span.className = "nowrap";
      swatch.className = cls;
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(label));
      legend.appendChild(span);
      legend.appendChild(document.createTextNode(" "));
    }
    current.data.measures[m].legend.forEach(function (label, i) { item("c" + Math.min(4, i), label); });
    item("cx", el.dataset.none);
  }
  function restyle() {
    var m = measure();
    current.layers.forEach(function (layer) {
      layer.eachLayer(function (lyr) {
        if (!lyr.kode) { return; }
        var v = current.data.values[lyr.kode];
        lyr.setStyle({ fillColor: colour(v, m) });
        lyr.setTooltipContent(tip(lyr.nama, v, m));
      });
    });
    drawLegend();
  }
  function clear() {
    if (current) { current.layers.forEach(function (layer) { map.removeLayer(layer); }); }
  }
  function showDesa(data) {
    clear();
    current = { data: data, layers: [] };
    var m = measure();
    var outlines = L.geoJSON({ type: "FeatureCollection", features: data.kecamatan }, {
      style: function () { return { fillColor: "#f4f4f4", fillOpacity: 0.6, color: "#777", weight: 0.8 }; },
      onEachFeature: function (f, lyr) { lyr.bindTooltip(f.properties.nama); }
    }).addTo(map);
    var dots = L.featureGroup().addTo(map);
    Object.keys(data.values).forEach(function (kode) {
      var v = data.values[kode];
      if (v.lat === null || v.lng === null) { return; }
      var dot = L.circleMarker([v.lat, v.lng], {
        radius: v.pagu ? 7 : 4, color: v.lokus ? "#111" : "#555", weight: v.lokus ? 2.2 : 0.6,
        fillColor: colour(v, m), fillOpacity: 0.95
      }).bindTooltip(tip(v.nama, v, m) + (v.lokus ? " · " + el.dataset.lokus : ""));
      dot.kode = kode;
      dot.nama = v.nama;
      dot.addTo(dots);
    });
    current.layers = [outlines, dots];
    var bounds = outlines.getLayers().length ? outlines.getBounds() : (dots.getLayers().length ? dots.getBounds() : null);
    if (bounds) { map.fitBounds(bounds.pad(0.03)); } else { map.setView([-2.5, 118], 5); }
    drawLegend();
    el.dataset.loaded = String(dots.getLayers().length);
  }
  function showRegions(geoUrl, valuesUrl, drill) {
    return Promise.all([json(geoUrl), json(valuesUrl)]).then(function (got) {
      var geo = got[0];
      clear();
      current = { data: got[1], layers: [] };
      var m = measure();
      var layer = L.geoJSON(geo, {
        style: function (f) {
          return { fillColor: colour(current.data.values[f.properties.kode], m), fillOpacity: 0.85, color: "#555", weight: 0.7 };
        },
        onEachFeature: function (f, lyr) {
          var kode = f.properties.kode;
          lyr.kode = kode;
          lyr.nama = f.properties.nama;
          lyr.bindTooltip(tip(f.properties.nama, current.data.values[kode], m));
          lyr.on("click", function () {
            if (drill) { drill(kode); return; }
            window.location.href = el.dataset.link.replace("KODE", kode) + (el.dataset.query || "");
          });
        }
      }).addTo(map);
      current.layers = [layer];
      map.fitBounds(layer.getBounds());
      drawLegend();
      el.dataset.loaded = String(geo.features.length);
      el.dataset.level = current.data.tingkat;
    });
  }
  function fail() { el.textContent = el.dataset.error || "Peta tidak dapat dimuat."; }
  function top() {
    if (back) { back.hidden = true; }
    var drill = el.dataset.drillGeojson ? function (kode) {
      showRegions(el.dataset.drillGeojson.replace("KODE", kode),
        el.dataset.drillValues.replace("KODE", kode) + (el.dataset.query || ""), null)
        .then(function () { if (back) { back.hidden = false; } })
        .catch(fail);
    } : null;
    return showRegions(el.dataset.geojson, el.dataset.values + (el.dataset.query || ""), drill);
  }
  if (select) { select.addEventListener("change", function () { if (current) { restyle(); } }); }
  if (back) { back.addEventListener("click", function () { top().catch(fail); }); }
  if (el.dataset.kind === "desa") {
    json(el.dataset.values + (el.dataset.query || "")).then(showDesa).catch(fail);
  } else {
    top().catch(fail);
  }
}());
