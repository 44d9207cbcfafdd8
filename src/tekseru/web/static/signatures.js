// Signing through NCALayer, the national signing application, on the user's own computer.
//
// NCALayer listens on a local WebSocket (wss://127.0.0.1:13579 by default; the page names it in
// data-url). Its documented message asks the "commonUtils" module for a CMS signature of base64 data:
//   {"module": "kz.gov.pki.knca.commonUtils", "method": "createCAdESFromBase64",
//    "args": ["PKCS12", "SIGNATURE", "<what the next signature covers, in base64>", false]}
// (false: a detached signature, without the document inside). It answers
//   {"code": "200", "responseObject": "<the CMS signature in base64>"}
// or a code other than 200 with a "message" (e.g. the user cancelled). On connecting it may first send
// its version ({"result": {"version": ...}}), which is not an answer. When nothing answers at that address
// the NCALayer section stays hidden and the page offers only the upload of a CMS file.
(function () {
  "use strict";
  var section = document.getElementById("ncalayer");
  if (!section || !("WebSocket" in window)) {
    return;
  }
  var status = document.getElementById("ncalayer-status");
  var button = document.getElementById("ncalayer-sign");
  var form = document.getElementById("ncalayer-form");
  var absent = document.getElementById("ncalayer-absent");
  var socket;

  function show(text) {
    status.textContent = text;
  }

  function toBase64(bytes) {
    var text = "";
    for (var start = 0; start < bytes.length; start += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(start, start + 0x8000));
    }
    return window.btoa(text);
  }

  function answered(event) {
    var answer;
    try {
      answer = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (answer && answer.result && answer.result.version && answer.code === undefined) {
      return; // NCALayer's greeting
    }
    if (String(answer.code) === "200" && answer.responseObject) {
      form.elements.signature_base64.value = answer.responseObject;
      form.submit();
      return;
    }
    button.disabled = false;
    show(section.dataset.failed + (answer.message ? " (" + answer.message + ")" : ""));
  }

  function sign() {
    button.disabled = true;
    show(section.dataset.signing);
    fetch(section.dataset.document, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.arrayBuffer();
      })
      .then(function (buffer) {
        socket.send(
          JSON.stringify({
            module: "kz.gov.pki.knca.commonUtils",
            method: "createCAdESFromBase64",
            args: ["PKCS12", "SIGNATURE", toBase64(new Uint8Array(buffer)), false],
          })
        );
      })
      .catch(function (error) {
        button.disabled = false;
        show(section.dataset.failed + " (" + error.message + ")");
      });
  }

  try {
    socket = new WebSocket(section.dataset.url);
  } catch (error) {
    return; // a blocked or malformed address: the upload stays the way to sign
  }
  socket.addEventListener("open", function () {
    section.hidden = false;
    absent.hidden = true;
    show(section.dataset.ready);
  });
  socket.addEventListener("message", answered);
  socket.addEventListener("close", function () {
    section.hidden = true;
    absent.hidden = false;
  });
  button.addEventListener("click", sign);
})();
