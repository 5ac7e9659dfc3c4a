// The interactive reference for /openapi.json, served from this gateway (no third-party CDN).
// The document's server defaults to the local run (for generated clients); this page calls the
// gateway that serves it, so it puts its own origin in the server's variables.
window.addEventListener("load", async () => {
  const document = await (await window.fetch("/openapi.json")).json();
  const variables = document.servers?.[0]?.variables;
  if (variables) {
    variables.scheme.default = window.location.protocol.replace(":", "");
    variables.host.default = window.location.host;
  }
  window.reference = SwaggerUIBundle({
    spec: document,
    dom_id: "#reference",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
