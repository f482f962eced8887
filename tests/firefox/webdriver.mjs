// A minimal W3C WebDriver (classic, HTTP + JSON) client for geckodriver, on
// Node's fetch: only what the Firefox tests use. No npm package needed.

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} → HTTP ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`.trim());
    this.name = 'WebDriverError';
    this.status = status;
    this.error = value?.error;
  }
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  static async create(base, capabilities, { timeoutMs = 90_000 } = {}) {
    const value = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, timeoutMs);
    return new Session(base, value.sessionId, value.capabilities);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  // Firefox-specific: installs an unpacked extension as a temporary add-on;
  // returns the add-on id.
  installAddon(dir, { temporary = true } = {}) {
    return this.cmd('POST', '/moz/addon/install', { path: dir, temporary });
  }

  navigate(url) {
    return this.cmd('POST', '/url', { url });
  }

  url() {
    return this.cmd('GET', '/url');
  }

  title() {
    return this.cmd('GET', '/title');
  }

  source() {
    return this.cmd('GET', '/source');
  }

  handles() {
    return this.cmd('GET', '/window/handles');
  }

  handle() {
    return this.cmd('GET', '/window');
  }

  async newTab() {
    const { handle } = await this.cmd('POST', '/window/new', { type: 'tab' });
    await this.switchTo(handle);
    return handle;
  }

  switchTo(handle) {
    return this.cmd('POST', '/window', { handle });
  }

  setWindowRect(rect) {
    return this.cmd('POST', '/window/rect', rect);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  // `script` gets its arguments and, last, the callback to call with the result.
  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async find(css) {
    const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return value[ELEMENT];
  }

  async findAll(css) {
    const value = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return value.map((v) => v[ELEMENT]);
  }

  text(elementId) {
    return this.cmd('GET', `/element/${elementId}/text`);
  }

  click(elementId) {
    return this.cmd('POST', `/element/${elementId}/click`, {});
  }

  // A PNG (Buffer) of the current top-level browsing context.
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  // Polls fn until it returns a truthy value (errors count as "not yet").
  async waitFor(fn, { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  // Firefox-specific: the whole document, not just the viewport.
  async fullScreenshot() {
    return Buffer.from(await this.cmd('GET', '/moz/screenshot/full'), 'base64');
  }

  async delete() {
    try {
      await request(this.base, 'DELETE', `/session/${this.id}`, undefined, 20_000);
    } catch {
      // the browser is gone already
    }
  }
}

export async function request(base, method, path, body, timeoutMs = 60_000) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(method, path, res.status, { message: text.slice(0, 500) });
  }
  if (!res.ok || json?.value?.error) throw new WebDriverError(method, path, res.status, json?.value);
  return json.value;
}
