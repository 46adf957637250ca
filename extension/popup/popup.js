import { request } from '../src/shared/protocol.js';
import { localize, t } from '../src/ui/i18n.js';

localize();

async function activeTabId() {
  const q = new URLSearchParams(location.search).get('tab');     // tests open the popup as a page
  if (q) return Number(q);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? -1;
}

const $ = (id) => document.getElementById(id);

async function render() {
  const tabId = await activeTabId();
  const st = await request({ kind: 'tab-state', tabId });
  const toggle = $('site-toggle');
  if (!st.host) {
    $('host').textContent = t('popupNoSite');
    toggle.disabled = true;
  } else {
    $('host').textContent = st.host;
    toggle.disabled = !!st.locked;
    toggle.checked = !!st.active;
  }
  $('site-locked').hidden = !st.locked;
  const counts = st.active ? st.counts : null;
  $('no-field').hidden = !!counts;
  $('counts').hidden = !counts;
  if (counts) for (const li of $('counts').children) li.querySelector('.n').textContent = String(counts[li.dataset.category] ?? 0);
  toggle.onchange = async () => {
    toggle.disabled = true;
    try { await request({ kind: 'set-site', host: st.host, enabled: toggle.checked }); } finally { await render(); }
  };
  const status = await request({ kind: 'status' });
  $('version').textContent = status.version;
}

$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
render();
