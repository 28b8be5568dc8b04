// The map page: country outlines (Natural Earth, shipped) as the base map, places named in articles and
// places of events as clustered markers (either kind can be hidden). Data come from the same server;
// popups are built as DOM nodes (text, never HTML).
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

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function placeLink(place) {
    var link = text("a", place.name);
    link.href = "/?place=" + encodeURIComponent(place.place_id || place.name);
    return link;
  }

  function popup(spot) {
    var root = document.createElement("div");
    root.appendChild(placeLink(spot.place || spot.events));
    if (spot.place) {
      var p = spot.place;
      root.appendChild(text("div", (p.country ? p.country + " · " : "") + p.mentions + " mentions in " +
        p.articles + " articles"));
    }
    if (spot.events) {
      var e = spot.events;
      root.appendChild(text("div", e.events + " events in " + e.articles + " articles · " +
        (e.first_date || "?") + " – " + (e.last_date || "?")));
      var list = document.createElement("ul");
      e.categories.slice(0, 6).forEach(function (c) {
        list.appendChild(text("li", c.category.toLowerCase() + ": " + c.events));
      });
      root.appendChild(list);
    }
    return root;
  }

  function load(url) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (data) { return data.items; });
  }

  // One marker per location: the place as named in articles and the events that happened there
  // (red: named only; blue: with events), so markers of the same spot never hide each other.
  Promise.all([load(box.dataset.places), load(box.dataset.events)]).then(function (found) {
    var spots = {}, order = [];
    function spot(item) {
      var key = item.place_id || item.name;
      if (!spots[key]) { spots[key] = { place: null, events: null }; order.push(key); }
      return spots[key];
    }
    found[0].forEach(function (place) { spot(place).place = place; });
    found[1].forEach(function (events) { spot(events).events = events; });
    var markers = order.map(function (key) {
      var s = spots[key], where = s.place || s.events;
      var size = (s.place ? s.place.mentions : 0) + (s.events ? s.events.events : 0);
      var marker = L.circleMarker([where.lat, where.lon], {
        radius: Math.min(4 + Math.log2(1 + size) * 2, 16), color: "#fff", weight: 1,
        fillColor: s.events ? "#1f6fb2" : "#c0392b", fillOpacity: 0.8
      });
      marker.bindPopup(function () { return popup(s); });
      marker.bindTooltip(text("span", where.name));
      return { marker: marker, spot: s };
    });
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, animate: false });
    var show = { place: true, events: true };
    function refresh() {
      cluster.clearLayers();
      cluster.addLayers(markers.filter(function (m) {
        return (show.place && m.spot.place) || (show.events && m.spot.events);
      }).map(function (m) { return m.marker; }));
    }
    refresh();
    map.addLayer(cluster);

    var Toggles = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar map-toggles");
        L.DomEvent.disableClickPropagation(box);
        [["place", "Places named in articles"], ["events", "Places of events"]].forEach(function (pair) {
          var label = L.DomUtil.create("label", "", box);
          var input = L.DomUtil.create("input", "", label);
          input.type = "checkbox";
          input.checked = true;
          input.name = pair[0];
          label.appendChild(document.createTextNode(" " + pair[1]));
          L.DomEvent.on(input, "change", function () { show[pair[0]] = input.checked; refresh(); });
        });
        return box;
      }
    });
    new Toggles({ position: "topright" }).addTo(map);

    if (markers.length) {
      var bounds = cluster.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), { maxZoom: 6, animate: false }); }
    }
    box.dataset.eventsLoaded = String(found[1].length);
    box.dataset.loaded = String(markers.length);
  });
})();
