/* tekseru service worker (served as /sw.js, scope /): keeps the application shell (styles, scripts, manifest,
   icons) and the checklist pages of this user's inspections (their texts, answers and previous answers), so
   that a checklist opens without a connection. A checklist page is shown from the copy at once and the copy
   is renewed from the server behind it (the page is told when the server's differs); after a write
   (?done=) the server is asked first. Nothing else is kept, and nothing is sent from here: the page
   (offline.js) sends the answers kept in IndexedDB. */
"use strict";
var SHELL = "tekseru-shell-2";
var PAGES = "tekseru-pages-1";
var SHELL_URLS = [
  "/static/app.css", "/static/offline.css", "/static/offline.js", "/static/vendor/htmx/htmx.min.js",
  "/manifest.webmanifest", "/icons/icon-192.png"
];
var CHECKLIST = /^\/inspections\/\d+\/checklist$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== SHELL && name !== PAGES; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The words a page shows that change when the answers change: versions, checked answers, comments.
function signature(text) {
  return (text.match(/data-version="\d+"|value="[^"]*" checked|<textarea[^>]*>[^<]*/g) || []).join("|");
}

// The copies being written, by path: a page asking whether it is kept waits for them (see "keep" below).
var writing = {};

function keepPage(path, response, notify) {
  var work = writePage(path, response, notify);
  var before = writing[path] || Promise.resolve();
  var both = Promise.all([before, work.catch(function () { return null; })]);
  writing[path] = both;
  both.then(function () { if (writing[path] === both) delete writing[path]; });
  return work;
}

function writePage(path, response, notify) {
  if (!response.ok || response.type !== "basic" || response.redirected) return Promise.resolve();
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) {
    return cache.match(path).then(function (old) {
      var before = old ? old.text() : Promise.resolve(null);
      return Promise.all([before, copy.clone().text()]).then(function (texts) {
        return cache.put(path, copy).then(function () {
          if (notify && texts[0] !== null && signature(texts[0]) !== signature(texts[1])) {
            return self.clients.matchAll({ type: "window" }).then(function (windows) {
              windows.forEach(function (w) {
                if (new URL(w.url).pathname === path) w.postMessage({ type: "updated", url: path });
              });
            });
          }
        });
      });
    });
  });
}

function checklistPage(event, url) {
  var path = url.pathname;
  var fromServer = fetch(event.request).then(function (response) {
    event.waitUntil(keepPage(path, response, true));
    return response;
  });
  if (url.searchParams.has("done") || url.searchParams.has("lang")) {  // just written, or another language
    return fromServer.catch(function () {
      return caches.match(path, { cacheName: PAGES }).then(function (hit) { return hit || Response.error(); });
    });
  }
  return caches.match(path, { cacheName: PAGES }).then(function (hit) {
    if (!hit) return fromServer;
    event.waitUntil(fromServer.catch(function () { return null; }));
    return hit;
  });
}

function shellFile(event) {  // the copy at once, renewed behind it
  return caches.open(SHELL).then(function (cache) {
    return cache.match(event.request, { ignoreSearch: true }).then(function (hit) {
      var fresh = fetch(event.request).then(function (response) {
        if (response.ok) cache.put(event.request, response.clone());
        return response;
      });
      if (!hit) return fresh;
      event.waitUntil(fresh.catch(function () { return null; }));
      return hit;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CHECKLIST.test(url.pathname) && request.mode === "navigate") {
    event.respondWith(checklistPage(event, url));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/icons/") === 0 ||
             url.pathname === "/manifest.webmanifest") {
    event.respondWith(shellFile(event));
  }
});

// The copies being fetched for the list of this user's checklists or for a page asking to be kept, by path:
// a page asked for by both at once is fetched once. (A refresh after a write always fetches anew.)
var fetching = {};

function keepFromServer(path, shared) {
  if (shared && fetching[path]) return fetching[path];
  var work = fetch(path, { credentials: "same-origin" }).then(function (response) {
    return keepPage(path, response, false);
  }).catch(function () { return null; });
  if (shared) {
    fetching[path] = work;
    work.then(function () { if (fetching[path] === work) delete fetching[path]; });
  }
  return work;
}

// Whether the page at `path` is kept now, once the copies being written are written.
function isKept(path) {
  return (writing[path] || Promise.resolve()).then(function () {
    return caches.match(path, { cacheName: PAGES });
  }).then(function (hit) { return !!hit; });
}

// A message may bring a port: the answer goes there when the work is done.
function answer(event, work) {
  var port = event.ports && event.ports[0];
  event.waitUntil(work.catch(function () { return null; }).then(function (result) {
    if (port) port.postMessage(result || {});
  }));
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "precache") {  // the checklists of this user's inspections
    answer(event, fetch("/offline/checklists", { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : { urls: [] };
    }).then(function (body) {
      return Promise.all((body.urls || []).filter(function (path) { return CHECKLIST.test(path); })
        .map(function (path) { return keepFromServer(path, true); }));
    }).then(function () { return { type: "precached" }; }));
  } else if (data.type === "refresh" && CHECKLIST.test(data.url || "")) {
    answer(event, keepFromServer(data.url));
  } else if (data.type === "keep" && CHECKLIST.test(data.url || "")) {
    // A checklist page asks to be kept: one the service worker did not serve (the first visit, before it
    // took the page over) is fetched now, since the list of this user's checklists may be kept already or
    // not yet. The answer says whether the page would open without a connection.
    var url = data.url;
    answer(event, (data.fetch ? keepFromServer(url, true) : Promise.resolve()).then(function () {
      return isKept(url);
    }).then(function (kept) { return { type: "kept", url: url, kept: kept }; }));
  } else if (data.type === "forget") {  // signed out: no one's checklists stay on the device
    answer(event, caches.delete(PAGES));
  }
});
