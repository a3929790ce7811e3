import { describe, expect, it } from 'vitest';
import { goJsonObjectError } from './go-json.js';

const MAP = 'Go value of type map[string]interface {}';

describe('goJsonObjectError: json.Unmarshal into map[string]interface{}', () => {
  it.each<[input: string, want: string | undefined]>([
    ['{"auths":{"r.io":{"auth":"eDp5"}}}', undefined],
    ['  {}\n', undefined],
    ['null', undefined],
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"auths":', 'unexpected end of JSON input'],
    ['{"a":"b', 'unexpected end of JSON input'],
    ['[]', `json: cannot unmarshal array into ${MAP}`],
    ['"x"', `json: cannot unmarshal string into ${MAP}`],
    ['-1.5e3', `json: cannot unmarshal number into ${MAP}`],
    ['true', `json: cannot unmarshal bool into ${MAP}`],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{} {}', "invalid character '{' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')"],
    ['[-]', "invalid character ']' in numeric literal"],
    ['[1.]', "invalid character ']' after decimal point in numeric literal"],
    ['[1e]', "invalid character ']' in exponent of numeric literal"],
    ['["\\q"]', "invalid character 'q' in string escape code"],
    ['["\\u12g4"]', "invalid character 'g' in \\u hexadecimal character escape"],
    ['["a\tb"]', "invalid character '\\t' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\u0001', "invalid character '\\x01' looking for beginning of value"],
  ])('%j', (input, want) => {
    expect(goJsonObjectError(Buffer.from(input, 'latin1'))).toBe(want);
  });
});
