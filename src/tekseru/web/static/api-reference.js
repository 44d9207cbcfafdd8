// Swagger UI on the API reference page: the app's own OpenAPI document; a "Try it out" request is sent
// with the session cookie of the signed-in reader and the CSRF token the API asks for on every change.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: false,
    tryItOutEnabled: false,
    requestInterceptor: function (request) {
      if (root.dataset.csrf) {
        request.headers["X-CSRF-Token"] = root.dataset.csrf;
      }
      request.credentials = "same-origin";
      return request;
    },
  });
});
