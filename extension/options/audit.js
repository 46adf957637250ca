// Options page sections owned by the pre-send guard: the guard's settings (mode, threshold, extra
// send-button names; shown locked with the reason when the managed policy sets them) and the local
// audit log (table, JSON/CSV export through a Blob URL — no network —, clear unless locked).
// Imported by options.html; builds its own <section>s at the end of <main>.

import { request } from '../src/shared/protocol.js';
import { t } from '../src/ui/i18n.js';
import { mk } from '../src/ui/dom.js';
import { GUARD_KEY, AUDIT_KEY, USER_MODES, THRESHOLDS, normalizeGuard } from '../src/guard/config.js';
import { toCSV, toJSON, CSV_COLUMNS } from '../src/guard/audit.js';


const css = document.createElement('link');
css.rel = 'stylesheet';
css.href = 'audit.css';
document.head.append(css);

const main = document.querySelector('main');
const lockBadge = (id) => mk('span', { className: 'lock guard-lock', id, hidden: true, text: t('optionsLocked'), title: t('guardLockedReason') });

// ---- guard settings ---------------------------------------------------------------------------

const modeSel = mk('select', { id: 'guard-mode' });
for (const m of USER_MODES) modeSel.append(mk('option', { value: m, text: t(`guardMode${m[0].toUpperCase()}${m.slice(1)}`) }));
const thrSel = mk('select', { id: 'guard-threshold' });
for (const s of THRESHOLDS) thrSel.append(mk('option', { value: s, text: t(`guardThreshold_${s}`) }));
const names = mk('textarea', { id: 'guard-send-names', rows: 2 });
const lockedReason = mk('p', { className: 'lock-reason', id: 'guard-locked-reason', hidden: true, text: t('guardLockedReason') });

const guardSection = mk('section', { id: 'guard' },
  mk('h2', { text: t('guardSection') }),
  mk('p', { className: 'help', text: t('guardHelp') }),
  lockedReason,
  mk('label', { className: 'row' }, mk('span', { text: t('guardMode') }), modeSel, lockBadge('guard-mode-lock')),
  mk('label', { className: 'row' }, mk('span', { text: t('guardThreshold') }), thrSel, lockBadge('guard-threshold-lock')),
  mk('label', { className: 'block' }, mk('span', { text: t('guardSendNames') }), mk('p', { className: 'help', text: t('guardSendNamesHelp') }), names),
);

// ---- audit log --------------------------------------------------------------------------------

const table = mk('table', { id: 'audit-table' });
const thead = mk('thead', {}, mk('tr', {}, ...CSV_COLUMNS.map((c) => mk('th', { text: t(`auditCol_${c}`) }))));
const tbody = mk('tbody');
table.append(thead, tbody);
const empty = mk('p', { className: 'muted', id: 'audit-empty', text: t('auditEmpty') });
const exportJson = mk('button', { type: 'button', id: 'audit-export-json', text: t('auditExportJson') });
const exportCsv = mk('button', { type: 'button', id: 'audit-export-csv', text: t('auditExportCsv') });
const clearBtn = mk('button', { type: 'button', id: 'audit-clear', text: t('auditClear') });
const clearLocked = mk('span', { className: 'lock-reason', id: 'audit-clear-locked', hidden: true, text: t('auditClearLocked') });

const auditSection = mk('section', { id: 'audit' },
  mk('h2', { text: t('auditTitle') }),
  mk('p', { className: 'help', text: t('auditHelp') }),
  mk('div', { className: 'row' }, exportJson, exportCsv, clearBtn, clearLocked),
  empty, table,
);

main.append(guardSection, auditSection);

let entries = [];
let userGuard = {};

async function loadGuard() {
  const [cfg, stored] = await Promise.all([request({ kind: 'guard-config' }), chrome.storage.sync.get(GUARD_KEY)]);
  userGuard = normalizeGuard(stored[GUARD_KEY]);
  const eff = cfg.user;
  modeSel.value = eff.mode;
  thrSel.value = eff.threshold;
  modeSel.disabled = eff.locked.mode;
  thrSel.disabled = eff.locked.threshold;
  document.getElementById('guard-mode-lock').hidden = !eff.locked.mode;
  document.getElementById('guard-threshold-lock').hidden = !eff.locked.threshold;
  names.value = (userGuard.send_names || []).join('\n');
  names.disabled = eff.locked.all;
  lockedReason.hidden = !(eff.locked.mode || eff.locked.threshold || eff.locked.all);
  guardSection.classList.toggle('locked', !lockedReason.hidden);
  clearBtn.disabled = eff.locked.audit || !entries.length;
  clearBtn.dataset.locked = String(eff.locked.audit);
  clearLocked.hidden = !eff.locked.audit;
  guardSection.dataset.ready = 'true';
}

async function saveGuard(patch) {
  const next = { ...userGuard, ...patch };
  for (const [k, v] of Object.entries(next)) if (v === undefined || (Array.isArray(v) && !v.length)) delete next[k];
  await chrome.storage.sync.set({ [GUARD_KEY]: next });
  const saved = document.getElementById('saved');
  if (saved) saved.textContent = t('optionsSaved');
}

modeSel.addEventListener('change', () => saveGuard({ mode: modeSel.value }));
thrSel.addEventListener('change', () => saveGuard({ threshold: thrSel.value }));
names.addEventListener('change', () => saveGuard({ send_names: names.value.split('\n').map((s) => s.trim()).filter(Boolean) }));

function fmtTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

async function loadAudit() {
  const { [AUDIT_KEY]: list = [] } = await chrome.storage.local.get(AUDIT_KEY);
  entries = Array.isArray(list) ? list : [];
  tbody.replaceChildren(...entries.slice().reverse().map((e) => mk('tr', { dataset: { action: e.action } },
    mk('td', { text: fmtTime(e.time), title: e.time }),
    mk('td', { text: e.site || '' }),
    mk('td', { className: 'id', text: (e.rules || []).join(', ') }),
    mk('td', { text: e.mode || '' }),
    mk('td', { text: t(`auditAction_${e.action}`) }),
    mk('td', { text: e.reason || '' }))));
  empty.hidden = entries.length > 0;
  table.hidden = entries.length === 0;
  exportJson.disabled = exportCsv.disabled = entries.length === 0;
  clearBtn.disabled = clearBtn.dataset.locked === 'true' || !entries.length;
  auditSection.dataset.count = String(entries.length);
}

function download(text, type, ext) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = mk('a', { href: url, download: `conduct-audit-${new Date().toISOString().slice(0, 10)}.${ext}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

exportJson.addEventListener('click', () => download(toJSON(entries), 'application/json', 'json'));
exportCsv.addEventListener('click', () => download(toCSV(entries), 'text/csv;charset=utf-8', 'csv'));
clearBtn.addEventListener('click', async () => {
  try { await request({ kind: 'guard-audit-clear' }); } catch (e) { console.warn('conduct: cannot clear the audit log', e); }
  loadAudit();
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[AUDIT_KEY]) loadAudit();
  if (area === 'managed' || (area === 'sync' && changes[GUARD_KEY]) || (area === 'local' && changes.workerState)) loadGuard();
});

loadAudit().then(loadGuard);
