// Test messages of a given size: realistic mixed Chinese/English support mail with a few findings.

/**
 * About `bytes` (UTF-8) of mixed Chinese and English support mail, lines of three sentences, with
 * the violating sentences of `pickSentences` (lib/sentences.mjs) `S` in it.
 */
export function supportMessage(S, bytes = 10 * 1024) {
  const parts = [
    '您好，关于贵司上周反馈的数据库备份问题，我们已经安排工程师进行排查，初步判断是存储配额不足导致的。',
    'We have reviewed the logs from the backup job and found that the storage quota was exceeded on Tuesday night.',
    '感谢您对我们公司的支持，如有任何问题请随时联系我们。',
    "Thanks for your patience, we'll follow up tomorrow with the detailed report.",
    S.violating.zh + '。', S.violating.en,
  ];
  let out = '';
  for (let i = 0; Buffer.byteLength(out) < bytes; i++) out += parts[i % parts.length] + (i % 3 === 2 ? '\n' : ' ');
  return out;
}
