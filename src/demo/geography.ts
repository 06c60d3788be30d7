/** Where the shop's customers live: country, city, currency, language and clock. */
import type { Currency } from './catalog.js';
import { dutchNames, englishNames, frenchNames, germanNames, spanishNames, type NameSet } from './names.js';

/** Numbering plans this generator can write phones in and normalize to E.164 without a library. */
export type PhonePlan = 'US' | 'GB' | 'DE' | 'FR';

export interface City {
  name: string;
  weight: number;
  /** Standard-time UTC offset in hours; daylight saving is ignored for the hour people shop at. */
  utcOffset: number;
  /** US area codes of the city, so a phone number and its city agree. */
  areaCodes?: readonly string[];
}

export interface Country {
  code: 'US' | 'GB' | 'DE' | 'FR' | 'NL' | 'ES' | 'IE';
  weight: number;
  currency: Currency;
  locale: string;
  phonePlan: PhonePlan | null;
  names: NameSet;
  cities: readonly City[];
}

export const countries: readonly Country[] = [
  {
    code: 'US', weight: 64, currency: 'USD', locale: 'en-US', phonePlan: 'US', names: englishNames,
    cities: [
      { name: 'New York', weight: 14, utcOffset: -5, areaCodes: ['212', '718', '646', '917'] },
      { name: 'Los Angeles', weight: 9, utcOffset: -8, areaCodes: ['213', '310', '323'] },
      { name: 'Chicago', weight: 7, utcOffset: -6, areaCodes: ['312', '773'] },
      { name: 'Houston', weight: 5, utcOffset: -6, areaCodes: ['713', '832'] },
      { name: 'Phoenix', weight: 3, utcOffset: -7, areaCodes: ['602'] },
      { name: 'Philadelphia', weight: 4, utcOffset: -5, areaCodes: ['215', '267'] },
      { name: 'San Diego', weight: 3, utcOffset: -8, areaCodes: ['619', '858'] },
      { name: 'Dallas', weight: 4, utcOffset: -6, areaCodes: ['214', '469'] },
      { name: 'Austin', weight: 3, utcOffset: -6, areaCodes: ['512'] },
      { name: 'San Francisco', weight: 4, utcOffset: -8, areaCodes: ['415', '628'] },
      { name: 'Seattle', weight: 5, utcOffset: -8, areaCodes: ['206'] },
      { name: 'Denver', weight: 5, utcOffset: -7, areaCodes: ['303', '720'] },
      { name: 'Boston', weight: 4, utcOffset: -5, areaCodes: ['617', '857'] },
      { name: 'Portland', weight: 4, utcOffset: -8, areaCodes: ['503', '971'] },
      { name: 'Minneapolis', weight: 3, utcOffset: -6, areaCodes: ['612'] },
      { name: 'Atlanta', weight: 4, utcOffset: -5, areaCodes: ['404', '678'] },
      { name: 'Miami', weight: 3, utcOffset: -5, areaCodes: ['305', '786'] },
      { name: 'Salt Lake City', weight: 2, utcOffset: -7, areaCodes: ['801'] },
      { name: 'Washington', weight: 4, utcOffset: -5, areaCodes: ['202'] },
      { name: 'Nashville', weight: 2, utcOffset: -6, areaCodes: ['615'] },
    ],
  },
  {
    code: 'GB', weight: 13, currency: 'GBP', locale: 'en-GB', phonePlan: 'GB', names: englishNames,
    cities: [
      { name: 'London', weight: 10, utcOffset: 0 },
      { name: 'Manchester', weight: 3, utcOffset: 0 },
      { name: 'Bristol', weight: 2, utcOffset: 0 },
      { name: 'Edinburgh', weight: 2, utcOffset: 0 },
      { name: 'Leeds', weight: 2, utcOffset: 0 },
    ],
  },
  {
    code: 'DE', weight: 8, currency: 'EUR', locale: 'de-DE', phonePlan: 'DE', names: germanNames,
    cities: [
      { name: 'Berlin', weight: 4, utcOffset: 1 },
      { name: 'München', weight: 3, utcOffset: 1 },
      { name: 'Hamburg', weight: 2, utcOffset: 1 },
      { name: 'Köln', weight: 2, utcOffset: 1 },
    ],
  },
  {
    code: 'FR', weight: 7, currency: 'EUR', locale: 'fr-FR', phonePlan: 'FR', names: frenchNames,
    cities: [
      { name: 'Paris', weight: 5, utcOffset: 1 },
      { name: 'Lyon', weight: 2, utcOffset: 1 },
      { name: 'Marseille', weight: 1, utcOffset: 1 },
      { name: 'Grenoble', weight: 1, utcOffset: 1 },
    ],
  },
  {
    code: 'NL', weight: 3, currency: 'EUR', locale: 'nl-NL', phonePlan: null, names: dutchNames,
    cities: [
      { name: 'Amsterdam', weight: 3, utcOffset: 1 },
      { name: 'Utrecht', weight: 1, utcOffset: 1 },
    ],
  },
  {
    code: 'ES', weight: 3, currency: 'EUR', locale: 'es-ES', phonePlan: null, names: spanishNames,
    cities: [
      { name: 'Madrid', weight: 2, utcOffset: 1 },
      { name: 'Barcelona', weight: 2, utcOffset: 1 },
    ],
  },
  {
    code: 'IE', weight: 2, currency: 'EUR', locale: 'en-IE', phonePlan: null, names: englishNames,
    cities: [
      { name: 'Dublin', weight: 3, utcOffset: 0 },
      { name: 'Cork', weight: 1, utcOffset: 0 },
    ],
  },
];

export const countryWeights = countries.map((c) => [c, c.weight] as const);
export const cityWeights = new Map(countries.map((c) => [c.code, c.cities.map((city) => [city, city.weight] as const)]));

/** Documentation address blocks (RFC 5737): realistic-looking IPs that belong to nobody. */
export const ipBlocks = ['192.0.2', '198.51.100', '203.0.113'] as const;
