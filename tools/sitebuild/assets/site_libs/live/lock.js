// The live cells' worker may talk only to the site it came from: once Pyodide has loaded, fetch, XMLHttpRequest,
// WebSocket, EventSource and importScripts refuse other origins, and the worker cannot start workers of its own (a
// `data:` worker would have no origin to keep to). The page's Content-Security-Policy does not cover its workers.
const WS = { 'ws:': 'http:', 'wss:': 'https:' };

function sameOrigin(url, scope) {
  const u = new URL(url instanceof scope.Request ? url.url : String(url), scope.location.href);
  if (WS[u.protocol]) u.protocol = WS[u.protocol];
  return u.origin === scope.location.origin;
}

function refuse(url, scope) {
  return new TypeError(`network access blocked: live cells may reach only ${scope.location.origin}, not ${url}`);
}

function fix(obj, name, value) { Object.defineProperty(obj, name, { value, writable: false, configurable: false }); }

export function lockNetwork(scope) {
  const check = (url) => { if (!sameOrigin(url, scope)) throw refuse(url, scope); };
  const fetch = scope.fetch;
  const locked = function (input, init) { check(input); return fetch.call(scope, input, init); };   // throws at once
  for (let o = Object.getPrototypeOf(scope); o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, 'fetch')) fix(o, 'fetch', locked);   // WorkerGlobalScope.prototype
  }
  fix(scope, 'fetch', locked);
  if (scope.XMLHttpRequest) {
    const open = scope.XMLHttpRequest.prototype.open;
    fix(scope.XMLHttpRequest.prototype, 'open', function (method, url, ...rest) { check(url); return open.call(this, method, url, ...rest); });
  }
  for (const name of ['WebSocket', 'EventSource']) {
    const Original = scope[name];
    if (!Original) continue;
    const Locked = function (url, ...rest) {
      if (!new.target) throw new TypeError(`${name} needs new`);
      check(url);
      return new Original(url, ...rest);
    };
    Locked.prototype = Original.prototype;
    fix(Original.prototype, 'constructor', Locked);
    fix(scope, name, Locked);
  }
  if (scope.importScripts) {
    const importScripts = scope.importScripts;
    fix(scope, 'importScripts', (...urls) => { urls.forEach(check); return importScripts.apply(scope, urls); });
  }
  for (const name of ['Worker', 'SharedWorker', 'WebTransport']) if (name in scope) fix(scope, name, undefined);
}
