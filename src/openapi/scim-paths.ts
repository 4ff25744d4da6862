/** SCIM 2.0 paths of the OpenAPI document (filled in as the SCIM routes land). */
export function scimPaths(): Record<string, unknown> {
  return {};
}
