// Photos on the checklist page: a photo chosen or taken with the camera is made smaller on the device
// before it is sent (its longer side at most data-resize pixels, JPEG), so that a poor connection carries
// a few hundred kilobytes instead of several megabytes. Re-encoding also drops the photo's metadata; when
// the inspector ticks "keep the location" the photo is sent as taken, and the server keeps its location.
// Other files (PDF, DOCX...) are sent as they are. Without this script, files are sent as they are.
(function () {
  "use strict";
  var QUALITY = 0.85;
  var pending = 0;

  function keepsLocation(input) {
    var card = input.closest(".item-card");
    var box = card && card.querySelector("input[type=checkbox][name^='keep-location-']");
    return Boolean(box && box.checked);
  }

  function resized(file, limit) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, limit / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", QUALITY);
      });
    }, function () { return file; });
  }

  function shrink(input) {
    if (keepsLocation(input) || !window.DataTransfer || !input.files.length) return;
    var limit = parseInt(input.getAttribute("data-resize"), 10) || 1600;
    var files = Array.prototype.slice.call(input.files);
    pending += 1;
    input.setAttribute("aria-busy", "true");
    Promise.all(files.map(function (file) { return resized(file, limit); })).then(function (smaller) {
      var transfer = new DataTransfer();
      smaller.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    }).finally(function () {
      pending -= 1;
      input.removeAttribute("aria-busy");
      document.dispatchEvent(new CustomEvent("tekseru:photos-ready"));
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.hasAttribute("data-resize")) {
      shrink(input);
    }
  });

  // A form sent while photos are still being made smaller waits for them (a second or so).
  document.addEventListener("submit", function (event) {
    if (pending === 0) return;
    event.preventDefault();
    var form = event.target, submitter = event.submitter;
    document.addEventListener("tekseru:photos-ready", function again() {
      if (pending > 0) return;
      document.removeEventListener("tekseru:photos-ready", again);
      form.requestSubmit(submitter || undefined);
    });
  }, true);
})();
