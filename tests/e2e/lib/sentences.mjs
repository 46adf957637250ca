// Test sentences. The brief's examples are used when the engine flags them; otherwise the
// engine's own per-rule `flag` examples (which its own tests guarantee it flags). What must be
// underlined is always computed by the same engine in node, so the tests check the extension's
// placement exactly without hard-coding the rule packs' current content.
export const CLEAN = { zh: '感谢您对我们公司的支持', en: "Thanks for your patience, we'll follow up tomorrow." };
const BRIEF = {
  zh: ['你们这些傻逼', '这套系统我保证下周二之前上线'],
  en: ['I guarantee it will be live on Monday', 'our floor price is $3,000, half the list price'],
};

import { flagExamples } from '../../lib/pack-examples.mjs';

const isZh = (s) => /[\u4e00-\u9fff]/.test(s);
const typeable = (s) => s.length <= 60 && !/[\n\t]/.test(s);

export function pickSentences(checker) {
  const flagged = (s) => checker.check(s, 'auto').length > 0;
  const examples = flagExamples().filter(typeable);
  const pick = (lang) => BRIEF[lang].find(flagged)
    ?? examples.find((s) => (lang === 'zh' ? isZh(s) : !isZh(s)) && flagged(s));
  const violating = { zh: pick('zh'), en: pick('en') };
  // A sentence whose first finding has a suggestion, to test "apply" (zh first, then en).
  const withSuggestion = [...BRIEF.zh, ...examples.filter(isZh), ...BRIEF.en, ...examples]
    .find((s) => typeable(s) && checker.check(s, 'auto')[0]?.suggestions.length > 0);
  return { clean: CLEAN, violating, apply: withSuggestion };
}

/** A custom term no built-in rule knows, a sentence the packs leave clean, and a rule (a plain
 * term list, not a structural rule) that flags the term once the policy adds it. */
export const CUSTOM_TERM = 'zorblax';
export const CUSTOM_SENTENCE = 'The zorblax report is attached.';
export function termRule(engine) {
  for (const r of new engine.Checker().rules()) {
    if (r.category !== 'disrespect') continue;
    try {
      const c = new engine.Checker(JSON.stringify({ version: 1, terms: [{ rule: r.id, add: [CUSTOM_TERM] }] }));
      if (c.check(CUSTOM_SENTENCE, 'auto').some((d) => d.rule === r.id && d.text === CUSTOM_TERM)) return r.id;
    } catch { /* not a rule that takes terms */ }
  }
  throw new Error('no built-in rule flags a custom term');
}
