// Counted nouns in what a person reads: "1 document", "2 documents", "1 story", "3 stories".

const IRREGULAR: Record<string, string> = { story: 'stories', copy: 'copies', summary: 'summaries' };

/** `n word`, with the plural where n is not 1 (thousands grouped: "1,000 documents"). */
export function count(n: number, word: string, plural = IRREGULAR[word] ?? word + 's'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : plural}`;
}
