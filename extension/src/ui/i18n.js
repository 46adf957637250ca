// Fills [data-i18n] elements (textContent) and [data-i18n-attr="attr:name"] attributes.
export const t = (name, subs) => chrome.i18n.getMessage(name, subs) || name;

export function localize(root = document) {
  document.documentElement.lang = chrome.i18n.getUILanguage();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, name] = pair.split(':');
      el.setAttribute(attr.trim(), t(name.trim()));
    }
  }
}
