import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// The sources, not the built package: the script must see the table as it is now.
import { API_ROUTES, buildOpenApiDocument, type OpenApiDocument } from '../../../packages/shared/src/index.js';
import openapiTS, { astToString } from 'openapi-typescript';

/** The checked-in client types, generated from the OpenAPI document by openapi-typescript (`npm run openapi:types`). */
export const CLIENT_TYPES_FILE = fileURLToPath(new URL('./api-types.ts', import.meta.url));

const HEADER = '// Generated from GET /openapi.json by openapi-typescript (npm run openapi:types). Do not edit.\n';

/** TypeScript types for `openapi-fetch` from an OpenAPI document: what a user of the API would generate. */
export async function generateClientTypes(document: OpenApiDocument | Record<string, unknown>): Promise<string> {
  // openapi-typescript lints the document with Redocly first and throws on an invalid one.
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
}

/** The checked-in file's text. */
export function readClientTypes(): Promise<string> {
  return readFile(CLIENT_TYPES_FILE, 'utf8');
}

// `npm run openapi:types`: regenerate the file from the route table.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generateClientTypes(buildOpenApiDocument(API_ROUTES, { version: '0.0.0' }));
  await writeFile(CLIENT_TYPES_FILE, text);
  console.log(`wrote ${CLIENT_TYPES_FILE}`);
}
