// Classic content script: loads the ES-module content script from the extension's own origin.
// import() of a chrome-extension:// URL works under strict page CSPs (script-src 'self',
// nonces, strict-dynamic, trusted types): the module is extension code, not page code.
(() => {
  if (globalThis.__conductLoader) return;
  globalThis.__conductLoader = true;
  import(chrome.runtime.getURL('src/content/main.js')).catch((e) => {
    console.debug('conduct-rules: content script failed to load', e);
  });
})();
