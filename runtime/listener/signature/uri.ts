/**
 * The URI HubSpot signs. Cloud Run terminates TLS and HubSpot calls the exact target URL registered for the app, so
 * the trustworthy value is that URL (PUBLIC_URL); without it we rebuild `https://` + Host + path and query, never
 * from the request's protocol (always http behind Cloud Run's front end).
 */

// HubSpot's v3 rule: decode exactly these escapes before signing, leave every other %XX as sent
// (https://developers.hubspot.com/docs/api/webhooks/validating-requests).
const V3_DECODED: Record<string, string> = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
};
const V3_ESCAPES = /%(?:3[AaFfBb]|2[FfCcAa]|40|21|24|2[789])/g;

export function decodeV3Uri(uri: string): string {
  if (!uri.includes("%")) return uri;
  return uri.replace(V3_ESCAPES, (escape) => V3_DECODED[escape.toUpperCase()] ?? escape);
}

/** `publicUrl` when configured (the registered target URL), else https + Host + path and query. */
export function requestUri(publicUrl: string | undefined, host: string | undefined, pathAndQuery: string): string {
  if (publicUrl) return publicUrl;
  return `https://${host ?? ""}${pathAndQuery}`;
}
