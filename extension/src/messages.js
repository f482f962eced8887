// What the popup says when something failed, and what to do about it.
// Returns {title, text, command?, action?} for a RelayError / TargetError kind.
export function explain(err, { relayUrl } = {}) {
  const relay = relayUrl ?? 'the relay';
  const detail = err?.message ? ` (${err.message})` : '';
  switch (err?.kind) {
    case 'internal':
    case 'plain_http':
    case 'invalid':
      return { title: err.kind === 'plain_http' ? 'Plain HTTP page' : err.kind === 'internal' ? 'Browser page' : 'Cannot inspect this', text: err.message, action: err.httpsUrl ? { label: 'Check the HTTPS site', url: err.httpsUrl } : undefined };
    case 'relay_down':
      return {
        title: 'The relay is not running',
        text: `TLS Lens asks a relay to connect to the site, and nothing answers at ${relay}. Start it on this computer with the command below (from a TLS Lens checkout: npm start), or set another relay URL in the options.`,
        command: 'tlslens-relay serve',
        options: true,
      };
    case 'unauthorized':
      return { title: 'The relay needs a token', text: `The relay at ${relay} refused the request: it needs a valid access token. Set the token in the TLS Lens options (ask whoever runs the relay).`, options: true };
    case 'refused':
      return { title: 'The relay refused this target', text: `The relay will not scan this site${detail}. Relays refuse private, loopback and internal addresses (and ports they do not allow) so they cannot be used to probe a private network. If you run your own relay and want to scan internal servers, start it with --allow-private.`, command: 'tlslens-relay serve --allow-private' };
    case 'rate_limited':
      return { title: 'Too many scans', text: `The relay is limiting scans${detail}. Wait ${err.retryAfter ? `${err.retryAfter} s` : 'a moment'} and press Rescan; cached results are free.` };
    case 'unreachable':
      return { title: 'The site could not be reached', text: `The relay could not connect to this site${detail}. Check the host name and port, and that the server is up and reachable from the relay.` };
    case 'timeout':
      return { title: 'The site did not answer in time', text: `The relay gave up waiting for this site${detail}. The server may be down, overloaded or filtering the relay; try again later.` };
    case 'bad_request':
      return { title: 'The relay rejected the request', text: `${err.message}. Check the address of the page.` };
    case 'bad_response':
    case 'relay_error':
    case 'not_found':
      return { title: 'The relay answered with an error', text: `${err.message}. Check that the relay URL in the options points at a TLS Lens relay (${relay}).`, options: true };
    case 'grade_failed':
      return { title: 'The result could not be graded', text: err.message };
    default:
      return { title: 'Something went wrong', text: err?.message ?? String(err) };
  }
}
