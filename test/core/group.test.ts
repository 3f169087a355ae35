import { describe, expect, it } from 'vitest';
import { groupBy } from '../../src/core/group.js';

describe('groupBy', () => {
  it('keeps every item, in its order, under its key, with the keys in the order first seen', () => {
    const items = [{ i: 'b', n: 1 }, { i: 'a', n: 2 }, { i: 'b', n: 3 }, { i: 'c', n: 4 }, { i: 'a', n: 5 }];
    const g = groupBy(items, (x) => x.i);
    expect([...g.keys()]).toEqual(['b', 'a', 'c']);
    expect(g.get('b')!.map((x) => x.n)).toEqual([1, 3]);
    expect(g.get('a')!.map((x) => x.n)).toEqual([2, 5]);
    expect(g.get('c')!.map((x) => x.n)).toEqual([4]);
    expect(g.get('d')).toBeUndefined();
  });
});
