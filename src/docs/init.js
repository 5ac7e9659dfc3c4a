// The interactive reference for /openapi.json, served from this gateway (no third-party CDN).
window.addEventListener("load", () => {
  window.reference = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
