// Swagger UI for the REST API, from the files served by the app itself (no CDN).
"use strict";

window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
