// The API docs: Swagger UI on the app's own schema. The schema names no server, so "Try it out"
// is told the API's address as seen from this page, which keeps a proxy's path prefix.

const root = document.getElementById("swagger-ui");
fetch(root.dataset.openapi)
  .then((response) => response.json())
  .then((spec) => {
    const here = new URL(".", window.location.href).href.replace(/\/$/, "");
    window.SwaggerUIBundle({
      spec: { ...spec, servers: spec.servers ?? [{ url: here }] },
      domNode: root,
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
    });
  });
