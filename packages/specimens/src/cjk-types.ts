/** One Chinese character usable in generated names, with its readings and Chinese commercial (telegraph) codes. */
export interface CjkChar {
  readonly simplified: string;
  readonly traditional: string;
  /** Upper-case toneless Hanyu Pinyin (surname reading for surnames). */
  readonly pinyin: string;
  /** Hong Kong government Cantonese spelling. */
  readonly hongKong: string;
  /** Macao Portuguese-style Cantonese spelling (approximate). */
  readonly macao: string;
  /** Unihan kMainlandTelegraph of the simplified form. */
  readonly mainlandCode: string;
  /** Unihan kTaiwanTelegraph of the traditional form (kMainlandTelegraph when Taiwan has none). */
  readonly traditionalCode: string;
}
