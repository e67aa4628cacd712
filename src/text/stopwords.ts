// English stopwords (function words): they carry no evidence that a passage was reused.
// Stored as token hashes (see tokens.ts) so the hot path tests a token with one Set lookup.

import { hashWord } from './tokens.ts';

/** A common English stopword list (the NLTK list, apostrophes dropped as the tokenizer does). */
export const STOPWORDS: readonly string[] = (
  'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself ' +
  'she her hers herself it its itself they them their theirs themselves what which who whom ' +
  'this that these those am is are was were be been being have has had having do does did ' +
  'doing a an the and but if or because as until while of at by for with about against ' +
  'between into through during before after above below to from up down in out on off over ' +
  'under again further then once here there when where why how all any both each few more ' +
  'most other some such no nor not only own same so than too very s t can will just don ' +
  'should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn ' +
  'mustn needn shan shouldn wasn weren won wouldn dont doesnt didnt isnt wasnt cant wont im ' +
  'ive id youre theyre weve youve youd youll theyve theyll hes shes thats theres whats ' +
  'wouldnt couldnt shouldnt arent werent hasnt havent hadnt mustnt neednt ' +
  'would could also may might must shall us upon'
).split(' ');

/** Token hashes of the stopwords. */
export const STOPWORD_HASHES: ReadonlySet<number> = new Set(STOPWORDS.map(hashWord));

/** True when `word` (any case) is a stopword. */
export function isStopword(word: string): boolean {
  return STOPWORD_HASHES.has(hashWord(word));
}
