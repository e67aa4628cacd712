// The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), for lower-case
// English words. Words of one or two letters and words with non-letters are returned unchanged.

const step2list: Record<string, string> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};

const step3list: Record<string, string> = {
  icate: 'ic',
  ative: '',
  alize: 'al',
  iciti: 'ic',
  ical: 'ic',
  ful: '',
  ness: '',
};

const c = '[^aeiou]'; // consonant
const v = '[aeiouy]'; // vowel
const C = c + '[^aeiouy]*'; // consonant sequence
const V = v + '[aeiou]*'; // vowel sequence

const mgr0 = new RegExp('^(' + C + ')?' + V + C); // [C]VC... is m>0
const meq1 = new RegExp('^(' + C + ')?' + V + C + '(' + V + ')?$'); // [C]VC[V] is m=1
const mgr1 = new RegExp('^(' + C + ')?' + V + C + V + C); // [C]VCVC... is m>1
const sV = new RegExp('^(' + C + ')?' + v); // vowel in stem

const re1a = /^(.+?)(ss|i)es$/;
const re1a2 = /^(.+?)([^s])s$/;
const re1b = /^(.+?)eed$/;
const re1b2 = /^(.+?)(ed|ing)$/;
const re1b3 = /(at|bl|iz)$/;
const re1b4 = /([^aeiouylsz])\1$/;
const re1b5 = new RegExp('^' + C + v + '[^aeiouwxy]$');
const re1c = /^(.+?)y$/;
const re2 =
  /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const re3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const re4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const re4b = /^(.+?)(s|t)(ion)$/;
const re5 = /^(.+?)e$/;
const re5b = /ll$/;
const re5c = new RegExp('^' + C + v + '[^aeiouwxy]$');
const letters = /^[a-z]+$/;

/** Porter stem of a lower-case word. */
export function stem(w: string): string {
  if (w.length < 3 || !letters.test(w)) return w;
  let m: RegExpExecArray | null;
  const firstch = w[0];
  if (firstch === 'y') w = 'Y' + w.slice(1);

  // Step 1a
  if ((m = re1a.exec(w))) w = m[1] + m[2];
  else if ((m = re1a2.exec(w))) w = m[1] + m[2];

  // Step 1b
  if ((m = re1b.exec(w))) {
    if (mgr0.test(m[1])) w = w.slice(0, -1);
  } else if ((m = re1b2.exec(w))) {
    const stemPart = m[1];
    if (sV.test(stemPart)) {
      w = stemPart;
      if (re1b3.test(w)) w += 'e';
      else if (re1b4.test(w)) w = w.slice(0, -1);
      else if (re1b5.test(w)) w += 'e';
    }
  }

  // Step 1c
  if ((m = re1c.exec(w))) {
    if (sV.test(m[1])) w = m[1] + 'i';
  }

  // Step 2
  if ((m = re2.exec(w))) {
    if (mgr0.test(m[1])) w = m[1] + step2list[m[2]];
  }

  // Step 3
  if ((m = re3.exec(w))) {
    if (mgr0.test(m[1])) w = m[1] + step3list[m[2]];
  }

  // Step 4
  if ((m = re4.exec(w))) {
    if (mgr1.test(m[1])) w = m[1];
  } else if ((m = re4b.exec(w))) {
    const s = m[1] + m[2];
    if (mgr1.test(s)) w = s;
  }

  // Step 5
  if ((m = re5.exec(w))) {
    const s = m[1];
    if (mgr1.test(s) || (meq1.test(s) && !re5c.test(s))) w = s;
  }
  if (re5b.test(w) && mgr1.test(w)) w = w.slice(0, -1);

  if (firstch === 'y') w = 'y' + w.slice(1);
  return w;
}
