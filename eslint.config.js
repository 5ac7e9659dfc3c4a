import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // `**/.wrangler/`: `wrangler dev` writes bundles beside every config it runs (the MCP Worker's, the emulator's).
  { ignores: ["**/node_modules/", "**/.wrangler/", "**/dist/", "worker-configuration.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    // The docs page's own script runs in the browser, beside Swagger UI's bundle.
    files: ["src/docs/**/*.js"],
    languageOptions: { globals: { window: "readonly", SwaggerUIBundle: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
