import { AppError, badRequest } from '../http/errors';
import { parseIdpMetadata, SamlMetadataError, type IdpMetadata } from './idp-metadata';
import { fetchMetadata, MetadataFetchError, type MetadataFetchOptions } from './metadata-fetch';

/** Metadata as the admin gave it: the document itself, or a URL we fetch it from. */
export type MetadataSource = { kind: 'xml'; xml: string } | { kind: 'url'; url: string };

export interface LoadedMetadata {
  xml: string;
  url: string | null;
  parsed: IdpMetadata;
}

/** Fetches (if a URL) and parses; every problem becomes a 400 whose label says what to fix. */
export async function loadMetadata(source: MetadataSource, fetchOptions: MetadataFetchOptions): Promise<LoadedMetadata> {
  let xml: string;
  if (source.kind === 'url') {
    try {
      xml = await fetchMetadata(source.url, fetchOptions);
    } catch (err) {
      if (err instanceof MetadataFetchError) throw badRequest(err.label, err.message);
      throw err;
    }
  } else xml = source.xml;
  try {
    return { xml, url: source.kind === 'url' ? source.url : null, parsed: parseIdpMetadata(xml) };
  } catch (err) {
    if (err instanceof SamlMetadataError) throw badRequest(err.label, `The IdP metadata cannot be used: ${err.message}.`);
    throw err;
  }
}

/** The same as loadMetadata, but failures are returned as a sentence (the refresh keeps the old metadata). */
export async function tryLoadMetadata(source: MetadataSource, fetchOptions: MetadataFetchOptions): Promise<LoadedMetadata | { error: string; label: string }> {
  try {
    return await loadMetadata(source, fetchOptions);
  } catch (err) {
    if (err instanceof AppError) return { error: err.message, label: err.label };
    return { error: err instanceof Error ? err.message : String(err), label: 'metadata-refresh-failed' };
  }
}
