/* tekseru offline: registers the service worker (/sw.js) and, on a checklist page, keeps the answers given
   offline (answer, comment, remediation deadline) and the photos taken offline (made smaller by photos.js
   first, as online) in IndexedDB, sends them through the answers and attachments API when the connection
   returns (each answer with the version it was given on), and shows a change made on the server meanwhile
   item by item with both values. The user may discard what waits on this device (after a confirmation).
   Every word comes from the page (#offline-status data-*), in the page's language. Without this script the
   checklist form works as before. */
(function () {
  "use strict";
  var me = document.currentScript;
  var PRECACHED = "tekseru-precached";

  var CHECKLIST = /^\/inspections\/\d+\/checklist$/;

  // A message to the service worker; its answer when the work is done.
  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data || {}); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  if ("serviceWorker" in navigator && me) {
    var served = Boolean(navigator.serviceWorker.controller);  // this page came through the service worker
    navigator.serviceWorker.register(me.dataset.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (!worker) return null;
      if (me.dataset.signedIn !== "yes") {
        localStorage.removeItem(PRECACHED);
        return ask(worker, { type: "forget" });
      }
      var work = [];
      if (navigator.onLine && !(Date.now() - Number(localStorage.getItem(PRECACHED) || 0) < 600000)) {
        localStorage.setItem(PRECACHED, String(Date.now()));  // at most every 10 minutes
        work.push(ask(worker, { type: "precache" }));
      }
      if (CHECKLIST.test(location.pathname)) {
        // This checklist is kept on the device whatever the list of this user's checklists says, and the
        // page says so once it is (data-offline-kept): before that, a reload without a connection fails.
        work.push(ask(worker, { type: "keep", url: location.pathname, fetch: !served && navigator.onLine })
          .then(function (answer) {
            document.documentElement.dataset.offlineKept = answer.kept ? "yes" : "no";
          }));
      }
      return Promise.all(work);
    }).catch(function () { /* no service worker: the pages work online as before */ });
  }

  // IndexedDB: one record per changed item, key "user:inspection:item"; one per photo taken offline, key
  // "user:inspection:item:time:n", with the file itself ------------------------------------------------------
  var STORE = "changes";
  var PHOTOS = "photos";
  var opening = null;
  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("tekseru-offline", 2);
        request.onupgradeneeded = function () {
          var db = request.result;
          [STORE, PHOTOS].forEach(function (name) {
            if (!db.objectStoreNames.contains(name)) {
              db.createObjectStore(name, { keyPath: "key" }).createIndex("inspection", "inspection");
            }
          });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }
  function transact(mode, work, name) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name || STORE, mode);
        var result = work(tx.objectStore(name || STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function allOf(inspection, name) {
    return transact("readonly", function (store) { return store.index("inspection").getAll(inspection); }, name);
  }
  function put(entry, name) { return transact("readwrite", function (store) { store.put(entry); }, name); }
  function drop(key, name) { return transact("readwrite", function (store) { store.delete(key); }, name); }

  // The checklist page ----------------------------------------------------------------------------------------
  var status = document.getElementById("offline-status");
  var form = document.querySelector("form[data-inspection-id]");
  if (!status || !form || !window.indexedDB) return;
  var words = status.dataset;
  var inspection = Number(form.dataset.inspectionId);
  var entries = {};  // item number -> entry, as stored
  var photos = {};  // key -> photo waiting to be sent, as stored
  var failure = "";
  var sending = false;
  var touched = false;
  var unreachable = false;

  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function card(number) { return form.querySelector('[data-item-id="' + number + '"]'); }
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function given(number) {  // what the item's inputs say now
    var box = card(number);
    var checked = box.querySelector("input[type=radio]:checked");
    var comment = box.querySelector("textarea");
    var deadline = field("deadline-" + number);
    return { answer: checked ? checked.value : "", comment: comment ? comment.value : "",
             deadline: deadline ? deadline.value : "" };
  }
  function loaded(number) {  // what the page was loaded with (or last synced)
    var was = field("was-" + number), wasComment = field("was-comment-" + number);
    var wasDeadline = field("was-deadline-" + number);
    return {
      version: Number(card(number).dataset.version || 0),
      answer: was ? was.value : "",
      comment: wasComment ? wasComment.value : "",
      deadline: wasDeadline ? wasDeadline.value : ""
    };
  }
  function setLoaded(number, version, answer, comment, deadline) {
    card(number).dataset.version = String(version);
    var pairs = [["version-", String(version)], ["was-", answer], ["was-comment-", comment],
                 ["was-deadline-", deadline || ""]];
    pairs.forEach(function (pair) { var input = field(pair[0] + number); if (input) input.value = pair[1]; });
  }
  function show(number, answer, comment, deadline) {
    var box = card(number);
    box.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = radio.value === answer; });
    var text = box.querySelector("textarea");
    if (text) text.value = comment;
    var day = field("deadline-" + number);
    if (day) day.value = deadline || "";
  }
  // A deadline belongs to a non-compliant answer only (the server keeps none for another answer).
  function deadlineOf(value) { return value.answer === "non_compliant" ? (value.deadline || "") : ""; }
  function answerLabel(number, answer) {
    var radio = card(number).querySelector('input[type=radio][value="' + answer + '"]');
    var label = radio && form.querySelector('label[for="' + radio.id + '"]');
    return label ? label.textContent.trim() : (answer || words.noAnswer);
  }
  function same(a, b) {
    return a.answer === b.answer && a.comment.trim() === b.comment.trim() && deadlineOf(a) === deadlineOf(b);
  }

  function record(number) {  // keep the item's change on the device
    var now = given(number);
    var entry = entries[number];
    if (!entry) {
      var was = loaded(number);
      if (same(now, was)) return Promise.resolve();
      entry = { key: words.user + ":" + inspection + ":" + number, inspection: inspection, item: number, user: words.user,
                base: was.version, was: was.answer, wasComment: was.comment, wasDeadline: was.deadline,
                conflict: null };
    } else if (!entry.conflict &&
               same(now, { answer: entry.was, comment: entry.wasComment, deadline: entry.wasDeadline || "" })) {
      delete entries[number];
      mark(number);
      return drop(entry.key).then(render);
    }
    entry.answer = now.answer;
    entry.comment = now.comment;
    entry.deadline = deadlineOf(now);
    entries[number] = entry;
    mark(number);
    return put(entry).then(render);
  }
  function recordAll() {
    return Promise.all(Array.prototype.map.call(form.querySelectorAll("[data-item-id]"), function (box) {
      return record(Number(box.dataset.itemId));
    }));
  }

  function photosOf(number) {
    return Object.keys(photos).map(function (key) { return photos[key]; })
      .filter(function (photo) { return photo.item === number; });
  }
  function mark(number) {  // the item's note: changed here, or the conflict with both values; photos waiting
    var box = card(number);
    var old = box.querySelector(".offline-note");
    if (old) old.remove();
    var entry = entries[number];
    var waitingPhotos = photosOf(number);
    if (!entry && !waitingPhotos.length) return;
    var note = document.createElement("div");
    note.className = "offline-note";
    note.id = "offline-note-" + number;
    if (!entry) {
      // photos only: listed below
    } else if (!entry.conflict) {
      note.appendChild(paragraph(words.changedHere));
    } else {
      note.classList.add("offline-conflict");
      note.setAttribute("role", "group");
      note.id = "offline-conflict-" + number;
      var stored = entry.conflict.stored || { answer: "", comment: "" };
      note.appendChild(paragraph(say(words.conflictTitle, { who: entry.conflict.by || "?" }), "strong"));
      note.appendChild(side(words.conflictStored, number, stored));
      note.appendChild(side(words.conflictMine, number, entry));
      var buttons = document.createElement("p");
      buttons.appendChild(button(words.keepStored, "keep-stored-" + number, function () { keepStored(number); }));
      buttons.appendChild(document.createTextNode(" "));
      buttons.appendChild(button(words.keepMine, "keep-mine-" + number, function () { keepMine(number); }));
      note.appendChild(buttons);
    }
    waitingPhotos.forEach(function (photo) {
      var p = paragraph(say(words.photoWaiting, { name: photo.name }));
      p.className = "offline-photo";
      note.appendChild(p);
    });
    var legend = box.querySelector("legend");
    if (legend && legend.nextSibling) box.insertBefore(note, legend.nextSibling); else box.appendChild(note);
  }
  function paragraph(text, tag) {
    var p = document.createElement("p");
    var inner = document.createElement(tag || "span");
    inner.textContent = text;
    p.appendChild(inner);
    return p;
  }
  function side(title, number, value) {
    var p = document.createElement("p");
    p.className = "offline-side";
    p.appendChild(document.createTextNode(title + ": "));
    var strong = document.createElement("strong");
    strong.textContent = value.answer ? answerLabel(number, value.answer) : words.noAnswer;
    p.appendChild(strong);
    if (value.comment) p.appendChild(document.createTextNode(" — " + words.comment + ": " + value.comment));
    if (value.answer === "non_compliant" && value.deadline) {
      p.appendChild(document.createTextNode(" — " + words.deadline + ": " + value.deadline));
    }
    return p;
  }
  function button(text, id, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function storedTaken(number) {  // the server's value of a conflict becomes the page's
    var entry = entries[number], stored = entry.conflict.stored || { answer: "", comment: "" };
    show(number, stored.answer || "", stored.comment || "", stored.deadline || "");
    setLoaded(number, entry.conflict.version || 0, stored.answer || "", stored.comment || "", stored.deadline || "");
    delete entries[number];
    mark(number);
    return drop(entry.key);
  }
  function keepStored(number) {
    storedTaken(number).then(render).then(refreshCopy);
  }
  function keepMine(number) {
    var entry = entries[number], stored = entry.conflict.stored || { answer: "", comment: "" };
    entry.base = entry.conflict.version || 0;
    entry.was = stored.answer || "";
    entry.wasComment = stored.comment || "";
    entry.wasDeadline = stored.deadline || "";
    entry.conflict = null;
    setLoaded(number, entry.base, entry.was, entry.wasComment, entry.wasDeadline);
    show(number, entry.answer, entry.comment, entry.deadline);
    mark(number);
    put(entry).then(render).then(send);
  }

  // Discarding what waits on this device (the user confirms first) -------------------------------------------
  var discardLine = document.getElementById("offline-discard-line");
  var discardButton = document.getElementById("offline-discard");
  function waitingCount() { return Object.keys(entries).length + Object.keys(photos).length; }
  function discardAll() {
    var count = waitingCount();
    if (!count || sending || !window.confirm(say(words.discardConfirm, { count: count }))) return Promise.resolve();
    var work = Object.keys(entries).map(Number).map(function (number) {
      var entry = entries[number];
      if (entry.conflict) return storedTaken(number);  // the server's value, as "keep the server's"
      show(number, entry.was, entry.wasComment, entry.wasDeadline || "");
      delete entries[number];
      mark(number);
      return drop(entry.key);
    });
    Object.keys(photos).forEach(function (key) {
      var photo = photos[key];
      delete photos[key];
      mark(photo.item);
      work.push(drop(key, PHOTOS));
    });
    failure = "";
    status.dataset.done = "discarded";
    return Promise.all(work).then(render).then(function () { status.focus(); });
  }
  if (discardButton) discardButton.addEventListener("click", discardAll);

  // Photos taken offline: kept with the answers once photos.js has made them smaller ---------------------------
  function whenResized(input) {
    return new Promise(function (resolve) {
      setTimeout(function () {  // photos.js marks the input busy in its own change listener, after this one
        if (input.getAttribute("aria-busy") !== "true") { resolve(); return; }
        document.addEventListener("tekseru:photos-ready", function again() {
          if (input.getAttribute("aria-busy") === "true") return;
          document.removeEventListener("tekseru:photos-ready", again);
          resolve();
        });
      }, 0);
    });
  }
  function keepPhotos(input, number) {
    return whenResized(input).then(function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return null;
      var stamp = Date.now();
      var location = field("keep-location-" + number);
      return Promise.all(files.map(function (file, n) {
        var photo = { key: words.user + ":" + inspection + ":" + number + ":" + stamp + ":" + n,
                      inspection: inspection, item: number, user: words.user, name: file.name,
                      type: file.type, blob: file, keepLocation: Boolean(location && location.checked) };
        photos[photo.key] = photo;
        return put(photo, PHOTOS);
      })).then(function () {
        input.value = "";  // kept here: the form does not send it again
        mark(number);
        render();
      });
    });
  }

  // Sending ----------------------------------------------------------------------------------------------------
  function csrf() { var input = field("csrf_token"); return input ? input.value : ""; }
  function ready() {
    return Object.keys(entries).map(Number).filter(function (n) { return !entries[n].conflict && entries[n].answer; });
  }
  function send() {
    if (sending || !navigator.onLine || (!ready().length && !Object.keys(photos).length)) {
      return Promise.resolve(render());
    }
    sending = true;
    failure = "";
    unreachable = false;
    render();
    var problems = [];
    function noted(problem) { problems.push(problem && problem.message ? problem.message : String(problem)); }
    return attempt(3).catch(noted).then(function () {
      return unreachable ? null : sendPhotos().catch(noted);
    }).then(function () {
      failure = problems.join(" ");
      sending = false;
      render();
    });
  }
  function sendPhotos() {  // one after another; the first refused stops the rest (they stay waiting)
    var waiting = Object.keys(photos).map(function (key) { return photos[key]; });
    return waiting.reduce(function (chain, photo) {
      return chain.then(function (going) {
        if (!going) return false;
        var body = new FormData();
        body.append("file", photo.blob, photo.name);
        body.append("item", String(photo.item));
        if (photo.keepLocation) body.append("keep_location", "true");
        return fetch(status.dataset.attachApi, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
          body: body
        }).then(function (response) {
          if (response.ok) {
            delete photos[photo.key];
            mark(photo.item);
            status.dataset.done = "sent";
            return drop(photo.key, PHOTOS).then(function () { return true; });
          }
          return response.json().catch(function () { return {}; }).then(function (answer) {
            throw new Error(photo.name + ": " + (answer.detail || answer.title || String(response.status)));
          });
        }, function () { unreachable = true; return false; });
      });
    }, Promise.resolve(true)).then(function (all) { if (all && !Object.keys(photos).length) refreshCopy(); });
  }
  function attempt(left) {
    var numbers = ready();
    if (!numbers.length || !left) return Promise.resolve();
    var answers = numbers.map(function (n) {
      var e = entries[n];
      return { item: n, answer: e.answer, comment: e.comment, deadline: deadlineOf(e) || null, version: e.base };
    });
    return fetch(status.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "application/json" },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) return stored(numbers, body.versions || []);
        if (response.status === 409 && body.conflicts) return conflicted(body.conflicts).then(function () {
          return attempt(left - 1);
        });
        throw new Error(body.detail || body.title || String(response.status));
      });
    }, function () { unreachable = true; /* the network is gone again: everything stays waiting */ });
  }
  function stored(numbers, versions) {
    var now = {};
    versions.forEach(function (v) { now[v.item] = v.version; });
    return Promise.all(numbers.map(function (n) {
      var e = entries[n];
      setLoaded(n, now[n] || e.base + 1, e.answer, e.comment, deadlineOf(e));
      delete entries[n];
      mark(n);
      return drop(e.key);
    })).then(function () { failure = ""; status.dataset.done = "sent"; return refreshCopy(); });
  }
  function conflicted(conflicts) {
    return Promise.all(conflicts.filter(function (c) { return c.kind === "item" && entries[c.key]; }).map(function (c) {
      var e = entries[c.key];
      e.conflict = { stored: c.stored, version: c.stored_version, by: c.changed_by };
      mark(c.key);
      return put(e);
    }));
  }
  function refreshCopy() {  // the service worker keeps the page as the server has it now
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "refresh", url: location.pathname });
    }
  }

  // The status line and the complete button --------------------------------------------------------------------
  var complete = form.querySelector("[data-needs-server]");
  var why = null;
  function render() {
    var numbers = Object.keys(entries).map(Number);
    var conflicts = numbers.filter(function (n) { return entries[n].conflict; }).length;
    var waiting = numbers.length - conflicts + Object.keys(photos).length;  // photos count as changes too
    var lines = [];
    if (!navigator.onLine || (unreachable && waiting)) lines.push(say(words.offline, { count: waiting }));
    else if (sending) lines.push(say(words.sending, { count: waiting }));
    else if (failure) lines.push(say(words.failed, { detail: failure }));
    else if (status.dataset.done === "sent" && !waiting) lines.push(words.sent);
    if (conflicts) lines.push(say(words.conflicts, { count: conflicts }));
    if (status.dataset.done === "discarded" && !waiting && !conflicts) lines.push(words.discarded);
    status.textContent = lines.join(" ");
    status.hidden = !lines.length;
    if (discardLine) discardLine.hidden = !(waiting + conflicts) || sending;
    status.classList.toggle("offline-now", !navigator.onLine);
    if (complete) {
      complete.disabled = !navigator.onLine;
      if (!navigator.onLine && !why) {
        why = document.createElement("span");
        why.id = "offline-complete-why";
        why.className = "hint";
        why.textContent = " " + words.completeOffline;
        complete.insertAdjacentElement("afterend", why);
        complete.setAttribute("aria-describedby", why.id);
      } else if (navigator.onLine && why) {
        why.remove();
        why = null;
        complete.removeAttribute("aria-describedby");
      }
    }
  }

  form.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-item-id]");
    touched = true;
    if (!box) return;
    if (event.target.type === "file") {  // offline, a photo waits here with the answers
      if (!navigator.onLine) keepPhotos(event.target, Number(box.dataset.itemId));
      return;
    }
    if (event.target.type === "checkbox") return;  // "keep the location" belongs to the photo
    if (!navigator.onLine || entries[box.dataset.itemId]) record(Number(box.dataset.itemId));
  });
  form.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-item-id]");
    touched = true;
    if (box && event.target.tagName === "TEXTAREA" && (!navigator.onLine || entries[box.dataset.itemId])) {
      record(Number(box.dataset.itemId));
    }
  });
  function keepHere() {  // the server is out of reach: the changes stay here
    return recordAll().then(function () { render(); status.hidden = false; status.textContent += " " + words.kept; });
  }
  function keepAll() {  // every change of the page, the photos chosen too, stays on this device
    var files = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length && input.closest("[data-item-id]");
    });
    return Promise.all(files.map(function (input) {
      return keepPhotos(input, Number(input.closest("[data-item-id]").dataset.itemId));
    })).then(recordAll);
  }
  function sendForm(submitter) {
    form.dataset.sendNow = "yes";
    if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
  }
  form.addEventListener("submit", function (event) {
    if (form.dataset.sendNow) return;
    if (!navigator.onLine) {
      event.preventDefault();
      keepHere();
    } else if (!waitingCount()) {
      // The session may have ended since the page was loaded (its hours are over, or the user signed out
      // in another tab): the form would then go to the sign-in page and its answers be lost. They are kept
      // on this device instead, and sent once the user has signed in again (the page comes back with them).
      event.preventDefault();
      var sender = event.submitter;
      fetch(words.me, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
        if (response.status !== 401) { sendForm(sender); return null; }
        return keepAll().then(function () {
          location.assign(words.login + encodeURIComponent(location.pathname + location.search));
        });
      }, keepHere);
    } else {  // send what waits first, then the form as it is
      event.preventDefault();
      var submitter = event.submitter;
      send().then(function () {
        // Still waiting (not sent) or in conflict: the form stays. An item with a comment and no answer goes
        // with the form, which says what is missing.
        if (Object.keys(entries).some(function (n) { return entries[n].conflict || entries[n].answer; })) return;
        if (Object.keys(photos).length) return;
        sendForm(submitter);
      });
    }
  });
  window.addEventListener("offline", function () { recordAll().then(render); });
  window.addEventListener("online", function () { send(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "updated" || event.data.url !== location.pathname) return;
      var last = Number(sessionStorage.getItem("tekseru-reloaded") || 0);
      if (!touched && !waitingCount() && Date.now() - last > 30000) {
        sessionStorage.setItem("tekseru-reloaded", String(Date.now()));
        location.reload();
        return;
      }
      if (document.getElementById("offline-updated")) return;
      var p = document.createElement("p");
      p.id = "offline-updated";
      p.className = "notice";
      p.appendChild(document.createTextNode(words.updated + " "));
      var link = document.createElement("a");
      link.href = location.pathname;
      link.textContent = words.reload;
      p.appendChild(link);
      status.insertAdjacentElement("afterend", p);
    });
  }

  // What the device kept from before: shown on the page, dropped when the server has it, else sent -----------
  allOf(inspection, PHOTOS).then(function (kept) {
    kept.forEach(function (photo) {
      if (card(photo.item) && photo.user === words.user) photos[photo.key] = photo;
    });
    return allOf(inspection);
  }).then(function (kept) {
    kept.forEach(function (entry) {
      var box = card(entry.item);
      if (!box || entry.user !== words.user) return;  // another user's work stays for that user
      var now = loaded(entry.item);
      if (!entry.conflict && now.version !== entry.base && same(now, entry)) {
        drop(entry.key);  // the server has it already
        return;
      }
      entries[entry.item] = entry;
      show(entry.item, entry.answer, entry.comment, entry.deadline || "");
      if (!entry.conflict) setLoaded(entry.item, entry.base, entry.was, entry.wasComment, entry.wasDeadline || "");
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-item-id]"), function (box) {
      mark(Number(box.dataset.itemId));
    });
    render();
    return send();
  }).catch(function () { render(); });
})();
