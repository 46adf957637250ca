// The fixture pages and how to reach each one's field and read its editor's own model.

const norm = (s) => s.replace(/\u00a0/g, ' ').replace(/\n+$/, '');

export const PAGES = [
  {
    name: 'textarea', url: 'textarea.html',
    field: (page) => page.locator('#field'),
    model: (page) => page.$eval('#field', (el) => el.value),
  },
  {
    name: 'input', url: 'input.html',
    field: (page) => page.locator('#field'),
    model: (page) => page.$eval('#field', (el) => el.value),
  },
  {
    name: 'contenteditable', url: 'contenteditable.html',
    field: (page) => page.locator('#field'),
    model: (page) => page.$eval('#field', (el) => el.innerText),
  },
  {
    name: 'iframe', url: 'iframe.html',
    ready: (page) => page.frameLocator('#frame').locator('body[contenteditable]').waitFor(),
    field: (page) => page.frameLocator('#frame').locator('body'),
    model: (page) => page.frame({ url: /frame-body/ }).evaluate(() => document.body.innerText),
  },
  {
    name: 'shadow', url: 'shadow.html',
    field: (page) => page.locator('chat-widget #field'),
    model: (page) => page.evaluate(() => document.querySelector('chat-widget').shadowRoot.querySelector('#field').innerText),
  },
  {
    name: 'quill', url: 'quill.html', editor: true,
    ready: (page) => page.waitForFunction(() => window.editorReady === true),
    field: (page) => page.locator('.ql-editor'),
    model: (page) => page.evaluate(() => window.getModelText()),
    // Quill's history merges changes made within 1 s into one undo step.
    undoGroupMs: 1100,
  },
  {
    name: 'prosemirror', url: 'prosemirror.html', editor: true,
    ready: (page) => page.waitForFunction(() => window.editorReady === true),
    field: (page) => page.locator('.ProseMirror'),
    model: (page) => page.evaluate(() => window.getModelText()),
    // prosemirror-history's newGroupDelay.
    undoGroupMs: 600,
  },
  {
    name: 'tinymce', url: 'tinymce.html', editor: true,
    ready: (page) => page.waitForFunction(() => window.editorReady === true, null, { timeout: 15000 }),
    field: (page) => page.frameLocator('#editor_ifr').locator('body'),
    model: (page) => page.evaluate(() => window.getModelText()),
    undoGroupMs: 0,
  },
];

export async function readModel(p, page) {
  return norm(await p.model(page));
}

export { norm };
