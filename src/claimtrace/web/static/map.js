// The map page: country outlines (Natural Earth, shipped) as the base map, places as clustered
// markers. Data come from the same server; popups are built as DOM nodes (text, never HTML).
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 12, keyboard: true }).setView([25, 20], 2);
  map.attributionControl.addAttribution("Outlines: Natural Earth");

  fetch(box.dataset.world).then(function (r) { return r.json(); }).then(function (world) {
    L.geoJSON(world, {
      interactive: false,
      style: { color: "#9a9486", weight: 0.7, fillColor: "#eeeadf", fillOpacity: 1 }
    }).addTo(map);
  });

  function popup(place) {
    var root = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/?place=" + encodeURIComponent(place.place_id || place.name);
    link.textContent = place.name;
    root.appendChild(link);
    var info = document.createElement("div");
    info.textContent = (place.country ? place.country + " · " : "") + place.mentions + " mentions in " +
      place.articles + " articles";
    root.appendChild(info);
    return root;
  }

  fetch(box.dataset.places).then(function (r) { return r.json(); }).then(function (data) {
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, animate: false });
    data.items.forEach(function (place) {
      var radius = Math.min(4 + Math.log2(1 + place.mentions) * 2, 16);
      var marker = L.circleMarker([place.lat, place.lon], {
        radius: radius, color: "#fff", weight: 1, fillColor: "#c0392b", fillOpacity: 0.8
      });
      marker.bindPopup(function () { return popup(place); });
      var label = document.createElement("span");
      label.textContent = place.name;
      marker.bindTooltip(label);
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    if (data.items.length) {
      var bounds = cluster.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), { maxZoom: 6, animate: false }); }
    }
    box.dataset.loaded = String(data.items.length);
  });
})();
